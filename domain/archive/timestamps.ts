/**
 * RFC 3161 time-stamps for archive seals: the request the hub sends a TSA (TSA_URL), reading its response, and the
 * hub's own timestamp unit, which issues tokens of the same form (RFC 3161 §2.4.2, CMS SignedData over a TSTInfo,
 * with the ESS signing-certificate-v2 attribute of RFC 5816) when no TSA is configured. Checking a token is
 * domain/signature/timestamp.ts's verifyTimeStampToken, the same code that checks the XAdES timestamps of invoices.
 */
import 'reflect-metadata';
import { randomBytes, type KeyObject } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Accuracy,
  id_ct_tstInfo,
  MessageImprint,
  PKIStatus,
  PKIStatusInfo,
  TimeStampReq,
  TimeStampResp,
  TSTInfo,
} from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { arrayBufferOf, SHA256_OID as SHA256, signCms } from './cms';

/**
 * The local unit's TSA policy: a UUID-based OID (ITU-T X.667, arc 2.25), needing no registration. It names "this
 * hub's own clock and key", nothing more.
 */
export const LOCAL_TSA_POLICY = '2.25.223941698506638018292486505944175792282';

export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

const sha256Imprint = (digest: Buffer) =>
  new MessageImprint({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256, parameters: null }),
    hashedMessage: new OctetString(digest),
  });

/** A TimeStampReq for a SHA-256 digest, asking for the TSA's certificate in the token. */
export function timeStampRequest(digest: Buffer, nonce: Buffer): Buffer {
  return Buffer.from(
    AsnConvert.serialize(
      new TimeStampReq({ messageImprint: sha256Imprint(digest), nonce: arrayBufferOf(nonce), certReq: true }),
    ),
  );
}

export function newNonce(): Buffer {
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f; // a positive INTEGER
  return nonce;
}

/** The token of a TSA's response, once it is granted and time-stamps what was asked (digest and nonce). */
export function readTimeStampResponse(der: Buffer, asked: { digest: Buffer; nonce: Buffer }): Buffer {
  let response: TimeStampResp;
  try {
    response = AsnConvert.parse(der, TimeStampResp);
  } catch (error) {
    throw new TimestampError(`the TSA's answer is not a TimeStampResp: ${(error as Error).message}`);
  }
  const { status } = response.status;
  if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
    const text = response.status.statusString?.join('; ');
    throw new TimestampError(`the TSA refused the request (PKIStatus ${status}${text ? `: ${text}` : ''})`);
  }
  if (!response.timeStampToken) throw new TimestampError('the TSA granted the request but sent no token');
  const token = Buffer.from(AsnConvert.serialize(response.timeStampToken));
  const info = tstInfoOf(token);
  if (!Buffer.from(info.messageImprint.hashedMessage.buffer).equals(asked.digest))
    throw new TimestampError('the TSA time-stamped another digest than the one asked');
  if (!info.nonce || !integerEquals(Buffer.from(info.nonce), asked.nonce))
    throw new TimestampError("the TSA's token does not carry the request's nonce");
  return token;
}

/** The TSTInfo inside a token (no signature check: that is verifyTimeStampToken's). */
export function tstInfoOf(token: Buffer): TSTInfo {
  const contentInfo = AsnConvert.parse(token, ContentInfo);
  if (contentInfo.contentType !== id_signedData) throw new TimestampError('the token is not CMS SignedData');
  const signedData = AsnConvert.parse(contentInfo.content, SignedData);
  const content = signedData.encapContentInfo.eContent?.single;
  if (signedData.encapContentInfo.eContentType !== id_ct_tstInfo || !content)
    throw new TimestampError('the token does not carry a TSTInfo');
  return AsnConvert.parse(content.buffer, TSTInfo);
}

/** A timestamp unit's key and certificate (the certificate with the critical timeStamping extended key usage). */
export interface TimestampUnit {
  privateKey: KeyObject;
  certificateDer: Buffer;
  policy?: string;
}

/**
 * Issues an RFC 3161 token over a SHA-256 digest: TSTInfo (policy, imprint, serial, genTime to the millisecond,
 * accuracy one second, the nonce when given) signed with RSA PKCS#1 v1.5 SHA-256 over signed attributes (content
 * type, message digest, signing-certificate-v2), the unit's certificate carried in the token.
 */
export function issueTimeStampToken(
  unit: TimestampUnit,
  request: { digest: Buffer; nonce?: Buffer },
  at: { genTime: Date; serial?: Buffer } = { genTime: new Date() },
): Buffer {
  const serial = at.serial ?? newNonce();
  const info = new TSTInfo({
    policy: unit.policy ?? LOCAL_TSA_POLICY,
    messageImprint: sha256Imprint(request.digest),
    serialNumber: arrayBufferOf(serial),
    genTime: at.genTime,
    accuracy: new Accuracy({ seconds: 1 }),
    nonce: request.nonce ? arrayBufferOf(request.nonce) : undefined,
  });
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  return signCms(unit, { type: id_ct_tstInfo, bytes: infoDer });
}

/** A TSA's answer to a TimeStampReq, as a TSA serves it over HTTP (RFC 3161 §3.4): granted, with the token. */
export function answerTimeStampRequest(
  unit: TimestampUnit,
  requestDer: Buffer,
  genTime = new Date(),
): Buffer {
  const request = AsnConvert.parse(requestDer, TimeStampReq);
  if (request.messageImprint.hashAlgorithm.algorithm !== SHA256) {
    return Buffer.from(
      AsnConvert.serialize(new TimeStampResp({ status: new PKIStatusInfo({ status: PKIStatus.rejection }) })),
    );
  }
  const token = issueTimeStampToken(
    unit,
    {
      digest: Buffer.from(request.messageImprint.hashedMessage.buffer),
      nonce: request.nonce ? Buffer.from(request.nonce) : undefined,
    },
    { genTime },
  );
  return Buffer.from(
    AsnConvert.serialize(
      new TimeStampResp({
        status: new PKIStatusInfo({ status: PKIStatus.granted }),
        timeStampToken: AsnConvert.parse(token, ContentInfo),
      }),
    ),
  );
}

function integerEquals(a: Buffer, b: Buffer): boolean {
  const strip = (x: Buffer) => {
    const first = x.findIndex((byte) => byte !== 0);
    return first < 0 ? Buffer.alloc(0) : x.subarray(first);
  };
  return strip(a).equals(strip(b));
}
