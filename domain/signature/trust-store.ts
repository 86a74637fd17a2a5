/**
 * Trust anchors loaded from disk: folders or files of CA certificates (PEM or DER), and ETSI TS 119 612 trusted
 * lists (the form of the EU LOTL and TSL_BG.xml). A trusted list contributes the certificates of its CA/QC
 * services with their status history, so qualified status is judged at the signing time.
 * Loaded sets are cached per path list and file modification time: validation runs load them once.
 * The trusted lists' own XAdES signatures are not checked: the operator placing the files is trusted.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../xml';
import { certificateFromDer, type Certificate } from './certificates';
import { pemBlocks } from './signer-credentials';
import { childElements, strictBase64, textOf } from './signature-structure';

export const TSL_NS = 'http://uri.etsi.org/02231/v2#';
export const SERVICE_TYPE_CA_QC = 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC';
/** Statuses under which a CA/QC service issues qualified certificates (eIDAS "granted", and pre-2016 "under supervision"/"accredited"). */
const GRANTED_STATUSES = new Set([
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited',
]);

export interface ServiceStatusPeriod {
  type: string;
  status: string;
  from: Date;
}

export interface TrustAnchor {
  certificate: Certificate;
  /** File it came from. */
  source: string;
  /** For trusted-list services: the status history, newest first. */
  service?: { name: string; history: ServiceStatusPeriod[] };
}

export interface TrustStore {
  anchors: TrustAnchor[];
  /** Names what was loaded: files, their SHA-256, trusted-list sequence numbers and issue dates. */
  snapshot: string;
  /** Files that could not be used, with the reason. */
  problems: string[];
}

const cache = new Map<string, TrustStore>();

export function loadTrustStore(paths: string[]): TrustStore {
  const files = paths.flatMap((path) => listFiles(path));
  const key = files.map((file) => `${file.path}@${file.mtimeMs}`).join('|');
  const cached = cache.get(key);
  if (cached) return cached;
  const anchors: TrustAnchor[] = [];
  const descriptions: string[] = [];
  const problems: string[] = [
    ...files.filter((file) => file.error).map((file) => `${file.path}: ${file.error}`),
  ];
  for (const file of files) {
    if (file.error) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.path);
    } catch (error) {
      problems.push(`${file.path}: ${message(error)}`);
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (looksLikeXml(bytes)) {
      try {
        const list = readTrustedList(bytes, file.path);
        anchors.push(...list.anchors);
        descriptions.push(
          `${file.path} (trusted list ${list.territory ?? ''} #${list.sequenceNumber ?? '?'} issued ${list.issued ?? '?'}, ${list.anchors.length} CA/QC certificates, sha256 ${sha256})`,
        );
      } catch (error) {
        problems.push(`${file.path}: not a usable trusted list: ${message(error)}`);
      }
      continue;
    }
    const certificates = certificatesFromFile(bytes);
    if (certificates.length === 0) {
      problems.push(`${file.path}: no certificate found`);
      continue;
    }
    anchors.push(...certificates.map((certificate) => ({ certificate, source: file.path })));
    descriptions.push(
      `${file.path} (${certificates.length} certificate${certificates.length === 1 ? '' : 's'}, sha256 ${sha256})`,
    );
  }
  const store: TrustStore = {
    anchors,
    snapshot: descriptions.length ? descriptions.join('; ') : 'no trust anchors loaded',
    problems,
  };
  cache.set(key, store);
  return store;
}

/** The status of a trusted-list service at a given time (undefined before its first status). */
export function serviceStatusAt(anchor: TrustAnchor, time: Date): ServiceStatusPeriod | undefined {
  return anchor.service?.history.find((period) => period.from.getTime() <= time.getTime());
}

export function isGrantedQualifiedCa(period: ServiceStatusPeriod | undefined): boolean {
  return !!period && period.type === SERVICE_TYPE_CA_QC && GRANTED_STATUSES.has(period.status);
}

interface ListedFile {
  path: string;
  mtimeMs: number;
  error?: string;
}

function listFiles(path: string): ListedFile[] {
  try {
    const stat = statSync(path);
    if (!stat.isDirectory()) return [{ path, mtimeMs: stat.mtimeMs }];
    return readdirSync(path)
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({ path: file, mtimeMs: statSync(file).mtimeMs }));
  } catch (error) {
    return [{ path, mtimeMs: 0, error: message(error) }];
  }
}

function looksLikeXml(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 200)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<?xml') || /^<[A-Za-z_]/.test(head);
}

function certificatesFromFile(bytes: Buffer): Certificate[] {
  const text = bytes.toString('latin1');
  const ders = text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [bytes];
  return ders.map((der) => certificateFromDer(der)).filter((c): c is Certificate => !!c);
}

function readTrustedList(
  bytes: Buffer,
  path: string,
): { anchors: TrustAnchor[]; sequenceNumber?: string; issued?: string; territory?: string } {
  const document = parseXml(bytes, { maxBytes: 64 * 1024 * 1024, maxElements: 5_000_000 });
  const root = document.documentElement;
  if (!root || root.localName !== 'TrustServiceStatusList' || root.namespaceURI !== TSL_NS) {
    throw new Error('the root element is not tsl:TrustServiceStatusList');
  }
  const scheme = first(root, 'SchemeInformation');
  const anchors: TrustAnchor[] = [];
  for (const service of root.getElementsByTagNameNS(TSL_NS, 'TSPService')) {
    const information = first(service, 'ServiceInformation');
    if (!information) continue;
    const name = textOf(first(information, 'ServiceName') ?? information).trim();
    const history: ServiceStatusPeriod[] = [periodOf(information)];
    const historyElement = first(service, 'ServiceHistory');
    if (historyElement) {
      for (const instance of childElements(historyElement)) {
        if (instance.localName === 'ServiceHistoryInstance') history.push(periodOf(instance));
      }
    }
    history.sort((a, b) => b.from.getTime() - a.from.getTime());
    if (!history.some((period) => period.type === SERVICE_TYPE_CA_QC)) continue;
    const identity = first(information, 'ServiceDigitalIdentity');
    if (!identity) continue;
    for (const certificateElement of identity.getElementsByTagNameNS(TSL_NS, 'X509Certificate')) {
      const der = strictBase64(textOf(certificateElement));
      const certificate = der && certificateFromDer(der);
      if (certificate) anchors.push({ certificate, source: path, service: { name, history } });
    }
  }
  return {
    anchors,
    sequenceNumber: scheme ? textOf(first(scheme, 'TSLSequenceNumber') ?? scheme).trim() : undefined,
    issued:
      scheme && first(scheme, 'ListIssueDateTime')
        ? textOf(first(scheme, 'ListIssueDateTime')!).trim()
        : undefined,
    territory:
      scheme && first(scheme, 'SchemeTerritory')
        ? textOf(first(scheme, 'SchemeTerritory')!).trim()
        : undefined,
  };
}

function periodOf(element: Element): ServiceStatusPeriod {
  return {
    type: textOf(first(element, 'ServiceTypeIdentifier') ?? element).trim(),
    status: textOf(first(element, 'ServiceStatus') ?? element).trim(),
    from: new Date(textOf(first(element, 'StatusStartingTime') ?? element).trim()),
  };
}

function first(parent: Element, localName: string): Element | undefined {
  return childElements(parent).find((e) => e.localName === localName && e.namespaceURI === TSL_NS);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
