/**
 * Which certificate made the signature, and whether the signed properties name it (XAdES SigningCertificate /
 * SigningCertificateV2): the digest, and the issuer-serial when present, must match the certificate whose key
 * verifies the signature value. xadesjs's Verify() accepts any key in KeyInfo; here the key is pinned.
 */
import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { IssuerSerial } from '@peculiar/asn1-x509-attr';
import * as x509 from '@peculiar/x509';
import { certificateFromDer, digestOf, nameFromString, sameName, type Certificate } from './certificates';
import { DIGEST_ALGORITHMS } from './references';
import type { CertificateReference, SignatureStructure } from './signature-structure';
import { keyFromKeyValue, verifySignatureValue } from './signature-value';

export interface SignerIdentification {
  /** The certificate whose key verifies the signature value (pinned by the signed properties for XAdES). */
  certificate?: Certificate;
  /** A bare ds:KeyValue key verified the signature (plain XMLDSig without certificate). */
  keyValueOnly?: boolean;
  signatureValueVerified: boolean;
  signatureValueDetail: string;
  bindingHolds: boolean;
  bindingDetail: string;
  /** Every certificate the signature carries (KeyInfo and CertificateValues), for path building. */
  carried: Certificate[];
}

export function identifySigner(
  structure: SignatureStructure,
  signedInfo: Buffer | undefined,
): SignerIdentification {
  const carried = uniqueCertificates([...structure.keyInfoCertificates, ...structure.certificateValues]);
  const result: SignerIdentification = {
    signatureValueVerified: false,
    signatureValueDetail: '',
    bindingHolds: false,
    bindingDetail: '',
    carried,
  };
  const method = structure.signatureMethod ?? '';
  const value = structure.signatureValue;
  const verifies = (key: KeyObject): boolean =>
    !!signedInfo && !!value && verifySignatureValue(method, signedInfo, value, key);

  if (structure.qualifyingProperties) {
    if (!structure.signedProperties) {
      result.bindingDetail =
        'xades:QualifyingProperties has no SignedProperties, so no signing certificate is bound';
    } else if (structure.signingCertificates.length === 0) {
      result.bindingDetail = 'the signed properties have no SigningCertificate / SigningCertificateV2';
    }
    const bound = carried.filter((certificate) =>
      structure.signingCertificates.some((ref) => digestMatches(certificate, ref)),
    );
    if (bound.length === 0) {
      result.bindingDetail ||= `no certificate in the signature matches the ${signingCertificateName(structure)} digest`;
      const anyVerifies = carried.find((certificate) => verifies(certificate.publicKey));
      result.signatureValueVerified = !!anyVerifies;
      result.signatureValueDetail = anyVerifies
        ? `the signature value verifies with ${anyVerifies.subject}, which the signed properties do not name`
        : carried.length
          ? 'the signature value does not verify with any certificate the signature carries'
          : 'the signature carries no certificate';
      return result;
    }
    const signer = bound.find((certificate) => verifies(certificate.publicKey));
    if (!signer) {
      result.certificate = bound[0];
      result.signatureValueDetail = `the signature value does not verify with the signing certificate ${bound[0].subject}`;
      result.bindingHolds = true;
      result.bindingDetail = `${signingCertificateName(structure)} digest matches ${bound[0].subject}`;
      return result;
    }
    result.certificate = signer;
    result.signatureValueVerified = true;
    result.signatureValueDetail = `verified with the key of ${signer.subject} (${method.split('#').pop()})`;
    const reference = structure.signingCertificates.find((ref) =>
      digestMatches(signer, ref),
    ) as CertificateReference;
    const issuerSerialProblem = checkIssuerSerial(signer, reference);
    result.bindingHolds = !issuerSerialProblem;
    result.bindingDetail = issuerSerialProblem
      ? `${signingCertificateName(structure)} digest matches but ${issuerSerialProblem}`
      : `${signingCertificateName(structure)} digest${reference.issuerName || reference.issuerSerialV2 ? ' and issuer-serial' : ''} match ${signer.subject}`;
    return result;
  }

  // Plain XMLDSig: nothing signed names the certificate; the one whose key verifies is the signer.
  const signer = carried.find((certificate) => verifies(certificate.publicKey));
  if (signer) {
    result.certificate = signer;
    result.signatureValueVerified = true;
    result.signatureValueDetail = `verified with the key of ${signer.subject} (${method.split('#').pop()})`;
  } else {
    const key = structure.keyValue ? keyFromKeyValue(structure.keyValue) : undefined;
    if (key && verifies(key)) {
      result.keyValueOnly = true;
      result.signatureValueVerified = true;
      result.signatureValueDetail = `verified with the ds:KeyValue public key (${method.split('#').pop()}); no certificate names the signer`;
    } else {
      result.signatureValueDetail =
        carried.length || structure.keyValue
          ? 'the signature value does not verify with any key the signature carries'
          : 'the signature carries no key or certificate';
    }
  }
  result.bindingHolds = true;
  result.bindingDetail =
    'plain XMLDSig: no signed signing-certificate reference to check (such a signature is at most advanced)';
  return result;
}

function signingCertificateName(structure: SignatureStructure): string {
  return structure.signingCertificateVersion === 1 ? 'SigningCertificate' : 'SigningCertificateV2';
}

function digestMatches(certificate: Certificate, reference: CertificateReference): boolean {
  const hash = reference.digestAlgorithm ? DIGEST_ALGORITHMS[reference.digestAlgorithm] : undefined;
  return !!hash && !!reference.digestValue && digestOf(certificate, hash).equals(reference.digestValue);
}

/** undefined when the issuer-serial (if any) names the certificate; otherwise what differs. */
function checkIssuerSerial(certificate: Certificate, reference: CertificateReference): string | undefined {
  const serial = BigInt(`0x${certificate.serialNumberHex}`);
  if (reference.serialNumber !== undefined || reference.issuerName !== undefined) {
    if (reference.serialNumber !== undefined && !/^\d+$/.test(reference.serialNumber))
      return 'X509SerialNumber is not a number';
    if (reference.serialNumber !== undefined && BigInt(reference.serialNumber) !== serial) {
      return `X509SerialNumber ${reference.serialNumber} is not the certificate's serial number`;
    }
    if (reference.issuerName !== undefined) {
      const name = nameFromString(reference.issuerName);
      if (name && !sameName(name, certificate.parsed.issuerName)) {
        return `X509IssuerName "${reference.issuerName}" is not the certificate's issuer "${certificate.issuer}"`;
      }
    }
    return undefined;
  }
  if (reference.issuerSerialV2) {
    try {
      const issuerSerial = AsnConvert.parse(reference.issuerSerialV2, IssuerSerial);
      if (BigInt(`0x${Buffer.from(issuerSerial.serial).toString('hex') || '0'}`) !== serial) {
        return 'IssuerSerialV2 names another serial number';
      }
      const directory = issuerSerial.issuer.find((name) => name.directoryName)?.directoryName;
      if (
        directory &&
        !sameName(new x509.Name(AsnConvert.serialize(directory)), certificate.parsed.issuerName)
      ) {
        return 'IssuerSerialV2 names another issuer';
      }
    } catch {
      return 'IssuerSerialV2 cannot be decoded';
    }
  }
  return undefined;
}

function uniqueCertificates(ders: Buffer[]): Certificate[] {
  const seen = new Set<string>();
  const list: Certificate[] = [];
  for (const der of ders) {
    const certificate = certificateFromDer(der);
    if (!certificate || seen.has(certificate.id)) continue;
    seen.add(certificate.id);
    list.push(certificate);
  }
  return list;
}
