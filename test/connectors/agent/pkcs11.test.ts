import { execFile } from 'node:child_process';
import { createSign, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as pkcs11js from 'pkcs11js';
import {
  openPkcs11Key,
  Pkcs11Error,
  type Pkcs11Key,
  type Pkcs11KeyOptions,
} from '../../../connectors/agent/pkcs11';
import { signInvoice, SigningError, type ExternalSigningKey } from '../../../domain/signature';
import { verifyInvoice } from '../../../domain/verification';
import { parseXml, type Element } from '../../../domain/xml';
import { makeUblInvoice, nextInvoiceNumber } from '../../support/invoice-factory';
import { createTestPki, type TestPki, type TestSigner } from '../../support/pki';
import { createSoftHsmToken, softHsmSkipReason, type SoftHsmToken } from '../../support/softhsm';

const run = promisify(execFile);
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES_SIGNED_PROPERTIES_ID = 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties';

(softHsmSkipReason ? describe.skip : describe)('a signing key on a PKCS#11 token (SoftHSM2)', () => {
  let pki: TestPki;
  let ecToken: SoftHsmToken;
  let rsaToken: SoftHsmToken;
  let severalKeysToken: SoftHsmToken;
  let noCertificateToken: SoftHsmToken;
  let wrongCertificateToken: SoftHsmToken;

  beforeAll(async () => {
    pki = await createTestPki();
    writeFileSync(join(pki.dir, 'xmlsec-root.pem'), pki.root.certificatePem);
    writeFileSync(join(pki.dir, 'xmlsec-ca.pem'), pki.qualifiedCa.certificatePem);
    const onToken = (signer: TestSigner) => ({
      certificatePem: signer.certificatePem,
      privateKeyPem: signer.privateKeyPem,
      chainPem: pki.qualifiedCa.certificatePem,
    });
    // One softhsm2.conf, several tokens: SoftHSM reads its tokens when the module is initialized.
    ecToken = await createSoftHsmToken(onToken(pki.signers.qualified), { keyLabel: 'ec-key' });
    rsaToken = await createSoftHsmToken(onToken(pki.signers.qualifiedRsa), {
      keyLabel: 'rsa-key',
      sharing: ecToken,
    });
    severalKeysToken = await createSoftHsmToken(onToken(pki.signers.qualified), {
      keyLabel: 'signature',
      sharing: ecToken,
    });
    await severalKeysToken.importKey({
      ...onToken(pki.signers.qualifiedSeal),
      label: 'seal',
      id: '02',
    });
    noCertificateToken = await createSoftHsmToken(onToken(pki.signers.qualified), {
      withoutCertificate: true,
      sharing: ecToken,
    });
    wrongCertificateToken = await createSoftHsmToken(
      {
        certificatePem: pki.signers.notQualified.certificatePem,
        privateKeyPem: pki.signers.qualified.privateKeyPem,
      },
      { sharing: ecToken },
    );
    const anotherRsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await wrongCertificateToken.importKey({
      privateKeyPem: anotherRsaKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      certificatePem: pki.signers.qualifiedRsa.certificatePem,
      label: 'rsa',
      id: '02',
    });
    await wrongCertificateToken.importKey({
      privateKeyPem: pki.signers.qualified.privateKeyPem,
      certificatePem: pki.signers.qualifiedRsa.certificatePem,
      label: 'ec-with-rsa-certificate',
      id: '03',
    });
  });
  afterAll(async () => {
    ecToken?.close();
    await pki?.close();
  });

  const optionsFor = (token: SoftHsmToken, more: Partial<Pkcs11KeyOptions> = {}): Pkcs11KeyOptions => ({
    module: token.module,
    tokenLabel: token.tokenLabel,
    pin: token.pin,
    ...more,
  });

  /** Opens the key, runs `use` and closes the key whatever happens. */
  async function withKey<T>(options: Pkcs11KeyOptions, use: (key: Pkcs11Key) => Promise<T>): Promise<T> {
    const key = await openPkcs11Key(options);
    try {
      return await use(key);
    } finally {
      key.close();
    }
  }

  const invoice = () => makeUblInvoice({ number: nextInvoiceNumber() });
  const signedOnToken = (token: SoftHsmToken, xml = invoice(), signingTime?: Date) =>
    withKey(optionsFor(token), async (key) => ({
      key,
      signed: await signInvoice(xml, { external: key }, { signingTime }),
    }));

  async function rejection(options: Pkcs11KeyOptions): Promise<Pkcs11Error> {
    const error = await openPkcs11Key(options).then(
      (key) => {
        key.close();
        throw new Error('the key opened');
      },
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(Pkcs11Error);
    return error as Pkcs11Error;
  }

  async function xmlsecVerify(signedXml: string, name: string): Promise<string> {
    const file = join(pki.dir, name);
    writeFileSync(file, signedXml);
    const { stderr } = await run('xmlsec1', [
      '--verify',
      '--id-attr:Id',
      XADES_SIGNED_PROPERTIES_ID,
      '--trusted-pem',
      join(pki.dir, 'xmlsec-root.pem'),
      '--untrusted-pem',
      join(pki.dir, 'xmlsec-ca.pem'),
      file,
    ]);
    return stderr;
  }

  describe.each([
    ['EC P-256', 'qualified', 'ecdsa-sha256', () => ecToken],
    ['RSA', 'qualifiedRsa', 'rsa-sha256', () => rsaToken],
  ] as const)('with the token’s %s key', (_, signerKind, signatureMethod, token) => {
    test('the signed invoice is TOTAL-PASSED in the hub, signed by the token’s certificate', async () => {
      const { key, signed } = await signedOnToken(token());
      expect(signed).toContain(`Algorithm="http://www.w3.org/2001/04/xmldsig-more#${signatureMethod}"`);
      const report = await verifyInvoice(Buffer.from(signed), { trust: [pki.trustedListPath] });
      expect(report.signature).toMatchObject({ present: true, intact: true, indication: 'TOTAL-PASSED' });
      expect(report.indication).toBe('TOTAL-PASSED');

      const tokenCertificate = new X509Certificate(key.certificate);
      expect(key.certificate.equals(new X509Certificate(pki.signers[signerKind].certificatePem).raw)).toBe(
        true,
      );
      expect(key.chain).toEqual([new X509Certificate(pki.qualifiedCa.certificatePem).raw]);
      const signature = parseXml(signed).getElementsByTagNameNS(DS, 'Signature')[0];
      const keyInfoCertificates = [...signature.getElementsByTagNameNS(DS, 'X509Certificate')].map(
        (element) => (element.textContent ?? '').replace(/\s+/g, ''),
      );
      expect(keyInfoCertificates[0]).toBe(key.certificate.toString('base64'));
      expect(report.signature.signer).toContain(/CN=([^\n,]+)/.exec(tokenCertificate.subject)?.[1]);
    });

    test('xmlsec1 verifies the signature', async () => {
      const { signed } = await signedOnToken(token());
      await expect(xmlsecVerify(signed, `token-${signerKind}.xml`)).resolves.toMatch(/^OK$/m);
    });

    test('the signature has the structure of one made from the PKCS#12 file: algorithms, references, placement', async () => {
      const xml = invoice();
      const signingTime = new Date('2026-03-02T09:30:00Z');
      const p12 = readFileSync(pki.writeP12(pki.signers[signerKind], 'secret'));
      const fromFile = await signInvoice(xml, { p12, password: 'secret' }, { signingTime });
      const { signed: fromToken } = await signedOnToken(token(), xml, signingTime);
      const shape = signatureShape(fromToken);
      expect(shape).toEqual(signatureShape(fromFile));
      expect(shape.references).toHaveLength(2);
      expect(shape.placement).toEqual([
        'Invoice',
        'UBLExtensions',
        'UBLExtension',
        'ExtensionContent',
        'UBLDocumentSignatures',
        'SignatureInformation',
      ]);
      expect(shape.algorithms).toContain(`http://www.w3.org/2001/04/xmldsig-more#${signatureMethod}`);
      // Same document, time and certificate: only the signature value and the random ids differ.
      const unvarying = (signed: string) =>
        signed
          .replace(/<ds:SignatureValue>[^<]*</, '<ds:SignatureValue><')
          .replace(/id-[0-9a-f]{12}/g, 'id-…')
          .replace(/<ds:DigestValue>[^<]*<\/ds:DigestValue>/g, '');
      expect(unvarying(fromToken)).toBe(unvarying(fromFile));
    });
  });

  test('the private keys on the token are sensitive and not extractable: the token refuses their value', () => {
    const library = new pkcs11js.PKCS11();
    library.load(ecToken.module);
    library.C_Initialize();
    try {
      for (const token of [ecToken, rsaToken]) {
        const slot = library
          .C_GetSlotList(true)
          .find((handle) => Number(handle.readBigUInt64LE()) === token.slot);
        expect(slot).toBeDefined();
        const session = library.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
        library.C_Login(session, pkcs11js.CKU_USER, token.pin);
        library.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_LABEL, value: token.keyLabel },
        ]);
        const [key] = library.C_FindObjects(session, 2);
        library.C_FindObjectsFinal(session);
        const [extractable, sensitive] = library.C_GetAttributeValue(session, key, [
          { type: pkcs11js.CKA_EXTRACTABLE },
          { type: pkcs11js.CKA_SENSITIVE },
        ]);
        expect(extractable.value).toEqual(Buffer.from([0]));
        expect(sensitive.value).toEqual(Buffer.from([1]));
        const secret = token === rsaToken ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE;
        expect(() => library.C_GetAttributeValue(session, key, [{ type: secret }])).toThrow(
          'CKR_ATTRIBUTE_SENSITIVE',
        );
        library.C_Logout(session);
        library.C_CloseSession(session);
      }
    } finally {
      library.C_Finalize();
      library.close();
    }
  });

  test('a wrong PIN is refused as CKR_PIN_INCORRECT, and neither the message nor the error holds the PIN', async () => {
    const wrongPin = '97531';
    const error = await rejection(optionsFor(ecToken, { pin: wrongPin }));
    expect(error.code).toBe('CKR_PIN_INCORRECT');
    expect(error.message).toContain(
      `The token "${ecToken.tokenLabel}" (slot ${ecToken.slot}) refused the PIN`,
    );
    expect(error.message).not.toContain(wrongPin);
    expect(`${error.stack} ${JSON.stringify(error)}`).not.toContain(wrongPin);
    // The failed attempt left nothing behind: the right PIN opens the key.
    await withKey(optionsFor(ecToken), async (key) => expect(key.description).toContain(ecToken.tokenLabel));
  });

  test('a slot that does not exist is refused, naming the slots and tokens present', async () => {
    const error = await rejection({ module: ecToken.module, slot: 424242, pin: ecToken.pin });
    expect(error.message).toContain('There is no slot 424242.');
    expect(error.message).toContain(`slot ${ecToken.slot} (token "${ecToken.tokenLabel}")`);
    expect(error.message).toContain(`slot ${rsaToken.slot} (token "${rsaToken.tokenLabel}")`);
  });

  test('a token label that is not present is refused, naming the labels present', async () => {
    const error = await rejection(optionsFor(ecToken, { tokenLabel: 'no-such-token' }));
    expect(error.message).toContain('No token is labelled "no-such-token".');
    expect(error.message).toContain(`(token "${rsaToken.tokenLabel}")`);
  });

  test('the slot id alone picks the token; with several tokens and neither slot nor label, none is guessed', async () => {
    await withKey({ module: rsaToken.module, slot: rsaToken.slot, pin: rsaToken.pin }, async (key) => {
      expect(key.description).toBe(
        `token "${rsaToken.tokenLabel}" (slot ${rsaToken.slot}), key "rsa-key" (id 01)`,
      );
    });
    const error = await rejection({ module: ecToken.module, pin: ecToken.pin });
    expect(error.message).toMatch(/^5 tokens are present\. .*Choose one by its label or slot id\.$/);
  });

  test('when the module holds exactly one token, it is used without slot or label', async () => {
    const lone = await createSoftHsmToken(
      {
        certificatePem: pki.signers.qualified.certificatePem,
        privateKeyPem: pki.signers.qualified.privateKeyPem,
      },
      { tokenLabel: 'the-only-one' },
    );
    try {
      await withKey({ module: lone.module, pin: lone.pin }, async (key) => {
        expect(key.description).toBe(`token "the-only-one" (slot ${lone.slot}), key "signing-key" (id 01)`);
        expect(key.chain).toEqual([]);
      });
    } finally {
      lone.close();
      await ecToken.use();
    }
  });

  test('a token with several keys wants the key label: without it the keys are listed, with it that key signs', async () => {
    const error = await rejection(optionsFor(severalKeysToken));
    expect(error.message).toContain('holds 2 private signing keys');
    expect(error.message).toContain('"signature" (id 01), "seal" (id 02)');
    expect(error.message).toContain('Choose one by its key label');

    const seal = await withKey(
      optionsFor(severalKeysToken, { keyLabel: 'seal' }),
      async (key) => key.certificate,
    );
    expect(seal.equals(new X509Certificate(pki.signers.qualifiedSeal.certificatePem).raw)).toBe(true);
    const byId = await withKey(optionsFor(severalKeysToken, { keyId: '01' }), async (key) => key.description);
    expect(byId).toContain('key "signature" (id 01)');

    const missing = await rejection(optionsFor(severalKeysToken, { keyLabel: 'stamp' }));
    expect(missing.message).toContain(
      'has no private signing key labelled "stamp"; it holds "signature" (id 01)',
    );
  });

  test('a key without a certificate of its id is refused, saying how to add it', async () => {
    const error = await rejection(optionsFor(noCertificateToken));
    expect(error.message).toContain('has no certificate with the id of key "signing-key" (id 01)');
    expect(error.message).toContain('--write-object CERT.der --type cert --id 01');
  });

  test.each(['signing-key', 'rsa', 'ec-with-rsa-certificate'])(
    'a certificate under the key’s id that belongs to another key is refused (key %s)',
    async (keyLabel) => {
      const error = await rejection(optionsFor(wrongCertificateToken, { keyLabel }));
      expect(error.message).toContain(`The certificate with the id of key "${keyLabel}"`);
      expect(error.message).toContain('does not match the key');
    },
  );

  test('a module that cannot be loaded is refused, naming the path', async () => {
    const error = await rejection({ module: '/nonexistent/libtoken.so', pin: '1234' });
    expect(error.message).toContain('The PKCS#11 module /nonexistent/libtoken.so cannot be loaded');
  });

  test('signatures asked at once are made one after another on the one session, and all verify', async () => {
    await withKey(optionsFor(ecToken), async (key) => {
      const signed = await Promise.all(
        Array.from({ length: 4 }, () => signInvoice(invoice(), { external: key })),
      );
      for (const xml of signed) {
        const report = await verifyInvoice(Buffer.from(xml), { trust: [pki.trustedListPath] });
        expect(report.signature.intact).toBe(true);
      }
    });
  });

  test('two keys open at once share the module: closing one leaves the other signing', async () => {
    const ec = await openPkcs11Key(optionsFor(ecToken));
    const rsa = await openPkcs11Key(optionsFor(rsaToken));
    try {
      ec.close();
      const signed = await signInvoice(invoice(), { external: rsa });
      const report = await verifyInvoice(Buffer.from(signed), { trust: [pki.trustedListPath] });
      expect(report.signature.intact).toBe(true);
    } finally {
      ec.close();
      rsa.close();
    }
  });

  test('a module already initialized by other code in the process is used, and left initialized', async () => {
    const other = new pkcs11js.PKCS11();
    other.load(ecToken.module);
    other.C_Initialize();
    try {
      await withKey(optionsFor(ecToken), async (key) => {
        await expect(signInvoice(invoice(), { external: key })).resolves.toContain('SignatureValue');
      });
      expect(other.C_GetSlotList(true).length).toBeGreaterThan(0);
    } finally {
      other.C_Finalize();
      other.close();
    }
  });

  test('close() is safe twice, and a closed key signs nothing', async () => {
    const key = await openPkcs11Key(optionsFor(ecToken));
    key.close();
    expect(() => key.close()).not.toThrow();
    await expect(key.sign(Buffer.from('data'))).rejects.toThrow(/is closed: open it again/);
  });
});

describe('signInvoice with an external key checks what the key hands back', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki.close());

  /** The qualified signer's key as an external one, its signatures encoded as `dsaEncoding` says. */
  const externalKey = (certificatePem: string, dsaEncoding: 'ieee-p1363' | 'der'): ExternalSigningKey => ({
    certificate: new X509Certificate(certificatePem).raw,
    chain: [],
    sign: async (data) =>
      createSign('sha256').update(data).sign({ key: pki.signers.qualified.privateKeyPem, dsaEncoding }),
  });
  const invoice = () => makeUblInvoice({ number: nextInvoiceNumber() });

  test('a signature the certificate’s public key does not verify is refused: the key is not the certificate’s', async () => {
    const external = externalKey(pki.signers.notQualified.certificatePem, 'ieee-p1363');
    const signing = signInvoice(invoice(), { external });
    await expect(signing).rejects.toBeInstanceOf(SigningError);
    await expect(signing).rejects.toThrow('does not verify with the signing certificate');
  });

  test('a DER-encoded ECDSA signature is refused, saying XML-DSig wants r||s', async () => {
    const external = externalKey(pki.signers.qualified.certificatePem, 'der');
    await expect(signInvoice(invoice(), { external })).rejects.toThrow(
      /ECDSA P-256 signature; XML-DSig wants r\|\|s of 64 bytes \(IEEE P1363, not DER\)/,
    );
  });

  test('the key’s signature in r||s form makes a signature the hub verifies', async () => {
    const external = externalKey(pki.signers.qualified.certificatePem, 'ieee-p1363');
    const signed = await signInvoice(invoice(), { external });
    const report = await verifyInvoice(Buffer.from(signed), { trust: [pki.trustedListPath] });
    expect(report.signature).toMatchObject({ intact: true });
  });
});

interface SignatureShape {
  placement: string[];
  algorithms: string[];
  references: { uri: string; type: string; transforms: string[]; digest: string }[];
  elements: string[];
}

/** What a signature is made of, without its values: element tree, algorithms, references and where it sits. */
function signatureShape(signed: string): SignatureShape {
  const signature = parseXml(signed).getElementsByTagNameNS(DS, 'Signature')[0];
  const placement: string[] = [];
  for (
    let node = signature.parentNode as Element | null;
    node && node.nodeType === 1;
    node = node.parentNode as Element | null
  ) {
    placement.unshift(node.localName ?? '');
  }
  const all = [...signature.getElementsByTagNameNS('*', '*')];
  const anonymous = (uri: string) => uri.replace(/id-[0-9a-f]+/g, 'id');
  return {
    placement,
    algorithms: all
      .filter((element) => element.hasAttribute('Algorithm'))
      .map((element) => element.getAttribute('Algorithm')!),
    references: [...signature.getElementsByTagNameNS(DS, 'Reference')].map((reference) => ({
      uri: anonymous(reference.getAttribute('URI') ?? ''),
      type: reference.getAttribute('Type') ?? '',
      transforms: [...reference.getElementsByTagNameNS(DS, 'Transform')].map(
        (t) => t.getAttribute('Algorithm') ?? '',
      ),
      digest: reference.getElementsByTagNameNS(DS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '',
    })),
    elements: all.map((element) => `${element.prefix}:${element.localName}`),
  };
}
