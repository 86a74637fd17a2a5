import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { checkCmsSigner } from '../../signature/cms';
import { verifyTimeStampToken } from '../../signature/timestamp';
import type { TrustDatum } from '../../signature/types';
import { ID_SIGNATURE_TIMESTAMP } from '../cms';
import { verifyViewReceipt } from '../receipt';
import {
  fieldDigest,
  GENESIS_LINK,
  linkHash,
  recordDigest,
  recordSpec,
  sha256Hex,
  type CanonicalValue,
  type FieldDigest,
} from '../records';
import { checkSeal } from '../seals';
import {
  ASIC_E_MIMETYPE,
  ContainerError,
  MANIFEST_PATH,
  readContainer,
  readManifest,
  SIGNATURE_PATH,
} from './asic';
import {
  CHAIN_PATH,
  INDEX_PATH,
  REPORT_PATH,
  STATEMENT_PATH,
  storedSeal,
  type ChainProof,
  type EvidenceIndex,
  type EvidenceRecord,
} from './contents';
import { statementText } from './package';
import { describeFacts, jsonOrUndefined } from './statement';

/**
 * `bin/hub evidence verify`: checks an evidence package offline, from its bytes alone (and, when given, the hub's
 * archive certificate obtained some other way): the container, the manifest's signature and timestamp, every file
 * against the manifest, every record against the chain segments, the segments against the seals, each seal's
 * signature and timestamp, the trust data against the archived report, the signed receipt, and the package's own
 * statement against the records.
 */

export interface EvidenceCheck {
  passed: boolean;
  message: string;
}

export interface EvidenceVerification {
  valid: boolean;
  checks: EvidenceCheck[];
  /** What the records say, in words (when the package could be read). */
  facts: string[];
  signer?: { subject: string; sha256: string };
}

export async function verifyEvidencePackage(
  bytes: Buffer,
  options: { archiveCertificatePem?: string } = {},
): Promise<EvidenceVerification> {
  const checks: EvidenceCheck[] = [];
  const check: Check = (passed, message, failure = message) =>
    checks.push({ passed, message: passed ? message : failure });
  const done = (facts: string[] = [], signer?: EvidenceVerification['signer']) => ({
    valid: checks.every((c) => c.passed),
    checks,
    facts,
    signer,
  });

  let entries;
  try {
    entries = await readContainer(bytes);
  } catch (error) {
    check(false, error instanceof ContainerError ? error.message : String(error));
    return done();
  }
  const files = new Map(entries.map((e) => [e.name, e.bytes]));
  const first = entries[0];
  const isAsicE =
    first?.name === 'mimetype' && first.stored && first.bytes.toString('ascii') === ASIC_E_MIMETYPE;
  check(
    isAsicE,
    'the container is ASiC-E: mimetype first, stored, application/vnd.etsi.asic-e+zip',
    'the container is not ASiC-E: its first entry must be "mimetype", stored uncompressed, holding application/vnd.etsi.asic-e+zip',
  );
  const manifestBytes = files.get(MANIFEST_PATH);
  const signatureBytes = files.get(SIGNATURE_PATH);
  if (!manifestBytes || !signatureBytes) {
    check(false, `the container lacks ${!manifestBytes ? MANIFEST_PATH : SIGNATURE_PATH}`);
    return done();
  }

  // 1. The signature over the manifest, and its timestamp.
  const signer = checkPackageSignature(manifestBytes, signatureBytes, options.archiveCertificatePem, check);

  // 2. Every file against the manifest.
  let manifest;
  try {
    manifest = readManifest(manifestBytes);
  } catch (error) {
    check(false, (error as Error).message);
    return done([], signer);
  }
  checkFiles(files, manifest.references, check);

  // 3. The records, the chain and the seals.
  let index: EvidenceIndex;
  let chain: ChainProof;
  try {
    index = JSON.parse(files.get(INDEX_PATH)?.toString('utf8') ?? '') as EvidenceIndex;
    chain = JSON.parse(files.get(CHAIN_PATH)?.toString('utf8') ?? '') as ChainProof;
  } catch {
    check(false, `${INDEX_PATH} or ${CHAIN_PATH} is missing or not JSON`);
    return done([], signer);
  }
  const digests = checkRecords(index.records, files, check);
  checkChain(index.records, digests, chain, check);
  checkSeals(chain, signer?.pem ?? options.archiveCertificatePem, check);

  // 4. What the records say against the files made from them.
  await checkDerivedFiles(index, chain, files, signer, check);
  const facts = describeFacts(index, chain);
  return done(facts, signer && { subject: signer.subject, sha256: signer.sha256 });
}

/** Records a check: `message` says what holds; `failure`, when given, what is wrong instead. */
type Check = (passed: boolean, message: string, failure?: string) => void;
interface Signer {
  subject: string;
  sha256: string;
  pem: string;
  der: Buffer;
}

function checkPackageSignature(
  manifest: Buffer,
  signature: Buffer,
  archiveCertificatePem: string | undefined,
  check: Check,
): Signer | undefined {
  let signedData: SignedData;
  try {
    const info = AsnConvert.parse(signature, ContentInfo);
    if (info.contentType !== id_signedData) throw new Error('not CMS SignedData');
    signedData = AsnConvert.parse(info.content, SignedData);
  } catch (error) {
    check(false, `${SIGNATURE_PATH} is not a CMS signature: ${(error as Error).message}`);
    return undefined;
  }
  const signed = checkCmsSigner(signedData, manifest, SIGNATURE_PATH);
  if (!signed.valid) {
    check(
      false,
      `${signed.detail}: the manifest was changed after it was signed, or the signature is broken`,
    );
    return undefined;
  }
  const certificate = new X509Certificate(signed.signer.der);
  const who = `${certificate.subject.replace(/\n/g, ', ')} (certificate SHA-256 ${certificate.fingerprint256})`;
  check(true, `the manifest is signed by ${who}`);
  if (archiveCertificatePem) {
    const expected = new X509Certificate(archiveCertificatePem);
    check(
      expected.raw.equals(certificate.raw),
      "the signer is the hub's archive certificate given with --archive-cert",
      `the signer is not the archive certificate given with --archive-cert (${expected.fingerprint256})`,
    );
  }
  const signatureValue = Buffer.from(signed.signerInfo.signature.buffer);
  const stamp = signed.signerInfo.unsignedAttrs?.find((a) => a.attrType === ID_SIGNATURE_TIMESTAMP);
  if (!stamp) {
    check(false, 'the package signature has no signature timestamp');
  } else {
    const outcome = verifyTimeStampToken(Buffer.from(stamp.attrValues[0]), {
      what: 'the package signature',
      digest: (hash) => createHash(hash).update(signatureValue).digest(),
    });
    if (outcome.valid)
      check(
        true,
        `the package signature is time-stamped by ${outcome.tsa.subject} at ${outcome.genTime.toISOString()}`,
      );
    else check(false, `the package signature's timestamp is invalid: ${outcome.detail}`);
  }
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    sha256: certificate.fingerprint256,
    pem: certificate.toString(),
    der: certificate.raw,
  };
}

function checkFiles(
  files: ReadonlyMap<string, Buffer>,
  references: readonly { uri: string; sha256: Buffer }[],
  check: Check,
): void {
  const listed = new Set(references.map((r) => r.uri));
  let matching = 0;
  for (const reference of references) {
    const bytes = files.get(reference.uri);
    if (!bytes) {
      check(false, `${reference.uri} is named by the manifest but missing from the container`);
      continue;
    }
    const actual = createHash('sha256').update(bytes).digest();
    if (actual.equals(reference.sha256)) matching++;
    else
      check(
        false,
        `${reference.uri}: its SHA-256 ${actual.toString('hex')} is not the manifest's ${reference.sha256.toString('hex')} (the file was changed)`,
      );
  }
  for (const name of files.keys()) {
    if (name === 'mimetype' || name === MANIFEST_PATH || name === SIGNATURE_PATH) continue;
    if (!listed.has(name)) check(false, `${name} is in the container but not in the signed manifest`);
  }
  check(
    matching === references.length,
    `${matching} of ${references.length} files match the signed manifest`,
  );
}

/** Each record's digest from its fields (and the files they name), with its content address checked. */
function checkRecords(
  records: readonly EvidenceRecord[],
  files: ReadonlyMap<string, Buffer>,
  check: Check,
): Map<number, string> {
  const digests = new Map<number, string>();
  for (const record of records) {
    const spec = recordSpec(record.type);
    const what = `${record.type} ${record.key} (link ${record.seq})`;
    if (!spec) {
      check(false, `${what}: not a record type this hub knows`);
      continue;
    }
    const values: Record<string, CanonicalValue> = {};
    for (const [name, value] of record.fields) {
      if (value !== null && typeof value === 'object') {
        const bytes = files.get(value.file);
        if (!bytes) check(false, `${what}: its ${name} names ${value.file}, which is not in the container`);
        values[name] = bytes ?? null;
      } else values[name] = value;
    }
    const names = record.fields.map(([name]) => name).join(',');
    if (names !== spec.fields.map((f) => f.name).join(',')) {
      check(false, `${what}: its fields (${names}) are not those of a ${spec.noun}`);
      continue;
    }
    if (spec.contentAddress) {
      const content = values[spec.contentAddress.content];
      const address = values[spec.contentAddress.digest];
      if (content !== null && content !== undefined && sha256Hex(content) !== address)
        check(
          false,
          `${what}: the SHA-256 of its ${spec.contentAddress.content} is not its content address ${address}`,
        );
    }
    const fields: FieldDigest[] = spec.fields.map((f) => [f.name, fieldDigest(values[f.name] ?? null)]);
    digests.set(record.seq, recordDigest(record.type, record.key, fields));
  }
  return digests;
}

/** Each segment hashes from its start to its head; each record's digest is the one the chain holds at its link. */
function checkChain(
  records: readonly EvidenceRecord[],
  digests: ReadonlyMap<number, string>,
  chain: ChainProof,
  check: Check,
): void {
  const chained = new Map<number, string>();
  for (const segment of chain.segments) {
    const label = segment.seal
      ? `the chain segment sealed by seal ${segment.seal}`
      : 'the unsealed chain segment';
    if (segment.after.seq === 0 && segment.after.link !== GENESIS_LINK) {
      check(false, `${label} starts at the chain's beginning but not from its first previous link`);
      continue;
    }
    let link = segment.after.link;
    let seq = segment.after.seq;
    let ordered = true;
    for (const [at, recordSha256] of segment.links) {
      if (at !== seq + 1) ordered = false;
      seq = at;
      link = linkHash(link, recordSha256);
      chained.set(at, recordSha256);
    }
    const reaches = ordered && seq === segment.head.seq && link === segment.head.link;
    check(
      reaches,
      `${label}: links ${segment.after.seq + 1}–${segment.head.seq} hash to the head ${segment.head.link}`,
      `${label}: its links do not hash to its head (link ${segment.head.seq}): a record digest in it was changed`,
    );
    const seal = chain.seals.find((s) => s.seal === segment.seal);
    if (segment.seal !== null && !seal) check(false, `${label}: seal ${segment.seal} is not in the package`);
    if (seal && (seal.headSeq !== segment.head.seq || seal.headLink !== segment.head.link))
      check(false, `${label}: seal ${seal.seal} sealed link ${seal.headSeq} ${seal.headLink}, not this head`);
  }
  let linked = 0;
  for (const record of records) {
    const digest = digests.get(record.seq);
    if (digest === undefined) continue;
    const inChain = chained.get(record.seq);
    if (inChain === digest) linked++;
    else
      check(
        false,
        inChain
          ? `${record.type} ${record.key}: its fields give record digest ${digest}, the chain holds ${inChain} at link ${record.seq} (the record was changed)`
          : `${record.type} ${record.key}: link ${record.seq} is in no chain segment of the package`,
      );
  }
  check(
    linked === records.length,
    `${linked} of ${records.length} records match their links in the archive chain`,
  );
}

function checkSeals(chain: ChainProof, archiveCertificatePem: string | undefined, check: Check): void {
  for (const proof of chain.seals) {
    const breaks = checkSeal(storedSeal(proof), {
      archiveCertificatePem,
      localUnitName: proof.timestampAuthority,
    });
    for (const found of breaks) check(false, found.message);
    if (breaks.length === 0)
      check(
        true,
        `seal ${proof.seal} (${proof.sealedAt}) is signed by the archive key and time-stamped by ${proof.timestampAuthority} at ${proof.timestampTime}`,
      );
  }
}

/** The report, trust data, receipt and statement the package carries agree with its (chained) records. */
async function checkDerivedFiles(
  index: EvidenceIndex,
  chain: ChainProof,
  files: ReadonlyMap<string, Buffer>,
  signer: Signer | undefined,
  check: Check,
): Promise<void> {
  const invoice = index.records.find((r) => r.type === 'invoice');
  const field = (record: EvidenceRecord | undefined, name: string) =>
    record?.fields.find(([n]) => n === name)?.[1];
  const reportText = field(invoice, 'report');
  // A changed byte may leave either one unreadable: then they do not agree, which is the finding, never a crash.
  const report =
    typeof reportText === 'string'
      ? (jsonOrUndefined(reportText) as { signature?: { trustData?: TrustDatum[] } } | undefined)
      : undefined;
  if (typeof reportText === 'string' && !report)
    check(false, 'the report in the archived invoice record is not JSON');
  else if (report) {
    const shown = files.get(REPORT_PATH);
    const same = shown !== undefined && isDeepStrictEqual(jsonOrUndefined(shown.toString('utf8')), report);
    check(same, `${REPORT_PATH} is the archived report`, `${REPORT_PATH} is not the archived report`);
    const listed = report.signature?.trustData ?? [];
    const carried = new Map(index.trust.map((t) => [t.sha256, t]));
    for (const datum of listed) {
      const file = carried.get(datum.sha256)?.file;
      const bytes = file ? files.get(file) : undefined;
      if (!bytes || sha256Hex(bytes) !== datum.sha256)
        check(
          false,
          `trust data ${datum.kind} ${datum.name} (SHA-256 ${datum.sha256}) that the report rests on is not in the package`,
        );
    }
    if (listed.length > 0)
      check(true, `the ${listed.length} pieces of trust data the report rests on are in trust/`);
  } else check(false, 'the package holds no archived invoice record');

  const receipt = index.records.find((r) => r.type === 'view-receipt');
  const document = field(receipt, 'document');
  if (receipt && document && typeof document === 'object') {
    const bytes = files.get(document.file);
    if (bytes) {
      const outcome = await verifyViewReceipt(bytes, { archiveCertificateDer: signer?.der, offline: true });
      const namesOriginal = outcome.facts.invoiceSha256 === field(invoice, 'sha256');
      check(
        outcome.valid && namesOriginal,
        `${document.file}: the signed receipt verifies and names this original's SHA-256`,
        `${document.file}: ${outcome.valid ? "the receipt names another original's SHA-256" : outcome.statement}`,
      );
    }
  }

  const statement = files.get(STATEMENT_PATH)?.toString('utf8');
  const expected = statementText({ index, chain });
  check(
    statement === expected,
    `${STATEMENT_PATH} says what the records say`,
    `${STATEMENT_PATH} does not say what the package's records say`,
  );
}

/** The verification as text: each check, then the facts. */
export function describeEvidenceVerification(result: EvidenceVerification): string[] {
  const lines = result.checks.map((c) => `${c.passed ? 'OK' : 'BREAK'} ${c.message}`);
  if (result.valid) {
    lines.push(
      '',
      'VALID. This package proves, without trusting the hub that made it, beyond its archive key and the timestamps:',
      ...result.facts,
      '',
      result.signer
        ? `Compare the archive certificate's SHA-256 (${result.signer.sha256}) with the one the hub publishes, or pass it with --archive-cert.`
        : '',
    );
  } else {
    lines.push(
      '',
      `NOT VALID: ${result.checks.filter((c) => !c.passed).length} checks failed; nothing in this package can be relied on.`,
    );
  }
  return lines;
}
