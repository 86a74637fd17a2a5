/**
 * Revocation status of the signing certificate: CRL files given on the command line (the offline mode), then,
 * when online, OCSP (responder from the certificate's AIA, HTTP POST) and the CRL distribution point (HTTP GET).
 * Every CRL and OCSP response is signature-checked against the issuing CA (or its delegated OCSP signer).
 */
import 'reflect-metadata';
import { createHash, verify as verifySignature } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import {
  BasicOCSPResponse,
  CertID,
  id_pkix_ocsp_basic,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { certificateFromDer, isIssuedBy, sameName, type Certificate } from './certificates';
import { pemBlocks } from './signer-credentials';

/** The CRL or OCSP response an answer came from, as the hub received it (kept with the report's trust data). */
export interface RevocationEvidence {
  kind: 'crl' | 'ocsp-response';
  der: Buffer;
}

export type RevocationStatus =
  | { status: 'good'; source: string; evidence: RevocationEvidence }
  | { status: 'revoked'; revokedAt: Date; source: string; evidence: RevocationEvidence }
  | { status: 'unknown'; reasons: string[] };

export interface RevocationOptions {
  crlFiles: string[];
  offline: boolean;
  /** Per network request. */
  timeoutMs?: number;
}

const SIGNATURE_HASH_BY_OID: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

export async function checkRevocation(
  certificate: Certificate,
  issuer: Certificate,
  options: RevocationOptions,
): Promise<RevocationStatus> {
  const reasons: string[] = [];
  for (const file of options.crlFiles) {
    for (const crl of loadCrlFile(file, reasons)) {
      const answer = await statusFromCrl(crl, certificate, issuer, `CRL file ${file}`);
      if (answer) return answer;
    }
  }
  if (options.offline) {
    reasons.push(
      options.crlFiles.length ? 'no CRL file covers the certificate' : 'offline and no CRL file given',
    );
    return { status: 'unknown', reasons };
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const aia = certificate.parsed.getExtension(x509.AuthorityInfoAccessExtension);
  for (const url of (aia?.ocsp ?? []).filter((name) => name.type === 'url').map((name) => name.value)) {
    try {
      const answer = await askOcsp(url, certificate, issuer, timeoutMs);
      if (answer) return answer;
      reasons.push(`OCSP ${url} did not answer for this certificate`);
    } catch (error) {
      reasons.push(`OCSP ${url}: ${message(error)}`);
    }
  }
  const distribution = certificate.parsed.getExtension(x509.CRLDistributionPointsExtension);
  const crlUrls = (distribution?.distributionPoints ?? [])
    .flatMap((point) => point.distributionPoint?.fullName ?? [])
    .map((name) => name.uniformResourceIdentifier)
    .filter((url): url is string => !!url && /^https?:/i.test(url));
  for (const url of crlUrls) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const crl = new x509.X509Crl(new Uint8Array(await response.arrayBuffer()));
      const answer = await statusFromCrl(crl, certificate, issuer, `CRL ${url}`);
      if (answer) return answer;
      reasons.push(`CRL ${url} is not signed by the issuing CA`);
    } catch (error) {
      reasons.push(`CRL ${url}: ${message(error)}`);
    }
  }
  if (!aia?.ocsp.length && crlUrls.length === 0)
    reasons.push('the certificate names no OCSP responder and no CRL distribution point');
  return { status: 'unknown', reasons };
}

/** Parsed CRL files, keyed by path and modification time: an operator who replaces a CRL file is heard at once. */
const crlCache = new Map<string, { modified: number; crls: x509.X509Crl[] }>();

function loadCrlFile(file: string, reasons: string[]): x509.X509Crl[] {
  try {
    const modified = statSync(file).mtimeMs;
    const cached = crlCache.get(file);
    if (cached && cached.modified === modified) return cached.crls;
    const bytes = readFileSync(file);
    const text = bytes.toString('latin1');
    const ders = text.includes('-----BEGIN X509 CRL-----') ? pemBlocks(text, 'X509 CRL') : [bytes];
    const crls = ders.map((der) => new x509.X509Crl(new Uint8Array(der)));
    crlCache.set(file, { modified, crls });
    return crls;
  } catch (error) {
    reasons.push(`CRL file ${file}: ${message(error)}`);
    return [];
  }
}

async function statusFromCrl(
  crl: x509.X509Crl,
  certificate: Certificate,
  issuer: Certificate,
  source: string,
): Promise<RevocationStatus | undefined> {
  if (!(await crlSignedBy(crl, issuer))) return undefined;
  const entry = crl.findRevoked(certificate.serialNumberHex);
  const when = `${source}, issued ${crl.thisUpdate.toISOString()}`;
  const evidence: RevocationEvidence = { kind: 'crl', der: Buffer.from(crl.rawData) };
  return entry
    ? { status: 'revoked', revokedAt: entry.revocationDate, source: when, evidence }
    : { status: 'good', source: when, evidence };
}

/**
 * The CRL names the issuer and is signed by it: checked once per CRL object and issuer (CRL files are parsed once
 * and kept, and comparing the names cost as much as the rest of the revocation check).
 */
async function crlSignedBy(crl: x509.X509Crl, issuer: Certificate): Promise<boolean> {
  let answers = crlSignatureAnswers.get(crl);
  const known = answers?.get(issuer);
  if (known !== undefined) return known;
  const signed =
    sameName(crl.issuerName, issuer.parsed.subjectName) &&
    (await crl.verify({ publicKey: issuer.parsed.publicKey }).catch(() => false));
  if (!answers) crlSignatureAnswers.set(crl, (answers = new WeakMap()));
  answers.set(issuer, signed);
  return signed;
}

const crlSignatureAnswers = new WeakMap<x509.X509Crl, WeakMap<Certificate, boolean>>();

async function askOcsp(
  url: string,
  certificate: Certificate,
  issuer: Certificate,
  timeoutMs: number,
): Promise<RevocationStatus | undefined> {
  const issuerAsn = AsnConvert.parse(issuer.der, AsnCertificate);
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: '1.3.14.3.2.26', parameters: null }),
    issuerNameHash: new OctetString(
      sha1(Buffer.from(AsnConvert.serialize(issuerAsn.tbsCertificate.subject))),
    ),
    issuerKeyHash: new OctetString(
      sha1(Buffer.from(issuerAsn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)),
    ),
    serialNumber: new Uint8Array(
      Buffer.from(AsnConvert.parse(certificate.der, AsnCertificate).tbsCertificate.serialNumber),
    ).buffer,
  });
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })] }),
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: Buffer.from(AsnConvert.serialize(request)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const answer = Buffer.from(await response.arrayBuffer());
  const ocsp = AsnConvert.parse(new Uint8Array(answer), OCSPResponse);
  if (ocsp.responseStatus !== OCSPResponseStatus.successful || !ocsp.responseBytes) {
    throw new Error(`responder status ${OCSPResponseStatus[ocsp.responseStatus] ?? ocsp.responseStatus}`);
  }
  if (ocsp.responseBytes.responseType !== id_pkix_ocsp_basic) throw new Error('not a basic OCSP response');
  const basic = AsnConvert.parse(ocsp.responseBytes.response, BasicOCSPResponse);
  if (!verifyOcspSignature(basic, issuer))
    throw new Error('the response is not signed by the issuing CA or its OCSP signer');
  const serial = Buffer.from(certId.serialNumber);
  for (const single of basic.tbsResponseData.responses) {
    if (!Buffer.from(single.certID.serialNumber).equals(serial)) continue;
    const source = `OCSP ${url}, produced ${basic.tbsResponseData.producedAt.toISOString()}`;
    const evidence: RevocationEvidence = { kind: 'ocsp-response', der: answer };
    if (single.certStatus.revoked)
      return { status: 'revoked', revokedAt: single.certStatus.revoked.revocationTime, source, evidence };
    if (single.certStatus.good !== undefined) return { status: 'good', source, evidence };
    return undefined;
  }
  return undefined;
}

function verifyOcspSignature(basic: BasicOCSPResponse, issuer: Certificate): boolean {
  const hash = SIGNATURE_HASH_BY_OID[basic.signatureAlgorithm.algorithm];
  const tbs = basic.tbsResponseDataRaw;
  if (!hash || !tbs) return false;
  const candidates: Certificate[] = [issuer];
  for (const embedded of basic.certs ?? []) {
    const certificate = certificateFromDer(Buffer.from(AsnConvert.serialize(embedded)));
    if (!certificate || certificate.id === issuer.id) continue;
    const delegated =
      isIssuedBy(certificate, issuer) &&
      (certificate.parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []).includes(OCSP_SIGNING);
    if (delegated) candidates.push(certificate);
  }
  return candidates.some((candidate) => {
    try {
      return verifySignature(hash, Buffer.from(tbs), candidate.publicKey, Buffer.from(basic.signature));
    } catch {
      return false;
    }
  });
}

function sha1(bytes: Buffer): ArrayBuffer {
  return new Uint8Array(createHash('sha1').update(bytes).digest()).buffer;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
