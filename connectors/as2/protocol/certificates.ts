/**
 * The certificates AS2 works with: our own key pairs (several during a rollover of our certificate) and the
 * partner's certificates (several during theirs). CMS names a recipient or signer by issuer and serial number, or
 * by subject key identifier; this module answers "is this the certificate it names?".
 */
import 'reflect-metadata';
import { createPrivateKey, X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import { IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { AsnConvert, type OctetString } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import {
  certificateFromDer,
  describeCertificate,
  sameName,
  type Certificate,
} from '../../../domain/signature/certificates';
import { pemBlocks } from '../../../domain/signature/signer-credentials';
import { As2Error, reasonOf } from './errors';

/** One of the hub's own AS2 identities. */
export interface OwnKeyPair {
  privateKeyPem: string;
  certificatePem: string;
}

export interface CmsCertificate extends Certificate {
  /** DER of the issuer Name as asn1-schema encodes it, compared with the issuer in a CMS identifier. */
  issuerDer: Buffer;
  /** Serial number without leading zero bytes. */
  serial: Buffer;
  subjectKeyId?: Buffer;
  pem: string;
}

export interface OwnIdentity {
  certificate: CmsCertificate;
  privateKey: KeyObject;
}

/** How CMS names a certificate: RecipientIdentifier and SignerIdentifier have this one shape. */
export interface CmsCertificateIdentifier {
  issuerAndSerialNumber?: IssuerAndSerialNumber;
  subjectKeyIdentifier?: OctetString;
}

export function readCertificates(pems: readonly string[], whose: string): CmsCertificate[] {
  return pems.flatMap((pem, index) => {
    const blocks = pemBlocks(pem, 'CERTIFICATE');
    if (blocks.length === 0)
      throw configuration(`${whose} certificate #${index + 1} holds no PEM CERTIFICATE block.`);
    return blocks.map((der) => cmsCertificate(der, `${whose} certificate #${index + 1}`));
  });
}

export function cmsCertificate(der: Buffer, whose: string): CmsCertificate {
  const certificate = certificateFromDer(der);
  if (!certificate) throw configuration(`${whose} is not an X.509 certificate.`);
  const tbs = AsnConvert.parse(der, AsnCertificate).tbsCertificate;
  const subjectKeyId = certificate.parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return {
    ...certificate,
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    serial: withoutLeadingZeros(Buffer.from(tbs.serialNumber)),
    subjectKeyId: subjectKeyId ? Buffer.from(subjectKeyId, 'hex') : undefined,
    pem: certificate.parsed.toString('pem'),
  };
}

export function readOwnIdentities(pairs: readonly OwnKeyPair[]): OwnIdentity[] {
  return pairs.map((pair, index) => {
    const whose = `Own key pair #${index + 1}`;
    const [der] = pemBlocks(pair.certificatePem, 'CERTIFICATE');
    if (!der) throw configuration(`${whose}: the certificate PEM holds no CERTIFICATE block.`);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pair.privateKeyPem);
    } catch (error) {
      throw configuration(`${whose}: the private key cannot be read: ${reasonOf(error)}`);
    }
    if (!new NodeCertificate(der).checkPrivateKey(privateKey))
      throw configuration(`${whose}: the private key does not belong to the certificate.`);
    return { certificate: cmsCertificate(der, whose), privateKey };
  });
}

/** Whether the identifier names this certificate: issuer and serial (names compared folded as a fallback), or SKI. */
export function isIdentifiedBy(certificate: CmsCertificate, id: CmsCertificateIdentifier): boolean {
  if (id.subjectKeyIdentifier)
    return !!certificate.subjectKeyId?.equals(Buffer.from(id.subjectKeyIdentifier.buffer));
  const issuerAndSerial = id.issuerAndSerialNumber;
  if (!issuerAndSerial) return false;
  if (!withoutLeadingZeros(Buffer.from(issuerAndSerial.serialNumber)).equals(certificate.serial))
    return false;
  const issuerDer = Buffer.from(AsnConvert.serialize(issuerAndSerial.issuer));
  if (issuerDer.equals(certificate.issuerDer)) return true;
  try {
    return sameName(new x509.Name(issuerDer), certificate.parsed.issuerName);
  } catch {
    return false; // a name x509 cannot read is no match
  }
}

export function describeIdentifier(id: CmsCertificateIdentifier): string {
  if (id.subjectKeyIdentifier)
    return `subject key identifier ${Buffer.from(id.subjectKeyIdentifier.buffer).toString('hex')}`;
  const issuerAndSerial = id.issuerAndSerialNumber;
  if (!issuerAndSerial) return 'an unknown identifier';
  const serial = withoutLeadingZeros(Buffer.from(issuerAndSerial.serialNumber)).toString('hex');
  let issuer: string;
  try {
    issuer = new x509.Name(AsnConvert.serialize(issuerAndSerial.issuer)).toString();
  } catch {
    issuer = 'an unreadable name';
  }
  return `issuer "${issuer}", serial ${serial}`;
}

/** How CMS names this certificate as recipient or signer. */
export function issuerAndSerialOf(certificate: CmsCertificate): IssuerAndSerialNumber {
  const tbs = AsnConvert.parse(certificate.der, AsnCertificate).tbsCertificate;
  return new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber });
}

export function isValidAt(certificate: Certificate, at: Date): boolean {
  return certificate.notBefore.getTime() <= at.getTime() && at.getTime() <= certificate.notAfter.getTime();
}

export { describeCertificate };

function withoutLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** Misconfigured keys or certificates are our fault, not the sender's; the MDN still needs a modifier. */
function configuration(reason: string): As2Error {
  return new As2Error('unexpected-processing-error', reason);
}
