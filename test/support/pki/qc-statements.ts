/** ETSI EN 319 412-5 QcStatements extension (RFC 3739 syntax from @peculiar/asn1-x509-qualified). */
import { AsnConvert } from '@peculiar/asn1-schema';
import { ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { id_pe_qcStatements, QCStatement, QCStatements } from '@peculiar/asn1-x509-qualified';
import { Extension } from '@peculiar/x509';

export const QC_OIDS = {
  qcCompliance: '0.4.0.1862.1.1',
  qcSscd: '0.4.0.1862.1.4',
  qcType: '0.4.0.1862.1.6',
  qcTypeEsign: '0.4.0.1862.1.6.1',
  qcTypeEseal: '0.4.0.1862.1.6.2',
  policyQcpNQscd: '0.4.0.194112.1.2',
  policyQcpLQscd: '0.4.0.194112.1.3',
} as const;

export function qcStatementsExtension(options: { sscd: boolean; type: 'esign' | 'eseal' }): Extension {
  const statement = (statementId: string, statementInfo?: ArrayBuffer): QCStatement => {
    const item = new QCStatement();
    item.statementId = statementId;
    // statementInfo is OPTIONAL; the class defaults it to an empty buffer, which would not encode.
    if (statementInfo) item.statementInfo = statementInfo;
    else Reflect.deleteProperty(item, 'statementInfo');
    return item;
  };
  // QcType's info is SEQUENCE OF OBJECT IDENTIFIER, the same ASN.1 shape as ExtendedKeyUsage.
  const qcTypes = AsnConvert.serialize(
    new ExtendedKeyUsage([options.type === 'esign' ? QC_OIDS.qcTypeEsign : QC_OIDS.qcTypeEseal]),
  );
  const statements = [statement(QC_OIDS.qcCompliance), statement(QC_OIDS.qcType, qcTypes)];
  if (options.sscd) statements.push(statement(QC_OIDS.qcSscd));
  return new Extension(id_pe_qcStatements, false, AsnConvert.serialize(new QCStatements(statements)));
}
