/**
 * A throw-away PKI for signature tests, made fresh by each test file (EC P-256 keys are generated in milliseconds):
 *
 *   Test Root CA ──► Test Qualified CA (also a CA/QC "granted" service of a TS 119 612 trusted list)
 *                        ├─ qualified (QES: QcCompliance, QcSSCD, QcType esign, QCP-n-qscd), qualifiedRsa, qualifiedSeal (eseal, QCP-l-qscd)
 *                        ├─ notQualified (no QcStatements)
 *                        ├─ expired, notYetValid, revoked (on the CRL and the OCSP responder), wrongKeyUsage (keyEncipherment only)
 *   Untrusted Root CA ──► untrusted
 *   list signers (self-signed, as scheme operators' are): lotlSigner (the operator-given LOTL signer), listSigner (the
 *   national list's, named by the LOTL's pointer), otherListSigner (a key nobody names)
 *
 * Every signer certificate names the CRL distribution point and OCSP responder that `createTestPki` starts on 127.0.0.1.
 * Files (trust store folder, trusted list, CRL, PEMs) are written to a temporary folder that `close()` removes.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { updateTrustSnapshot } from '../../../domain/signature/trusted-lists/update';
import { qcStatementsExtension, QC_OIDS } from './qc-statements';
import { startRevocationServer, type RevocationServer } from './revocation-server';
import { listOfTheListsXml, signTrustedList, trustedListXml, type TrustedListPointer } from './trusted-list';

export { QC_OIDS } from './qc-statements';
export {
  listOfTheListsXml,
  oneByteChanged,
  signTrustedList,
  trustedListXml,
  SERVICE_STATUS_GRANTED,
  SERVICE_STATUS_WITHDRAWN,
  SERVICE_TYPE_CA_QC,
} from './trusted-list';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestIdentity {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  /** PEM of the certificate alone. */
  certificatePem: string;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
}

export interface TestSigner extends TestIdentity {
  /** The signer's certificate followed by its issuing CA: what `signInvoice` takes as `certificatePem`. */
  chainPem: string;
}

export type SignerKind =
  | 'qualified'
  | 'qualifiedRsa'
  | 'qualifiedSeal'
  | 'notQualified'
  | 'expired'
  | 'notYetValid'
  | 'revoked'
  | 'untrusted'
  | 'wrongKeyUsage';

export interface TestPki {
  /** Temporary folder holding every file below. */
  dir: string;
  root: TestIdentity;
  qualifiedCa: TestIdentity;
  untrustedRoot: TestIdentity;
  signers: Record<SignerKind, TestSigner>;
  /** Folder with the root CA PEM: a plain trust store (chains trusted, but never qualified). */
  trustStoreDir: string;
  /**
   * A trust snapshot, as `bin/hub trust update` writes it: the national trusted list (TSL_TEST.xml, the qualified CA
   * a granted CA/QC service) signed by `listSigner`, loaded alone with `listSigner` as the operator-given signer.
   * What the tests that want "the trusted list" pass as TRUST_STORE.
   */
  trustedListPath: string;
  /** The signed national list itself (TSL_TEST.xml, BG #7). */
  trustedListFile: string;
  lotlSigner: TestIdentity;
  listSigner: TestIdentity;
  otherListSigner: TestIdentity;
  /** PEM files of the list signers' certificates (what an operator gives as TRUST_LOTL_SIGNERS / --lotl-signer). */
  lotlSignerPath: string;
  listSignerPath: string;
  /** The national list (BG #7, the qualified CA granted), signed by `listSigner` unless `signer` says otherwise (null: unsigned). */
  nationalListXml(options?: {
    signer?: TestIdentity | null;
    nextUpdate?: Date;
    sequenceNumber?: number;
  }): Promise<string>;
  /** A LOTL pointing to the BG list with `listSigner` as its signer, signed by `lotlSigner` unless `signer` says otherwise. */
  lotlXml(options?: {
    signer?: TestIdentity | null;
    nextUpdate?: Date;
    pointers?: TrustedListPointer[];
  }): Promise<string>;
  /** CRL of the qualified CA (DER) listing the revoked signer. */
  crlPath: string;
  /** When the revoked signer was revoked (one day before `createTestPki` ran). */
  revokedAt: Date;
  revocationServer: RevocationServer;
  /** Writes a PKCS#12 file (OpenSSL defaults: AES-256, PBKDF2) with the signer's key, certificate and issuing CA. */
  writeP12(signer: TestSigner, password: string): string;
  close(): Promise<void>;
}

const DAY = 24 * 3600 * 1000;
const EC: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const RSA: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};

export async function createTestPki(): Promise<TestPki> {
  const now = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-pki-'));
  const revocationServer = await startRevocationServer();

  const root = await issueCa('CN=Test Root CA, O=Hub Test PKI, C=BG', undefined, now);
  const qualifiedCa = await issueCa('CN=Test Qualified CA, O=Hub Test QTSP, C=BG', root, now);
  const untrustedRoot = await issueCa('CN=Untrusted Root CA, O=Elsewhere, C=BG', undefined, now);

  const issue = (kind: SignerKind, profile: SignerProfile): Promise<TestSigner> =>
    issueSigner({ ...profile, revocationServer, now, kind });
  const person = (name: string, egn: string): string => `CN=${name}, 2.5.4.5=PNOBG-${egn}, C=BG`;
  const signers: Record<SignerKind, TestSigner> = {
    qualified: await issue('qualified', {
      subject: person('Ivan Petrov', '7501020018'),
      issuer: qualifiedCa,
      qc: 'esign',
    }),
    qualifiedRsa: await issue('qualifiedRsa', {
      subject: person('Maria Ivanova', '8005120011'),
      issuer: qualifiedCa,
      qc: 'esign',
      rsa: true,
    }),
    qualifiedSeal: await issue('qualifiedSeal', {
      subject: 'CN=Supplier EOOD, O=Supplier EOOD, 2.5.4.97=NTRBG-175074752, C=BG',
      issuer: qualifiedCa,
      qc: 'eseal',
    }),
    notQualified: await issue('notQualified', {
      subject: person('Georgi Dimitrov', '6101057509'),
      issuer: qualifiedCa,
    }),
    expired: await issue('expired', {
      subject: person('Expired Signer', '7001010013'),
      issuer: qualifiedCa,
      qc: 'esign',
      notBefore: new Date(now - 400 * DAY),
      notAfter: new Date(now - 30 * DAY),
    }),
    notYetValid: await issue('notYetValid', {
      subject: person('Future Signer', '7001010021'),
      issuer: qualifiedCa,
      qc: 'esign',
      notBefore: new Date(now + 30 * DAY),
      notAfter: new Date(now + 400 * DAY),
    }),
    revoked: await issue('revoked', {
      subject: person('Revoked Signer', '7001010039'),
      issuer: qualifiedCa,
      qc: 'esign',
    }),
    untrusted: await issue('untrusted', {
      subject: person('Untrusted Signer', '7001010047'),
      issuer: untrustedRoot,
      qc: 'esign',
    }),
    wrongKeyUsage: await issue('wrongKeyUsage', {
      subject: person('Encryption Only', '7001010055'),
      issuer: qualifiedCa,
      qc: 'esign',
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    }),
  };

  const revokedAt = new Date(now - DAY);
  const revoked = [{ serialNumberHex: signers.revoked.certificate.serialNumber, revokedAt }];
  const crl = await x509.X509CrlGenerator.create({
    issuer: qualifiedCa.certificate.subject,
    thisUpdate: new Date(now - 60 * 1000),
    nextUpdate: new Date(now + 7 * DAY),
    entries: revoked.map((entry) => ({
      serialNumber: entry.serialNumberHex,
      revocationDate: entry.revokedAt,
      reason: x509.X509CrlReason.keyCompromise,
    })),
    signingAlgorithm: EC_SIGNING,
    signingKey: qualifiedCa.privateKey,
  });
  revocationServer.configure({
    responder: { certificateDer: qualifiedCa.certificate.rawData, privateKey: qualifiedCa.privateKey },
    crlDer: crl.rawData,
    revoked,
  });

  const trustStoreDir = join(dir, 'trust-store');
  mkdirSync(trustStoreDir);
  writeFileSync(join(trustStoreDir, 'test-root-ca.pem'), root.certificatePem);
  const lotlSigner = await issueListSigner('CN=Test LOTL Signer, O=Test Commission, C=BE', now);
  const listSigner = await issueListSigner('CN=Test Scheme Operator, O=Hub Test Supervisor, C=BG', now);
  const otherListSigner = await issueListSigner('CN=Someone Else, O=Elsewhere, C=BG', now);
  const signed = (xml: string, signer: TestIdentity | null | undefined, fallback: TestIdentity) =>
    signer === null ? Promise.resolve(xml) : signTrustedList(xml, signer ?? fallback);
  const nationalListXml: TestPki['nationalListXml'] = (options = {}) =>
    signed(
      trustedListXml({
        sequenceNumber: options.sequenceNumber ?? 7,
        issued: new Date(now - 10 * DAY),
        nextUpdate: options.nextUpdate,
        providerName: 'Hub Test QTSP',
        services: [
          {
            name: 'Test Qualified CA',
            certificate: qualifiedCa.certificate,
            statusStartingTime: new Date(now - 3650 * DAY),
          },
        ],
      }),
      options.signer,
      listSigner,
    );
  const lotlXml: TestPki['lotlXml'] = (options = {}) =>
    signed(
      listOfTheListsXml({
        sequenceNumber: 300,
        issued: new Date(now - 5 * DAY),
        nextUpdate: options.nextUpdate,
        pointers: options.pointers ?? [
          {
            territory: 'BG',
            location: 'https://127.0.0.1/TSL_TEST.xml',
            signers: [listSigner.certificate],
          },
        ],
      }),
      options.signer,
      lotlSigner,
    );

  const trustedListFile = join(dir, 'TSL_TEST.xml');
  writeFileSync(trustedListFile, await nationalListXml());
  const lotlSignerPath = join(dir, 'lotl-signer.pem');
  writeFileSync(lotlSignerPath, lotlSigner.certificatePem);
  const listSignerPath = join(dir, 'list-signer.pem');
  writeFileSync(listSignerPath, listSigner.certificatePem);
  const trustedListPath = updateTrustSnapshot({
    trustDir: join(dir, 'trust'),
    lists: [{ name: 'TSL_TEST.xml', bytes: readFileSync(trustedListFile), source: trustedListFile }],
    signers: [{ name: 'list-signer.pem', bytes: readFileSync(listSignerPath), source: listSignerPath }],
  }).dir;
  const crlPath = join(dir, 'test-qualified-ca.crl');
  writeFileSync(crlPath, Buffer.from(crl.rawData));

  let p12Count = 0;
  return {
    dir,
    root,
    qualifiedCa,
    untrustedRoot,
    signers,
    trustStoreDir,
    trustedListPath,
    trustedListFile,
    lotlSigner,
    listSigner,
    otherListSigner,
    lotlSignerPath,
    listSignerPath,
    nationalListXml,
    lotlXml,
    crlPath,
    revokedAt,
    revocationServer,
    writeP12(signer, password) {
      const base = join(dir, `signer-${++p12Count}`);
      writeFileSync(`${base}.key.pem`, signer.privateKeyPem);
      writeFileSync(`${base}.chain.pem`, signer.chainPem);
      execFileSync('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        `${base}.key.pem`,
        '-in',
        `${base}.chain.pem`,
        '-passout',
        `pass:${password}`,
        '-out',
        `${base}.p12`,
      ]);
      return `${base}.p12`;
    },
    async close() {
      await revocationServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface SignerProfile {
  subject: string;
  issuer: TestIdentity;
  qc?: 'esign' | 'eseal';
  rsa?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  keyUsage?: x509.KeyUsageFlags;
}

async function issueSigner(
  profile: SignerProfile & { revocationServer: RevocationServer; now: number; kind: SignerKind },
): Promise<TestSigner> {
  const keys = (await webcrypto.subtle.generateKey(profile.rsa ? RSA : EC, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(profile.keyUsage ?? x509.KeyUsageFlags.nonRepudiation, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(profile.issuer.certificate),
    new x509.CRLDistributionPointsExtension([profile.revocationServer.crlUrl]),
    new x509.AuthorityInfoAccessExtension({ ocsp: profile.revocationServer.ocspUrl }),
  ];
  if (profile.qc) {
    extensions.push(qcStatementsExtension({ sscd: true, type: profile.qc }));
    extensions.push(
      new x509.CertificatePolicyExtension([
        profile.qc === 'esign' ? QC_OIDS.policyQcpNQscd : QC_OIDS.policyQcpLQscd,
      ]),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: profile.subject,
    issuer: profile.issuer.certificate.subject,
    notBefore: profile.notBefore ?? new Date(profile.now - 30 * DAY),
    notAfter: profile.notAfter ?? new Date(profile.now + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: profile.issuer.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions,
  });
  const identity = await identityOf(certificate, keys.privateKey);
  return { ...identity, chainPem: identity.certificatePem + profile.issuer.certificatePem };
}

async function issueCa(
  subject: string,
  issuer: TestIdentity | undefined,
  now: number,
): Promise<TestIdentity> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, issuer ? 0 : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: issuer ? issuer.certificate.subject : subject,
    notBefore: new Date(now - 3650 * DAY),
    notAfter: new Date(now + 3650 * DAY),
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.privateKey : keys.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions,
  });
  return identityOf(certificate, keys.privateKey);
}

/** A scheme operator's list-signing certificate: self-signed, for signatures only. */
async function issueListSigner(subject: string, now: number): Promise<TestIdentity> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: subject,
    notBefore: new Date(now - 365 * DAY),
    notAfter: new Date(now + 1825 * DAY),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return identityOf(certificate, keys.privateKey);
}

async function identityOf(certificate: x509.X509Certificate, privateKey: CryptoKey): Promise<TestIdentity> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey));
  return {
    certificate,
    privateKey,
    certificatePem: certificate.toString('pem') + '\n',
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`,
  };
}

/** Positive 16-byte serial, unique per certificate. */
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}
