import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import { signInvoice, verifySignature, type SignatureReport } from '../../domain/signature';
import { prepareXmlSecurityLibraries } from '../../domain/signature/crypto-engine';
import { parseXml, type Document } from '../../domain/xml';
import { createTestPki, type SignerKind, type TestPki } from '../support/pki';

const invoice = readFileSync(join(__dirname, 'fixtures', 'invoice.xml'));
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const DAY = 24 * 3600 * 1000;

/** Signs with xadesjs directly, the document reference naming the root element by Id (a form some signers use). */
async function signByRootId(xml: string, rootId: string): Promise<string> {
  prepareXmlSecurityLibraries();
  const signer = pki.signers.qualified;
  const signedXml = new xadesjs.SignedXml();
  const document = xadesjs.Parse(xml);
  await signedXml.Sign({ name: 'ECDSA', hash: 'SHA-256' } as Algorithm, signer.privateKey, document, {
    references: [{ uri: `#${rootId}`, hash: 'SHA-256', transforms: ['enveloped', 'exc-c14n'] }],
    x509: [signer.certificate.toString('base64')],
    signingCertificateV2: signer.certificate.toString('base64'),
  });
  const signature = signedXml.GetXml()!;
  document.documentElement.appendChild(document.importNode(signature, true));
  return new XMLSerializer().serializeToString(
    document as unknown as Parameters<XMLSerializer['serializeToString']>[0],
  );
}

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.close());

function sign(kind: SignerKind, signingTime?: Date): Promise<string> {
  const signer = pki.signers[kind];
  return signInvoice(
    invoice,
    { certificatePem: signer.chainPem, privateKeyPem: signer.privateKeyPem },
    { signingTime },
  );
}

const trustedList = (): { trust: string[] } => ({ trust: [pki.trustedListPath] });
const bytes = (xml: string): Uint8Array => Buffer.from(xml, 'utf8');
/** Verifies a signed invoice after a test has edited its DOM (tampering, wrapping, injecting). */
const verifyEdited = (document: Document): Promise<SignatureReport> =>
  verifySignature(bytes(new XMLSerializer().serializeToString(document)), trustedList());
const detailOf = (report: SignatureReport, name: string): string =>
  report.checks
    .filter((check) => check.name === name)
    .map((check) => check.detail)
    .join(' | ');

describe('verifySignature on the test PKI', () => {
  it('a qualified signer on a trusted-list chain is TOTAL-PASSED with level qualified (OCSP asked online)', async () => {
    const ocspBefore = pki.revocationServer.requests['/ocsp'] ?? 0;
    const report = await verifySignature(bytes(await sign('qualified')), trustedList());
    expect(report).toMatchObject({
      present: true,
      intact: true,
      indication: 'TOTAL-PASSED',
      level: 'qualified',
    });
    expect(report.subIndication).toBeUndefined();
    expect(report.signer).toContain('Ivan Petrov');
    expect(report.signingTime).toBeDefined();
    expect(report.trustSnapshot).toMatch(/TSL_TEST\.xml \(trusted list BG #7 issued .*sha256 [0-9a-f]{64}\)/);
    expect(detailOf(report, 'revocation')).toContain('not revoked (OCSP');
    expect(pki.revocationServer.requests['/ocsp']).toBe(ocspBefore + 1);
    expect(report.checks.every((check) => check.passed)).toBe(true);
  });

  it('an RSA qualified signer and a qualified seal are qualified too', async () => {
    const rsa = await verifySignature(bytes(await sign('qualifiedRsa')), trustedList());
    expect(rsa).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    const seal = await verifySignature(bytes(await sign('qualifiedSeal')), trustedList());
    expect(seal).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    expect(detailOf(seal, 'qualified')).toContain('qualified electronic seal');
  });

  it('offline, revocation comes from the CRL file only and no request goes out', async () => {
    const before = { ...pki.revocationServer.requests };
    const report = await verifySignature(bytes(await sign('qualified')), {
      ...trustedList(),
      offline: true,
      crls: [pki.crlPath],
    });
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    expect(detailOf(report, 'revocation')).toContain('CRL file');
    expect(pki.revocationServer.requests).toEqual(before);
  });

  it('offline without a CRL file is INDETERMINATE / TRY_LATER', async () => {
    const report = await verifySignature(bytes(await sign('qualified')), { ...trustedList(), offline: true });
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
      level: 'none',
    });
    expect(detailOf(report, 'revocation')).toContain('offline and no CRL file given');
  });

  it('a chain to a plain CA folder is trusted but at most advanced', async () => {
    const report = await verifySignature(bytes(await sign('qualified')), { trust: [pki.trustStoreDir] });
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'advanced' });
    expect(detailOf(report, 'qualified')).toContain('does not lead to a trusted-list CA/QC service');
  });

  it('a signer without QcStatements is TOTAL-PASSED at level advanced', async () => {
    const report = await verifySignature(bytes(await sign('notQualified')), trustedList());
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'advanced' });
    expect(detailOf(report, 'qualified')).toContain('no QcCompliance statement');
  });

  it('an expired certificate (claimed signing time after expiry) is INDETERMINATE / OUT_OF_BOUNDS_NO_POE', async () => {
    const report = await verifySignature(bytes(await sign('expired')), trustedList());
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'OUT_OF_BOUNDS_NO_POE',
    });
    expect(detailOf(report, 'certificate-validity')).toContain('expired');
  });

  it('a certificate not yet valid at the signing time is TOTAL-FAILED / NOT_YET_VALID', async () => {
    const report = await verifySignature(bytes(await sign('notYetValid')), trustedList());
    expect(report).toMatchObject({
      intact: true,
      indication: 'TOTAL-FAILED',
      subIndication: 'NOT_YET_VALID',
    });
  });

  it('a certificate revoked before the signing time is TOTAL-FAILED / REVOKED, online (OCSP) and offline (CRL)', async () => {
    const signed = bytes(await sign('revoked'));
    const online = await verifySignature(signed, trustedList());
    expect(online).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'REVOKED', level: 'none' });
    expect(detailOf(online, 'revocation')).toContain('OCSP');
    const offline = await verifySignature(signed, { ...trustedList(), offline: true, crls: [pki.crlPath] });
    expect(offline).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'REVOKED' });
  });

  it('a certificate revoked after the signing time does not fail that signature, and the report says so', async () => {
    const signingTime = new Date(pki.revokedAt.getTime() - 2 * DAY);
    const report = await verifySignature(bytes(await sign('revoked', signingTime)), trustedList());
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    expect(detailOf(report, 'revocation')).toMatch(
      /after the signing time .* \(claimed, not proven by a timestamp\)/,
    );
  });

  it('a signer from an untrusted root is INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const report = await verifySignature(bytes(await sign('untrusted')), {
      trust: [pki.trustedListPath, pki.trustStoreDir],
    });
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  });

  it('without any trust anchor an intact signature is INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const report = await verifySignature(bytes(await sign('qualified')));
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
    expect(report.trustSnapshot).toBe('no trust anchors configured');
  });

  it('a certificate whose key usage is not for signing fails with CHAIN_CONSTRAINTS_FAILURE and says why', async () => {
    const report = await verifySignature(bytes(await sign('wrongKeyUsage')), trustedList());
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'CHAIN_CONSTRAINTS_FAILURE',
    });
    expect(detailOf(report, 'key-usage')).toContain(
      'neither nonRepudiation (contentCommitment) nor digitalSignature',
    );
  });

  it('accepts an already parsed Document', async () => {
    const report = await verifySignature(parseXml(await sign('qualified')), trustedList());
    expect(report.indication).toBe('TOTAL-PASSED');
  });

  it('an unsigned invoice is INDETERMINATE with the reason, and the check passes only when no signature is required', async () => {
    const required = await verifySignature(invoice);
    expect(required).toMatchObject({
      present: false,
      intact: false,
      indication: 'INDETERMINATE',
      level: 'none',
    });
    expect(required.checks).toEqual([
      { name: 'signature-present', passed: false, detail: expect.stringContaining('No signature') },
    ]);
    const optional = await verifySignature(invoice, { requireSignature: false });
    expect(optional).toMatchObject({ present: false, indication: 'INDETERMINATE' });
    expect(optional.checks[0].passed).toBe(true);
  });

  it('never throws on input that is not XML', async () => {
    const report = await verifySignature(Buffer.from('%PDF-1.7 not xml'));
    expect(report).toMatchObject({
      present: false,
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
  });
});

describe('tampered and wrapped invoices are never TOTAL-PASSED', () => {
  let signed: string;
  beforeAll(async () => {
    signed = await sign('qualified');
  });

  it('a changed amount breaks the document digest: TOTAL-FAILED / HASH_FAILURE', async () => {
    const tampered = signed.replace(
      '<cbc:PayableAmount currencyID="EUR">144.00',
      '<cbc:PayableAmount currencyID="EUR">14.40',
    );
    expect(tampered).not.toBe(signed);
    const report = await verifySignature(bytes(tampered), trustedList());
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
      level: 'none',
    });
  });

  it('content appended after signing: TOTAL-FAILED / HASH_FAILURE', async () => {
    const tampered = signed.replace('</Invoice>', '<cbc:Note>Pay to BG00FAKE</cbc:Note></Invoice>');
    const report = await verifySignature(bytes(tampered), trustedList());
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    });
  });

  it('a duplicated SignedProperties Id (a forged copy beside the real one): TOTAL-FAILED / FORMAT_FAILURE', async () => {
    const document = parseXml(signed);
    const signedProperties = document.getElementsByTagNameNS(XADES, 'SignedProperties')[0];
    const forged = signedProperties.cloneNode(true);
    const qualifying = signedProperties.parentNode!;
    const unsigned = document.createElementNS(XADES, 'xades:UnsignedProperties');
    unsigned.appendChild(forged);
    qualifying.appendChild(unsigned);
    const report = await verifyEdited(document);
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
    expect(detailOf(report, 'signed-scope')).toContain('used more than once');
  });

  it('removed SignedProperties: the signed data is gone, INDETERMINATE / SIGNED_DATA_NOT_FOUND', async () => {
    const document = parseXml(signed);
    const signedProperties = document.getElementsByTagNameNS(XADES, 'SignedProperties')[0];
    signedProperties.parentNode!.removeChild(signedProperties);
    const report = await verifyEdited(document);
    expect(report).toMatchObject({
      intact: false,
      indication: 'INDETERMINATE',
      subIndication: 'SIGNED_DATA_NOT_FOUND',
    });
  });

  it('a swapped certificate in KeyInfo is not the bound signing certificate: INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND', async () => {
    const other = pki.signers.notQualified.certificate.toString('base64');
    const document = parseXml(signed);
    const first = document.getElementsByTagNameNS(DS, 'X509Certificate')[0];
    first.textContent = other;
    const report = await verifyEdited(document);
    expect(report).toMatchObject({
      intact: false,
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    });
  });

  it('a signature wrapped around moved content (reference by Id to the original, moved under a new root) fails', async () => {
    // A signature whose document reference names the root by Id (URI="#…" + enveloped-signature)...
    const withId = invoice.toString('utf8').replace('<Invoice ', '<Invoice Id="invoice-0000000042" ');
    const byId = await signByRootId(withId, 'invoice-0000000042');
    const legitimate = await verifySignature(bytes(byId), trustedList());
    expect(legitimate).toMatchObject({ intact: true, indication: 'TOTAL-PASSED' });
    // ...moved, with its signature, under a new root that shows another amount.
    const original = parseXml(byId).documentElement!;
    const wrapper = parseXml(
      invoice.toString('utf8').replace('144.00</cbc:PayableAmount>', '1.00</cbc:PayableAmount>'),
    );
    const holder = wrapper.createElementNS('urn:example:wrap', 'w:Original');
    holder.appendChild(wrapper.importNode(original, true));
    wrapper.documentElement!.appendChild(holder);
    const report = await verifyEdited(wrapper);
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
    expect(detailOf(report, 'signed-scope')).toContain('no reference covers the whole document');
  });

  it('an injected counter-signature that does not countersign this signature: TOTAL-FAILED / SIG_CRYPTO_FAILURE', async () => {
    const donor = parseXml(await sign('notQualified'));
    const foreign = donor.getElementsByTagNameNS(DS, 'Signature')[0];
    const document = parseXml(signed);
    const qualifying = document.getElementsByTagNameNS(XADES, 'QualifyingProperties')[0];
    const unsigned = document.createElementNS(XADES, 'xades:UnsignedProperties');
    const unsignedSignature = document.createElementNS(XADES, 'xades:UnsignedSignatureProperties');
    const counter = document.createElementNS(XADES, 'xades:CounterSignature');
    counter.appendChild(document.importNode(foreign, true));
    unsignedSignature.appendChild(counter);
    unsigned.appendChild(unsignedSignature);
    qualifying.appendChild(unsigned);
    const report = await verifyEdited(document);
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });
    expect(detailOf(report, 'counter-signatures')).toContain(
      "does not reference this signature's SignatureValue",
    );
  });
});
