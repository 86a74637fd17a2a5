/**
 * A CRL distribution point and an OCSP responder on 127.0.0.1, as a CA would run them.
 * GET /crl serves the current CRL (DER); POST /ocsp answers RFC 6960 requests, signed by the issuing CA itself.
 */
import { KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BasicOCSPResponse,
  CertStatus,
  id_pkix_ocsp_basic,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';

export interface RevocationEntry {
  serialNumberHex: string;
  revokedAt: Date;
}

export interface ResponderIdentity {
  certificateDer: ArrayBuffer;
  privateKey: CryptoKey;
}

export interface RevocationServer {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  crlUrl: string;
  ocspUrl: string;
  /** Set once the CA exists (the certificates carry the URLs, so the server starts first). */
  configure(options: { responder: ResponderIdentity; crlDer: ArrayBuffer; revoked: RevocationEntry[] }): void;
  /** Requests served so far, by path; lets tests prove that online checks really went out. */
  requests: Record<string, number>;
  close(): Promise<void>;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

export async function startRevocationServer(): Promise<RevocationServer> {
  let state: { responder: ResponderIdentity; crlDer: ArrayBuffer; revoked: RevocationEntry[] } | undefined;
  const requests: Record<string, number> = {};
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0];
      requests[path] = (requests[path] ?? 0) + 1;
      if (!state) {
        response.writeHead(503).end();
        return;
      }
      if (request.method === 'GET' && path === '/crl') {
        response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(state.crlDer));
        return;
      }
      if (request.method === 'POST' && path === '/ocsp') {
        try {
          const der = answerOcsp(Buffer.concat(chunks), state);
          response.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(der);
        } catch {
          response.writeHead(400).end();
        }
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    crlUrl: `${baseUrl}/crl`,
    ocspUrl: `${baseUrl}/ocsp`,
    requests,
    configure(options) {
      state = options;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerOcsp(
  body: Buffer,
  state: { responder: ResponderIdentity; revoked: RevocationEntry[] },
): Buffer {
  const request = AsnConvert.parse(body, OCSPRequest);
  const responder = AsnConvert.parse(state.responder.certificateDer, Certificate);
  const now = new Date();
  const responses = request.tbsRequest.requestList.map((item) => {
    const serial = Buffer.from(item.reqCert.serialNumber).toString('hex');
    const revoked = state.revoked.find((entry) => sameSerial(entry.serialNumberHex, serial));
    const certStatus = revoked
      ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: revoked.revokedAt }) })
      : new CertStatus({ good: null });
    return new SingleResponse({ certID: item.reqCert, certStatus, thisUpdate: now });
  });
  const tbsResponseData = new ResponseData({
    responderID: new ResponderID({ byName: responder.tbsCertificate.subject }),
    producedAt: now,
    responses,
  });
  const tbs = Buffer.from(AsnConvert.serialize(tbsResponseData));
  const signature = sign('sha256', tbs, {
    key: KeyObject.from(state.responder.privateKey),
    dsaEncoding: 'der',
  });
  const basic = new BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer,
    certs: [responder],
  });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({
      responseType: id_pkix_ocsp_basic,
      response: new OctetString(AsnConvert.serialize(basic)),
    }),
  });
  return Buffer.from(AsnConvert.serialize(response));
}

function sameSerial(a: string, b: string): boolean {
  return a.replace(/^(00)+/, '').toLowerCase() === b.replace(/^(00)+/, '').toLowerCase();
}
