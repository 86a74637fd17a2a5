import { createHash } from 'node:crypto';
import { ID_DATA, prepareCms, signatureTimeStampAttribute, type CmsSigner } from '../cms';
import { MANIFEST_PATH, manifestXml, SIGNATURE_PATH, writeContainer, type ManifestReference } from './asic';
import { CHAIN_PATH, INDEX_PATH, REPORT_PATH, STATEMENT_PATH, type EvidenceContents } from './contents';
import { describeFacts } from './statement';

/** Time-stamps a SHA-256 digest (the package signature's value): TSA_URL or the hub's own unit. */
export type DigestStamper = (digest: Buffer) => Promise<Buffer>;

const MIME_TYPES: [RegExp, string][] = [
  [/\.xml$/, 'application/xml'],
  [/\.json$/, 'application/json'],
  [/\.txt$/, 'text/plain'],
  [/\.pdf$/, 'application/pdf'],
  [/\.png$/, 'image/png'],
  [/\.jpe?g$/, 'image/jpeg'],
  [/\.cer$/, 'application/pkix-cert'],
  [/\.crl$/, 'application/pkix-crl'],
  [/\.ocsp$/, 'application/ocsp-response'],
];

export const mimeTypeOf = (path: string) =>
  MIME_TYPES.find(([pattern]) => pattern.test(path))?.[1] ?? 'application/octet-stream';

/** The files of the package other than META-INF, in the order they are written. */
export function packageFiles(contents: EvidenceContents): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set(STATEMENT_PATH, Buffer.from(statementText(contents), 'utf8'));
  files.set(INDEX_PATH, Buffer.from(JSON.stringify(contents.index, null, 2) + '\n', 'utf8'));
  files.set(CHAIN_PATH, Buffer.from(JSON.stringify(contents.chain) + '\n', 'utf8'));
  const report = contents.index.records
    .find((r) => r.type === 'invoice')
    ?.fields.find(([name]) => name === 'report')?.[1];
  if (typeof report === 'string')
    files.set(REPORT_PATH, Buffer.from(JSON.stringify(JSON.parse(report), null, 2) + '\n', 'utf8'));
  for (const [path, bytes] of contents.files) files.set(path, bytes);
  return files;
}

export function statementText(contents: Pick<EvidenceContents, 'index' | 'chain'>): string {
  return [
    ...describeFacts(contents.index, contents.chain),
    '',
    'Check it offline, with no hub running: bin/hub evidence verify THIS-FILE.asice',
    'The package is an ASiC-E container (ETSI EN 319 162-1): META-INF/ASiCManifest.xml names every file with its',
    "SHA-256 and META-INF/signature001.p7s is the hub archive key's CAdES signature over it.",
    '',
  ].join('\n');
}

/**
 * Writes the evidence package: the files, a manifest naming each with its SHA-256, and the archive key's detached
 * CAdES signature over the manifest with a signature timestamp (CAdES-T).
 */
export async function buildEvidencePackage(
  contents: EvidenceContents,
  signer: CmsSigner,
  stamp: DigestStamper,
): Promise<Buffer> {
  const files = packageFiles(contents);
  const references: ManifestReference[] = [...files].map(([uri, bytes]) => ({
    uri,
    mimeType: mimeTypeOf(uri),
    sha256: createHash('sha256').update(bytes).digest(),
  }));
  const manifest = manifestXml(references);
  const signing = prepareCms(signer, {
    type: ID_DATA,
    bytes: manifest,
    detached: true,
    signingTime: new Date(contents.index.exportedAt),
  });
  const token = await stamp(createHash('sha256').update(signing.signatureValue).digest());
  const signature = signing.finish([signatureTimeStampAttribute(token)]);
  files.set(MANIFEST_PATH, manifest);
  files.set(SIGNATURE_PATH, signature);
  return writeContainer(files);
}
