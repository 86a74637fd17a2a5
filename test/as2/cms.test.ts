import { unpadKeyBlock } from '../../connectors/as2/protocol/enveloped-data';
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { As2Error, type As2Disposition } from '../../connectors/as2/protocol';
import {
  createCompressedData,
  createEnvelopedData,
  createSignedData,
  decompressData,
  decryptEnvelopedData,
  readCertificates,
  readOwnIdentities,
  verifySignedData,
  type OwnKeyPair,
} from '../../connectors/as2/protocol/cms';
import { flipped, identity } from './support';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const content = Buffer.from('Content-Type: application/xml\r\n\r\n<Invoice>\n  <ID>1</ID>\n</Invoice>\n');

function failure(run: () => unknown): { disposition: As2Disposition; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof As2Error) return { disposition: error.disposition, message: error.message };
    throw error;
  }
  throw new Error('expected an As2Error');
}

/** The same key under a new certificate (new serial): what a partner's renewal without a new key looks like. */
async function reissued(pair: OwnKeyPair, notAfter = new Date(Date.now() + 86_400_000)): Promise<OwnKeyPair> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der(pair.privateKeyPem), algorithm, true, [
    'sign',
  ]);
  const spki = createPublicKey(createPrivateKey(pair.privateKeyPem)).export({ type: 'spki', format: 'der' });
  const publicKey = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0badc0de',
    name: 'CN=reissued',
    notBefore: new Date(Date.now() - 86_400_000 * 2),
    notAfter,
    signingAlgorithm: algorithm,
    keys: { privateKey, publicKey } as CryptoKeyPair,
  });
  return { privateKeyPem: pair.privateKeyPem, certificatePem: certificate.toString('pem') };
}

describe('SignedData', () => {
  let partner: OwnKeyPair;
  let partnerNext: OwnKeyPair;
  let stranger: OwnKeyPair;
  beforeAll(async () => {
    [partner, partnerNext, stranger] = await Promise.all([
      identity('partner'),
      identity('partner-2027'),
      identity('stranger'),
    ]);
  });

  it.each(['sha1', 'sha-256', 'sha-384', 'sha-512'] as const)(
    'a detached %s signature with signed attributes verifies over the exact content',
    (digest) => {
      const signature = createSignedData(content, { ...partner, digest });
      const verified = verifySignedData(signature, {
        trusted: readCertificates([partner.certificatePem], 'Partner'),
        detachedContent: content,
      });
      expect(verified.digest.mic).toBe(digest);
      expect(verified.scheme).toBe('rsa-pkcs1-v1_5');
      expect(verified.signer.pem).toBe(readCertificates([partner.certificatePem], 'x')[0].pem);
      expect(verified.content.equals(content)).toBe(true);
    },
  );

  it.each(['sha1', 'sha-256', 'sha-512'] as const)('an RSASSA-PSS %s signature verifies', (digest) => {
    const signature = createSignedData(content, { ...partner, digest, scheme: 'rsassa-pss' });
    const verified = verifySignedData(signature, {
      trusted: readCertificates([partner.certificatePem], 'Partner'),
      detachedContent: content,
    });
    expect(verified.scheme).toBe('rsassa-pss');
  });

  it('a signature without signed attributes verifies over the content itself', () => {
    const signature = createSignedData(content, { ...partner, digest: 'sha-256', signedAttributes: false });
    const trusted = readCertificates([partner.certificatePem], 'Partner');
    expect(verifySignedData(signature, { trusted, detachedContent: content }).digest.mic).toBe('sha-256');
    expect(
      failure(() => verifySignedData(signature, { trusted, detachedContent: flipped(content, 40) })),
    ).toEqual({
      disposition: 'integrity-check-failed',
      message: expect.stringMatching(/changed after signing/),
    });
  });

  it('an enveloping signature yields the content it carries', () => {
    const signature = createSignedData(content, { ...partner, digest: 'sha-256', detached: false });
    const verified = verifySignedData(signature, {
      trusted: readCertificates([partner.certificatePem], 'Partner'),
    });
    expect(verified.content.equals(content)).toBe(true);
  });

  it('one changed byte of the content fails the messageDigest check: integrity-check-failed', () => {
    const signature = createSignedData(content, { ...partner, digest: 'sha-256' });
    const result = failure(() =>
      verifySignedData(signature, {
        trusted: readCertificates([partner.certificatePem], 'Partner'),
        detachedContent: flipped(content, -3),
      }),
    );
    expect(result.disposition).toBe('integrity-check-failed');
    expect(result.message).toMatch(/sha-256 digest .* does not match the signed messageDigest/);
  });

  it('a signature by a key that is not the partner’s: authentication-failed, naming the signer', () => {
    const signature = createSignedData(content, { ...stranger, digest: 'sha-256' });
    const result = failure(() =>
      verifySignedData(signature, {
        trusted: readCertificates([partner.certificatePem], 'Partner'),
        detachedContent: content,
      }),
    );
    expect(result.disposition).toBe('authentication-failed');
    expect(result.message).toMatch(
      /signed by CN=stranger .* none of the partner's valid certificates \(CN=partner/,
    );
  });

  it('a damaged signature value with the partner’s certificate named: authentication-failed', () => {
    const signature = createSignedData(content, { ...partner, digest: 'sha-256' });
    const result = failure(() =>
      verifySignedData(flipped(signature, -10), {
        trusted: readCertificates([partner.certificatePem], 'Partner'),
        detachedContent: content,
      }),
    );
    expect(result).toEqual({
      disposition: 'authentication-failed',
      message: expect.stringMatching(/does not verify with the partner certificate CN=partner/),
    });
  });

  it('during a rollover either of the partner’s two valid certificates verifies', () => {
    const trusted = readCertificates([partner.certificatePem, partnerNext.certificatePem], 'Partner');
    for (const signer of [partner, partnerNext]) {
      const verified = verifySignedData(createSignedData(content, { ...signer, digest: 'sha-256' }), {
        trusted,
        detachedContent: content,
      });
      expect(verified.signer.pem).toBe(readCertificates([signer.certificatePem], 'x')[0].pem);
    }
  });

  it('a signer named by a certificate we do not have is still tried against each valid certificate (re-issued key)', async () => {
    const renewed = await reissued(partner);
    const signature = createSignedData(content, { ...renewed, digest: 'sha-256' });
    const verified = verifySignedData(signature, {
      trusted: readCertificates([partner.certificatePem], 'Partner'),
      detachedContent: content,
    });
    expect(verified.signer.subject).toBe('CN=partner');
  });

  it('an expired partner certificate does not count; judged at another time it does', async () => {
    const expired = await reissued(partner, new Date(Date.now() - 86_400_000));
    const signature = createSignedData(content, { ...expired, digest: 'sha-256' });
    const trusted = readCertificates([expired.certificatePem], 'Partner');
    expect(failure(() => verifySignedData(signature, { trusted, detachedContent: content }))).toEqual({
      disposition: 'authentication-failed',
      message: expect.stringMatching(/None of the partner's certificates is valid on/),
    });
    const verified = verifySignedData(signature, {
      trusted,
      detachedContent: content,
      at: new Date(Date.now() - 86_400_000 * 1.5),
    });
    expect(verified.signer.subject).toBe('CN=reissued');
  });

  it('a detached signature without its content, and bytes that are no CMS, are refused with a reason', () => {
    const signature = createSignedData(content, { ...partner, digest: 'sha-256' });
    const trusted = readCertificates([partner.certificatePem], 'Partner');
    expect(failure(() => verifySignedData(signature, { trusted }))).toEqual({
      disposition: 'unexpected-processing-error',
      message: 'The SignedData is detached but no signed content came with it.',
    });
    expect(failure(() => verifySignedData(Buffer.from('garbage'), { trusted })).message).toMatch(
      /^The signature is not a CMS ContentInfo/,
    );
  });
});

describe('EnvelopedData', () => {
  let hub: OwnKeyPair;
  let hubNext: OwnKeyPair;
  let stranger: OwnKeyPair;
  beforeAll(async () => {
    [hub, hubNext, stranger] = await Promise.all([
      identity('hub'),
      identity('hub-2027'),
      identity('stranger'),
    ]);
  });

  const contentEncryptions = ['des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'] as const;
  const keyTransports = ['rsa-pkcs1-v1_5', 'rsa-oaep-sha1', 'rsa-oaep-sha256', 'rsa-oaep-sha512'] as const;
  it.each(
    contentEncryptions.flatMap((encryption) =>
      keyTransports.map((transport) => [encryption, transport] as const),
    ),
  )(
    '%s with %s decrypts to the exact content and reports both algorithms',
    (contentEncryption, keyTransport) => {
      const enveloped = createEnvelopedData(content, readCertificates([hub.certificatePem], 'Hub'), {
        contentEncryption,
        keyTransport,
      });
      const decrypted = decryptEnvelopedData(enveloped, readOwnIdentities([hub]));
      expect(decrypted).toMatchObject({ contentEncryption, keyTransport });
      expect(decrypted.content.equals(content)).toBe(true);
    },
  );

  it('chooses, among our key pairs, the one the message names (our certificate rolls over)', () => {
    const own = readOwnIdentities([hubNext, hub]);
    for (const recipient of [hub, hubNext]) {
      const enveloped = createEnvelopedData(content, readCertificates([recipient.certificatePem], 'Hub'));
      expect(decryptEnvelopedData(enveloped, own).recipient.pem).toBe(
        readCertificates([recipient.certificatePem], 'x')[0].pem,
      );
    }
  });

  it('a message encrypted for another certificate: decryption-failed, naming both sides', () => {
    const enveloped = createEnvelopedData(content, readCertificates([stranger.certificatePem], 'Stranger'));
    const result = failure(() => decryptEnvelopedData(enveloped, readOwnIdentities([hub])));
    expect(result.disposition).toBe('decryption-failed');
    expect(result.message).toMatch(
      /encrypted for issuer "CN=stranger", serial [0-9a-f]+, none of which is our certificate \(CN=hub/,
    );
  });

  it('a damaged content or content key: decryption-failed, with the same words either way (RFC 3218)', () => {
    const enveloped = createEnvelopedData(content, readCertificates([hub.certificatePem], 'Hub'));
    const own = readOwnIdentities([hub]);
    const lastBlock = failure(() => decryptEnvelopedData(flipped(enveloped, -1), own));
    const keyIndex = enveloped.indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00])) + 20; // inside the 256-byte wrapped key
    const wrappedKey = failure(() => decryptEnvelopedData(flipped(enveloped, keyIndex), own));
    expect(lastBlock.disposition).toBe('decryption-failed');
    expect(wrappedKey).toEqual(lastBlock);
  });

  it('an unsupported content encryption is refused naming it', () => {
    const enveloped = createEnvelopedData(content, readCertificates([hub.certificatePem], 'Hub'), {
      contentEncryption: 'aes-256-cbc',
    });
    const at = enveloped.indexOf(Buffer.from('060960864801650304012a', 'hex'));
    const gcm = Buffer.from(enveloped);
    gcm[at + 10] = 0x2e; // aes256-CBC (…1.42) becomes aes256-GCM (…1.46)
    expect(failure(() => decryptEnvelopedData(gcm, readOwnIdentities([hub])))).toEqual({
      disposition: 'unexpected-processing-error',
      message: expect.stringMatching(
        /^Unsupported content encryption AES-256-GCM \(2\.16\.840\.1\.101\.3\.4\.1\.46\)/,
      ),
    });
  });
});

describe('CompressedData', () => {
  it('round-trips through zlib, byte for byte', () => {
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    expect(decompressData(createCompressedData(binary)).equals(binary)).toBe(true);
  });

  it('a broken zlib stream: decompression-failed; something else entirely: unexpected-processing-error', () => {
    const compressed = createCompressedData(Buffer.from('x'.repeat(1000)));
    expect(failure(() => decompressData(flipped(compressed, -5))).disposition).toBe('decompression-failed');
    expect(failure(() => decompressData(signedDataContentInfo())).message).toMatch(
      /^Expected CMS CompressedData \(1\.2\.840\.113549\.1\.9\.16\.1\.9\), found content type 1\.2\.840\.113549\.1\.7\.2/,
    );
  });

  it('stops inflating at the size limit', () => {
    const bomb = createCompressedData(Buffer.alloc(1024 * 1024));
    expect(failure(() => decompressData(bomb, 1024)).disposition).toBe('decompression-failed');
  });
});

/** A well-formed ContentInfo that is not CompressedData: SEQUENCE { id-signedData, [0] { SEQUENCE {} } }. */
function signedDataContentInfo(): Buffer {
  const oid = Buffer.from('06092a864886f70d010702', 'hex');
  const inner = Buffer.from('a0023000', 'hex');
  return Buffer.concat([Buffer.from([0x30, oid.length + inner.length]), oid, inner]);
}

describe('PKCS#1 v1.5 key block decoding (the padding Node will not check for us)', () => {
  const key = Buffer.alloc(16, 0xab);
  const block = (edit: (b: Buffer) => void = () => undefined) => {
    const b = Buffer.concat([
      Buffer.from([0x00, 0x02]),
      Buffer.alloc(256 - 3 - 16, 0x5a),
      Buffer.from([0x00]),
      key,
    ]);
    edit(b);
    return b;
  };
  it('gives the key of a well-formed block', () => {
    expect(unpadKeyBlock(block(), 16)).toEqual(key);
  });
  it.each([
    ['a first byte other than 0x00', (b: Buffer) => (b[0] = 1)],
    ['a block type other than 0x02', (b: Buffer) => (b[1] = 1)],
    ['a zero inside the padding', (b: Buffer) => (b[100] = 0)],
    ['no zero before the key', (b: Buffer) => (b[256 - 17] = 7)],
  ])('refuses %s', (_what, edit) => {
    expect(unpadKeyBlock(block(edit), 16)).toBeUndefined();
  });
  it('refuses a key of another length than the cipher needs', () => {
    expect(unpadKeyBlock(block(), 24)).toBeUndefined();
  });
});
