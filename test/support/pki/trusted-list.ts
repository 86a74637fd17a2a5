/**
 * Writes ETSI TS 119 612 trusted lists: a national list naming CA/QC services (the form of TSL_BG.xml), and a list of
 * the lists (the form of the EU LOTL) pointing to national lists with the certificates allowed to sign each.
 * `signTrustedList` adds the enveloped XAdES signature a scheme operator puts on its list.
 */
import type { X509Certificate } from '@peculiar/x509';
import { signInvoice } from '../../../domain/signature';

export interface TrustedListService {
  name: string;
  certificate: X509Certificate;
  /** Defaults to CA/QC. */
  type?: string;
  /** Defaults to granted. */
  status?: string;
  statusStartingTime: Date;
}

export const SERVICE_TYPE_CA_QC = 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC';
export const SERVICE_STATUS_GRANTED = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted';
export const SERVICE_STATUS_WITHDRAWN = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn';

export interface TrustedListPointer {
  territory: string;
  location: string;
  signers: X509Certificate[];
}

export interface ListSigner {
  certificatePem: string;
  privateKeyPem: string;
}

const DAY = 24 * 3600 * 1000;

export function trustedListXml(options: {
  sequenceNumber: number;
  issued: Date;
  providerName: string;
  services: TrustedListService[];
  /** Defaults to 180 days after the issue. */
  nextUpdate?: Date;
  territory?: string;
}): string {
  const services = options.services
    .map(
      (service) => `
        <tsl:TSPService>
          <tsl:ServiceInformation>
            <tsl:ServiceTypeIdentifier>${service.type ?? SERVICE_TYPE_CA_QC}</tsl:ServiceTypeIdentifier>
            <tsl:ServiceName><tsl:Name xml:lang="en">${escape(service.name)}</tsl:Name></tsl:ServiceName>
            <tsl:ServiceDigitalIdentity>
              <tsl:DigitalId><tsl:X509Certificate>${service.certificate.toString('base64')}</tsl:X509Certificate></tsl:DigitalId>
            </tsl:ServiceDigitalIdentity>
            <tsl:ServiceStatus>${service.status ?? SERVICE_STATUS_GRANTED}</tsl:ServiceStatus>
            <tsl:StatusStartingTime>${dateTime(service.statusStartingTime)}</tsl:StatusStartingTime>
          </tsl:ServiceInformation>
        </tsl:TSPService>`,
    )
    .join('');
  return `${listHead('TSL-TEST', options.sequenceNumber, 'EUgeneric', 'Test Scheme Operator')}
    <tsl:SchemeTerritory>${options.territory ?? 'BG'}</tsl:SchemeTerritory>
${listDates(options)}
  </tsl:SchemeInformation>
  <tsl:TrustServiceProviderList>
    <tsl:TrustServiceProvider>
      <tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang="en">${escape(options.providerName)}</tsl:Name></tsl:TSPName></tsl:TSPInformation>
      <tsl:TSPServices>${services}
      </tsl:TSPServices>
    </tsl:TrustServiceProvider>
  </tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
`;
}

/** The EU list of the lists: no services, a pointer per national list naming the certificates that may sign it. */
export function listOfTheListsXml(options: {
  sequenceNumber: number;
  issued: Date;
  pointers: TrustedListPointer[];
  nextUpdate?: Date;
}): string {
  const pointers = options.pointers
    .map(
      (pointer) => `
      <tsl:OtherTSLPointer>
        <tsl:ServiceDigitalIdentities>${pointer.signers
          .map(
            (certificate) => `
          <tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>${certificate.toString('base64')}</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>`,
          )
          .join('')}
        </tsl:ServiceDigitalIdentities>
        <tsl:TSLLocation>${escape(pointer.location)}</tsl:TSLLocation>
        <tsl:AdditionalInformation>
          <tsl:OtherInformation><tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType></tsl:OtherInformation>
          <tsl:OtherInformation><tsl:SchemeTerritory>${pointer.territory}</tsl:SchemeTerritory></tsl:OtherInformation>
          <tsl:OtherInformation><ns3:MimeType xmlns:ns3="http://uri.etsi.org/02231/v2/additionaltypes#">application/vnd.etsi.tsl+xml</ns3:MimeType></tsl:OtherInformation>
        </tsl:AdditionalInformation>
      </tsl:OtherTSLPointer>`,
    )
    .join('');
  return `${listHead('LOTL-TEST', options.sequenceNumber, 'EUlistofthelists', 'Test Commission')}
    <tsl:SchemeTerritory>EU</tsl:SchemeTerritory>
    <tsl:PointersToOtherTSL>${pointers}
    </tsl:PointersToOtherTSL>
${listDates(options)}
  </tsl:SchemeInformation>
</tsl:TrustServiceStatusList>
`;
}

/** The list's opening up to its scheme operator's name; both kinds of list continue with the territory. */
function listHead(id: string, sequenceNumber: number, type: string, operator: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" Id="${id}" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <tsl:SchemeInformation>
    <tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>
    <tsl:TSLSequenceNumber>${sequenceNumber}</tsl:TSLSequenceNumber>
    <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/${type}</tsl:TSLType>
    <tsl:SchemeOperatorName><tsl:Name xml:lang="en">${operator}</tsl:Name></tsl:SchemeOperatorName>`;
}

/** Issued and next update (by default 180 days later), the last of the scheme information. */
function listDates(options: { issued: Date; nextUpdate?: Date }): string {
  const nextUpdate = options.nextUpdate ?? new Date(options.issued.getTime() + 180 * DAY);
  return `    <tsl:ListIssueDateTime>${dateTime(options.issued)}</tsl:ListIssueDateTime>
    <tsl:NextUpdate><tsl:dateTime>${dateTime(nextUpdate)}</tsl:dateTime></tsl:NextUpdate>`;
}

/** Signs a list the way scheme operators do: enveloped XAdES B-B over the whole list, the signature its last child. */
export function signTrustedList(xml: string, signer: ListSigner): Promise<string> {
  return signInvoice(xml, signer);
}

/** The list with one byte of its signed content changed (the provider's name): its signature no longer holds. */
export function oneByteChanged(xml: string): string {
  const at = xml.indexOf('Hub Test QTSP');
  if (at < 0) throw new Error('the list names no "Hub Test QTSP" to change');
  const last = at + 'Hub Test QTSP'.length - 1;
  return `${xml.slice(0, last)}Q${xml.slice(last + 1)}`;
}

function dateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
