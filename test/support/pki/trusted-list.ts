/** Writes an ETSI TS 119 612 trusted list naming CA/QC services, the form of TSL_BG.xml (unsigned: tests load it as configuration). */
import type { X509Certificate } from '@peculiar/x509';

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

export function trustedListXml(options: {
  sequenceNumber: number;
  issued: Date;
  providerName: string;
  services: TrustedListService[];
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
            <tsl:StatusStartingTime>${service.statusStartingTime.toISOString().replace(/\.\d{3}Z$/, 'Z')}</tsl:StatusStartingTime>
          </tsl:ServiceInformation>
        </tsl:TSPService>`,
    )
    .join('');
  const nextUpdate = new Date(options.issued.getTime() + 180 * 24 * 3600 * 1000);
  return `<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" Id="TSL-TEST" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <tsl:SchemeInformation>
    <tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>
    <tsl:TSLSequenceNumber>${options.sequenceNumber}</tsl:TSLSequenceNumber>
    <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>
    <tsl:SchemeOperatorName><tsl:Name xml:lang="en">Test Scheme Operator</tsl:Name></tsl:SchemeOperatorName>
    <tsl:SchemeTerritory>BG</tsl:SchemeTerritory>
    <tsl:ListIssueDateTime>${options.issued.toISOString().replace(/\.\d{3}Z$/, 'Z')}</tsl:ListIssueDateTime>
    <tsl:NextUpdate><tsl:dateTime>${nextUpdate.toISOString().replace(/\.\d{3}Z$/, 'Z')}</tsl:dateTime></tsl:NextUpdate>
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

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
