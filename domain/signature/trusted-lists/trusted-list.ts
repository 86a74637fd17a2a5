/**
 * An ETSI TS 119 612 trusted list read into plain data: the scheme information (territory, sequence number, issue
 * and next-update times), the CA/QC services with their status history, and, for the EU list of the lists (LOTL),
 * the pointers to the national lists with the certificates allowed to sign each.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { parseXml } from '../../xml';
import { certificateFromDer, type Certificate } from '../certificates';
import { childElements, strictBase64, textOf } from '../signature-structure';

export const TSL_NS = 'http://uri.etsi.org/02231/v2#';
export const SERVICE_TYPE_CA_QC = 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC';
/** TSLType of the EU list of the lists (TS 119 612 annex E; older lists spell it with "EUlistofthelists"). */
const LOTL_TYPE = /\/TSLType\/EUlistofthelists$/i;
const TSL_XML_MIME = 'application/vnd.etsi.tsl+xml';

export interface ServiceStatusPeriod {
  type: string;
  status: string;
  from: Date;
}

export interface ListedService {
  name: string;
  certificates: Certificate[];
  /** Newest first. */
  history: ServiceStatusPeriod[];
}

/** A LOTL entry: where a national list is published and which certificates may sign it. */
export interface ListPointer {
  territory?: string;
  location: string;
  /** Certificates named in ServiceDigitalIdentities (the "pivot" of a national list's signing keys). */
  signers: Certificate[];
}

export interface TrustedList {
  document: Document;
  kind: 'lotl' | 'national';
  territory?: string;
  sequenceNumber?: string;
  issued?: string;
  /** When the next list is due; past it the list is expired. Absent for a closed list (TS 119 612 5.3.15). */
  nextUpdate?: Date;
  services: ListedService[];
  pointers: ListPointer[];
}

/** Throws when the bytes are not a TS 119 612 list. */
export function readTrustedList(bytes: Buffer): TrustedList {
  const document = parseXml(bytes, { maxBytes: 64 * 1024 * 1024, maxElements: 5_000_000 });
  const root = document.documentElement;
  if (!root || root.localName !== 'TrustServiceStatusList' || root.namespaceURI !== TSL_NS) {
    throw new Error('the root element is not tsl:TrustServiceStatusList');
  }
  const scheme = first(root, 'SchemeInformation');
  const type = scheme && textIn(scheme, 'TSLType');
  const nextUpdate = scheme && first(scheme, 'NextUpdate');
  const nextUpdateText = nextUpdate && textIn(nextUpdate, 'dateTime');
  return {
    document,
    kind: type && LOTL_TYPE.test(type) ? 'lotl' : 'national',
    territory: scheme && textIn(scheme, 'SchemeTerritory'),
    sequenceNumber: scheme && textIn(scheme, 'TSLSequenceNumber'),
    issued: scheme && textIn(scheme, 'ListIssueDateTime'),
    nextUpdate: nextUpdateText ? new Date(nextUpdateText) : undefined,
    services: servicesOf(root),
    pointers: scheme ? pointersOf(scheme) : [],
  };
}

/**
 * Only at their place in the list: TrustServiceProviderList/TrustServiceProvider/TSPServices/TSPService. A search of
 * the whole document would also find a service slipped into the signature's unsigned parts, which nothing signs.
 */
function servicesOf(root: Element): ListedService[] {
  const services: ListedService[] = [];
  const providers = childrenNamed(first(root, 'TrustServiceProviderList'), 'TrustServiceProvider');
  const listed = providers.flatMap((provider) => childrenNamed(first(provider, 'TSPServices'), 'TSPService'));
  for (const service of listed) {
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
    const certificates = identity ? certificatesIn(identity) : [];
    if (certificates.length) services.push({ name, certificates, history });
  }
  return services;
}

function pointersOf(scheme: Element): ListPointer[] {
  const pointers: ListPointer[] = [];
  const list = first(scheme, 'PointersToOtherTSL');
  if (!list) return pointers;
  for (const pointer of childElements(list)) {
    if (pointer.localName !== 'OtherTSLPointer' || pointer.namespaceURI !== TSL_NS) continue;
    const location = textIn(pointer, 'TSLLocation');
    if (!location) continue;
    // The LOTL points to each list twice, as XML and as PDF; only the XML one is a list the hub reads.
    const mimeTypes = [...pointer.getElementsByTagNameNS('*', 'MimeType')].map((e) => textOf(e).trim());
    if (mimeTypes.length && !mimeTypes.includes(TSL_XML_MIME)) continue;
    const territories = [...pointer.getElementsByTagNameNS(TSL_NS, 'SchemeTerritory')];
    const identities = first(pointer, 'ServiceDigitalIdentities');
    pointers.push({
      territory: territories.length ? textOf(territories[0]).trim() : undefined,
      location,
      signers: identities ? certificatesIn(identities) : [],
    });
  }
  return pointers;
}

function certificatesIn(element: Element): Certificate[] {
  const certificates: Certificate[] = [];
  for (const certificateElement of element.getElementsByTagNameNS(TSL_NS, 'X509Certificate')) {
    const der = strictBase64(textOf(certificateElement));
    const certificate = der && certificateFromDer(der);
    if (certificate) certificates.push(certificate);
  }
  return certificates;
}

function periodOf(element: Element): ServiceStatusPeriod {
  return {
    type: textOf(first(element, 'ServiceTypeIdentifier') ?? element).trim(),
    status: textOf(first(element, 'ServiceStatus') ?? element).trim(),
    from: new Date(textOf(first(element, 'StatusStartingTime') ?? element).trim()),
  };
}

function textIn(parent: Element, localName: string): string | undefined {
  const element = first(parent, localName);
  return element ? textOf(element).trim() : undefined;
}

function childrenNamed(parent: Element | undefined, localName: string): Element[] {
  return parent
    ? childElements(parent).filter((e) => e.localName === localName && e.namespaceURI === TSL_NS)
    : [];
}

function first(parent: Element, localName: string): Element | undefined {
  return childElements(parent).find((e) => e.localName === localName && e.namespaceURI === TSL_NS);
}
