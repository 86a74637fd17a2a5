/** Qualified-certificate statements (ETSI EN 319 412-5) and policies (EN 319 411-2) of a signing certificate. */
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { id_pe_qcStatements, QCStatements } from '@peculiar/asn1-x509-qualified';
import * as x509 from '@peculiar/x509';
import type { Certificate } from './certificates';

export const QC = {
  compliance: '0.4.0.1862.1.1',
  sscd: '0.4.0.1862.1.4',
  type: '0.4.0.1862.1.6',
  esign: '0.4.0.1862.1.6.1',
  eseal: '0.4.0.1862.1.6.2',
  web: '0.4.0.1862.1.6.3',
} as const;

export const QCP = {
  natural: '0.4.0.194112.1.0',
  legal: '0.4.0.194112.1.1',
  naturalQscd: '0.4.0.194112.1.2',
  legalQscd: '0.4.0.194112.1.3',
} as const;

export interface QualifiedStatements {
  compliance: boolean;
  sscd: boolean;
  types: Array<'esign' | 'eseal' | 'web'>;
  policies: string[];
  /** Statements could not be decoded. */
  problem?: string;
}

/** Decoded once per certificate (certificates are cached by content); callers only read the result. */
export function qualifiedStatementsOf(certificate: Certificate): Readonly<QualifiedStatements> {
  let statements = decoded.get(certificate);
  if (!statements) decoded.set(certificate, (statements = decodeStatements(certificate)));
  return statements;
}

const decoded = new WeakMap<Certificate, QualifiedStatements>();

function decodeStatements(certificate: Certificate): QualifiedStatements {
  const result: QualifiedStatements = { compliance: false, sscd: false, types: [], policies: [] };
  result.policies = [...(certificate.parsed.getExtension(x509.CertificatePolicyExtension)?.policies ?? [])];
  const extension = certificate.parsed.getExtension(id_pe_qcStatements);
  if (!extension) return result;
  try {
    for (const statement of AsnConvert.parse(extension.value, QCStatements)) {
      if (statement.statementId === QC.compliance) result.compliance = true;
      else if (statement.statementId === QC.sscd) result.sscd = true;
      else if (statement.statementId === QC.type && statement.statementInfo?.byteLength) {
        // QcType's info is SEQUENCE OF OBJECT IDENTIFIER, the same ASN.1 shape as ExtendedKeyUsage.
        for (const oid of AsnConvert.parse(statement.statementInfo, ExtendedKeyUsage)) {
          if (oid === QC.esign) result.types.push('esign');
          else if (oid === QC.eseal) result.types.push('eseal');
          else if (oid === QC.web) result.types.push('web');
        }
      }
    }
  } catch (error) {
    result.problem = `the QcStatements extension cannot be decoded: ${error instanceof Error ? error.message : String(error)}`;
  }
  return result;
}
