/**
 * The ASiC-E container (ETSI EN 319 162-1): a ZIP whose first entry is `mimetype`, stored uncompressed, holding
 * `application/vnd.etsi.asic-e+zip`; the data files; `META-INF/ASiCManifest.xml` naming each data file with its
 * SHA-256; and `META-INF/signature001.p7s`, a detached CAdES signature over that manifest (§4.4.3, the "ASiC-E with
 * CAdES" form, where the signature covers the manifest and the manifest covers the files).
 */
import yauzl from 'yauzl';
import yazl from 'yazl';
import { DOMParser, type Element } from '@xmldom/xmldom';

export const ASIC_E_MIMETYPE = 'application/vnd.etsi.asic-e+zip';
export const MANIFEST_PATH = 'META-INF/ASiCManifest.xml';
export const SIGNATURE_PATH = 'META-INF/signature001.p7s';
const ASIC_NS = 'http://uri.etsi.org/02918/v1.2.1#';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** Limits for reading a container someone hands over: it may be hostile. */
const MAX_ENTRIES = 100_000;
const MAX_TOTAL_BYTES = 4 * 1024 ** 3;

export class ContainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerError';
  }
}

export interface ManifestReference {
  uri: string;
  mimeType: string;
  sha256: Buffer;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The ASiCManifest (ETSI EN 319 162-1 Annex A) naming the signature and every data file with its SHA-256. */
export function manifestXml(references: readonly ManifestReference[]): Buffer {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<asic:ASiCManifest xmlns:asic="${ASIC_NS}" xmlns:ds="${DS_NS}">`,
    `  <asic:SigReference URI="${SIGNATURE_PATH}" MimeType="application/pkcs7-signature"/>`,
    ...references.map(
      (ref) =>
        `  <asic:DataObjectReference URI="${escapeXml(ref.uri)}" MimeType="${escapeXml(ref.mimeType)}">` +
        `<ds:DigestMethod Algorithm="${SHA256_URI}"/><ds:DigestValue>${ref.sha256.toString('base64')}</ds:DigestValue>` +
        '</asic:DataObjectReference>',
    ),
    '</asic:ASiCManifest>',
    '',
  ];
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** The manifest's references; throws ContainerError when it is not an ASiCManifest the hub can read. */
export function readManifest(xml: Buffer): { signature: string; references: ManifestReference[] } {
  let root: Element | null;
  try {
    root = new DOMParser().parseFromString(xml.toString('utf8'), 'text/xml').documentElement;
  } catch (error) {
    throw new ContainerError(`${MANIFEST_PATH} is not XML: ${(error as Error).message}`);
  }
  if (!root || root.namespaceURI !== ASIC_NS || root.localName !== 'ASiCManifest')
    throw new ContainerError(`${MANIFEST_PATH} is not an asic:ASiCManifest`);
  const sig = root.getElementsByTagNameNS(ASIC_NS, 'SigReference')[0];
  const references: ManifestReference[] = [];
  const list = root.getElementsByTagNameNS(ASIC_NS, 'DataObjectReference');
  for (let i = 0; i < list.length; i++) {
    const ref = list[i];
    const method = ref.getElementsByTagNameNS(DS_NS, 'DigestMethod')[0]?.getAttribute('Algorithm');
    const value = ref.getElementsByTagNameNS(DS_NS, 'DigestValue')[0]?.textContent ?? '';
    const uri = ref.getAttribute('URI') ?? '';
    if (method !== SHA256_URI)
      throw new ContainerError(
        `${MANIFEST_PATH}: ${uri} is digested with ${method ?? 'nothing'}, not SHA-256`,
      );
    references.push({
      uri,
      mimeType: ref.getAttribute('MimeType') ?? '',
      sha256: Buffer.from(value, 'base64'),
    });
  }
  return { signature: sig?.getAttribute('URI') ?? '', references };
}

/** Writes the container: mimetype first and stored, then every file in the order given (deflated). */
export async function writeContainer(files: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  // A fixed time: the same contents give the same container, whenever it is written.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  zip.addBuffer(Buffer.from(ASIC_E_MIMETYPE, 'ascii'), 'mimetype', { compress: false, mtime });
  for (const [name, bytes] of files) zip.addBuffer(bytes, name, { compress: true, mtime });
  zip.end();
  return done;
}

/** A container's entries in order: name, bytes, and whether it was stored uncompressed. */
export interface ContainerEntry {
  name: string;
  bytes: Buffer;
  stored: boolean;
}

export async function readContainer(bytes: Buffer): Promise<ContainerEntry[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
  } catch (error) {
    throw new ContainerError(`the file is not a ZIP container: ${(error as Error).message}`);
  }
  try {
    if (zip.entryCount > MAX_ENTRIES)
      throw new ContainerError(`the container has ${zip.entryCount} entries, more than ${MAX_ENTRIES}`);
    const entries: ContainerEntry[] = [];
    let total = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      total += entry.uncompressedSize;
      if (total > MAX_TOTAL_BYTES) throw new ContainerError('the container unpacks to more than 4 GiB');
      const content = await zip.openReadStreamPromise(entry);
      const parts: Buffer[] = [];
      for await (const chunk of content) parts.push(chunk as Buffer);
      entries.push({
        name: entry.fileName,
        bytes: Buffer.concat(parts),
        stored: entry.compressionMethod === 0,
      });
    }
    return entries;
  } catch (error) {
    if (error instanceof ContainerError) throw error;
    throw new ContainerError(`the container cannot be read: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}
