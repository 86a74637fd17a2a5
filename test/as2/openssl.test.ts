/**
 * OpenSSL as the independent implementation: what this library writes, `openssl cms` / `openssl smime` read; what
 * OpenSSL writes, this library reads. Files pass through a temporary folder.
 */
import { inflateSync } from 'node:zlib';
import {
  As2Error,
  buildAs2Message,
  buildMdn,
  openAs2Message,
  type ContentEncryption,
  type KeyTransport,
} from '../../connectors/as2/protocol';
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
import { parseMimeEntity } from '../../connectors/as2/protocol/mime';
import { identity, opensslHasZlib, opensslPresent, opensslWorkspace, type OpensslWorkspace } from './support';

const describeOpenssl = opensslPresent ? describe : describe.skip;
if (!opensslPresent)
  console.warn('openssl is not installed: the OpenSSL interoperability tests are skipped.');
// Debian's OpenSSL 3 is built without zlib ("unsupported compression algorithm"): CompressedData is then checked by
// round trip and against the Mendelson and Sterling captures only.
const itWithZlib = opensslPresent && opensslHasZlib() ? it : it.skip;
if (opensslPresent && !opensslHasZlib())
  console.warn(
    'This OpenSSL has no zlib: the CompressedData interoperability tests with OpenSSL are skipped.',
  );

/** A payload entity with LF line ends in its content: nothing may convert them. */
const entity = Buffer.from(
  'Content-Type: application/xml\r\nContent-Transfer-Encoding: binary\r\n\r\n<Invoice>\n <ID>7</ID>\n</Invoice>\n',
);

let hub: OwnKeyPair;
let partner: OwnKeyPair;
let openssl: OpensslWorkspace;
beforeAll(async () => {
  [hub, partner] = await Promise.all([identity('hub'), identity('partner')]);
  if (!opensslPresent) return;
  openssl = opensslWorkspace();
  openssl.write('hub.key', hub.privateKeyPem);
  openssl.write('hub.crt', hub.certificatePem);
  openssl.write('partner.key', partner.privateKeyPem);
  openssl.write('partner.crt', partner.certificatePem);
  openssl.write('entity.bin', entity);
});
afterAll(() => openssl?.close());

const trustedPartner = () => readCertificates([partner.certificatePem], 'Partner');

/** `openssl cms -verify` of a DER signature (detached over `content`, or enveloping), certificates not checked. */
const cmsVerify = (signature: string, options: { content?: string; certfile?: string; out: string }) =>
  openssl.run(
    'cms',
    '-verify',
    '-inform',
    'DER',
    '-in',
    signature,
    ...(options.content ? ['-content', options.content] : []),
    '-binary',
    '-noverify',
    ...(options.certfile ? ['-certfile', options.certfile] : []),
    '-out',
    options.out,
  );

/** `openssl cms -decrypt` with the hub's key (and, when given, naming its certificate as the recipient). */
const cmsDecrypt = (input: string, out: string, recipient?: string) =>
  openssl.run(
    'cms',
    '-decrypt',
    '-inform',
    'DER',
    '-in',
    input,
    '-inkey',
    'hub.key',
    ...(recipient ? ['-recip', recipient] : []),
    '-binary',
    '-out',
    out,
  );

describeOpenssl('what we write, OpenSSL reads', () => {
  it.each([
    ['sha1', 'rsa-pkcs1-v1_5'],
    ['sha-256', 'rsa-pkcs1-v1_5'],
    ['sha-384', 'rsa-pkcs1-v1_5'],
    ['sha-512', 'rsa-pkcs1-v1_5'],
    ['sha-256', 'rsassa-pss'],
  ] as const)('openssl cms -verify accepts our detached %s %s signature', (digest, scheme) => {
    openssl.write('signature.der', createSignedData(entity, { ...partner, digest, scheme }));
    cmsVerify('signature.der', { content: 'entity.bin', certfile: 'partner.crt', out: 'verified.bin' });
    expect(openssl.read('verified.bin').equals(entity)).toBe(true);
  });

  it('openssl cms -verify accepts a signature without signed attributes, and an enveloping one', () => {
    openssl.write(
      'noattr.der',
      createSignedData(entity, { ...partner, digest: 'sha-256', signedAttributes: false }),
    );
    cmsVerify('noattr.der', { content: 'entity.bin', out: 'noattr.bin' });
    openssl.write('opaque.der', createSignedData(entity, { ...partner, digest: 'sha-256', detached: false }));
    cmsVerify('opaque.der', { out: 'opaque.bin' });
    expect(openssl.read('opaque.bin').equals(entity)).toBe(true);
  });

  it('openssl cms -verify rejects our signature over a changed byte', () => {
    openssl.write('signature.der', createSignedData(entity, { ...partner, digest: 'sha-256' }));
    openssl.write('changed.bin', Buffer.from(entity.toString().replace('7', '8')));
    expect(() => cmsVerify('signature.der', { content: 'changed.bin', out: 'x.bin' })).toThrow(
      /digest failure|content verify error/,
    );
  });

  it('openssl cms -verify accepts our multipart/signed AS2 message over its exact first part (LF content)', () => {
    const message = buildAs2Message(
      { body: Buffer.from('<Invoice>\n <ID>7</ID>\n</Invoice>\n'), contentType: 'application/xml' },
      { sign: { ...partner, digest: 'sha-256' } },
    );
    const { signedPart, signature } = cutMultipartSigned(message.headers['content-type'], message.body);
    expect(signedPart.equals(entity)).toBe(true);
    openssl.write('part.bin', signedPart);
    openssl.write('part.p7s', signature);
    cmsVerify('part.p7s', { content: 'part.bin', certfile: 'partner.crt', out: 'content.bin' });
    expect(openssl.read('content.bin').equals(entity)).toBe(true);
  });

  it('openssl smime -verify accepts our multipart/signed message with a CRLF payload', () => {
    // OpenSSL's MIME reader rewrites every line end of the signed part to one style (CRLF, or LF with -binary),
    // so it can only check a part whose line ends are uniform; AS2 binary content need not be (see above).
    const message = buildAs2Message(
      { body: Buffer.from('UNB+UNOA:2+A+B\r\nUNZ+1+5\r\n'), contentType: 'application/edi-consent' },
      { sign: { ...partner, digest: 'sha-512' } },
    );
    openssl.write(
      'message.eml',
      Buffer.concat([Buffer.from(`Content-Type: ${message.headers['content-type']}\r\n\r\n`), message.body]),
    );
    openssl.run(
      'smime',
      '-verify',
      '-in',
      'message.eml',
      '-noverify',
      '-certfile',
      'partner.crt',
      '-out',
      'content.bin',
    );
    expect(openssl.read('content.bin').toString()).toContain('UNB+UNOA:2+A+B\r\nUNZ+1+5\r\n');
  });

  it('openssl smime -verify accepts our signed MDN', () => {
    const mdn = buildMdn({
      originalMessageId: '<1@partner>',
      reportingUa: 'hub',
      ourAs2Id: 'hub',
      partnerAs2Id: 'partner',
      disposition: { type: 'processed' },
      mic: { algorithm: 'sha-256', value: 'AAAA' },
      humanText: 'Received.',
      sign: { ...hub, micalg: 'sha-256' },
    });
    openssl.write(
      'mdn.eml',
      Buffer.concat([Buffer.from(`Content-Type: ${mdn.headers['content-type']}\r\n\r\n`), mdn.body]),
    );
    const out = openssl.run(
      'smime',
      '-verify',
      '-in',
      'mdn.eml',
      '-binary',
      '-noverify',
      '-certfile',
      'hub.crt',
    );
    expect(out.toString()).toContain('Disposition: automatic-action/MDN-sent-automatically; processed');
  });

  const ciphers: ContentEncryption[] = ['des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'];
  const transports: KeyTransport[] = ['rsa-pkcs1-v1_5', 'rsa-oaep-sha1', 'rsa-oaep-sha256'];
  it.each(ciphers.flatMap((cipher) => transports.map((transport) => [cipher, transport] as const)))(
    'openssl cms -decrypt reads our %s / %s EnvelopedData',
    (contentEncryption, keyTransport) => {
      openssl.write(
        'enveloped.der',
        createEnvelopedData(entity, readCertificates([hub.certificatePem], 'Hub'), {
          contentEncryption,
          keyTransport,
        }),
      );
      cmsDecrypt('enveloped.der', 'decrypted.bin', 'hub.crt');
      expect(openssl.read('decrypted.bin').equals(entity)).toBe(true);
    },
  );

  it('openssl cms -decrypt then -verify read our signed-then-encrypted AS2 message', () => {
    const message = buildAs2Message(
      { body: Buffer.from('<Invoice>\n <ID>7</ID>\n</Invoice>\n'), contentType: 'application/xml' },
      { sign: { ...partner, digest: 'sha-384' }, encrypt: { certificatePem: hub.certificatePem } },
    );
    openssl.write('as2.der', message.body);
    cmsDecrypt('as2.der', 'signed.eml');
    const decrypted = openssl.read('signed.eml');
    const headerEnd = decrypted.indexOf('\r\n\r\n');
    const { signedPart, signature } = cutMultipartSigned(
      decrypted.subarray(0, headerEnd).toString(),
      decrypted.subarray(headerEnd + 4),
    );
    openssl.write('inner.bin', signedPart);
    openssl.write('inner.p7s', signature);
    cmsVerify('inner.p7s', { content: 'inner.bin', certfile: 'partner.crt', out: 'verified.bin' });
    expect(openssl.read('verified.bin').equals(entity)).toBe(true);
  });

  it('openssl cms -cmsout -print reads our CompressedData as RFC 3274 lays it out (zlib or not)', () => {
    openssl.write('compressed.der', createCompressedData(entity));
    const printed = openssl
      .run('cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'compressed.der')
      .toString();
    expect(printed).toMatch(/contentType: id-smime-ct-compressedData \(1\.2\.840\.113549\.1\.9\.16\.1\.9\)/);
    expect(printed).toMatch(
      /version: 0\s+compressionAlgorithm:\s+algorithm: zlib compression \(1\.2\.840\.113549\.1\.9\.16\.3\.8\)/,
    );
    expect(printed).toMatch(/eContentType: pkcs7-data/);
    // The eContent OpenSSL prints (hex dump lines) inflates to the entity.
    const dump = printed.slice(printed.indexOf('eContent:'));
    const hex = [...dump.matchAll(/^\s+[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){0,15}[0-9a-f]{2})/gm)]
      .map((line) => line[1].replace(/[ -]/g, ''))
      .join('');
    expect(inflateSync(Buffer.from(hex, 'hex')).equals(entity)).toBe(true);
  });

  itWithZlib('openssl cms -uncompress reads our CompressedData', () => {
    openssl.write('compressed.der', createCompressedData(entity));
    const output = openssl.run('cms', '-uncompress', '-inform', 'DER', '-in', 'compressed.der', '-binary');
    expect(output.equals(entity)).toBe(true);
  });
});

describeOpenssl('what OpenSSL writes, we read', () => {
  it.each(['sha1', 'sha256', 'sha384', 'sha512'])(
    'a detached openssl cms -sign -md %s signature verifies',
    (md) => {
      openssl.run(
        'cms',
        '-sign',
        '-in',
        'entity.bin',
        '-signer',
        'partner.crt',
        '-inkey',
        'partner.key',
        '-binary',
        '-md',
        md,
        '-outform',
        'DER',
        '-out',
        `sig-${md}.der`,
      );
      const verified = verifySignedData(openssl.read(`sig-${md}.der`), {
        trusted: trustedPartner(),
        detachedContent: entity,
      });
      expect(verified.digest.node).toBe(md);
    },
  );

  it.each([
    ['opaque (-nodetach)', ['-nodetach']],
    ['without signed attributes (-noattr)', ['-noattr']],
    ['RSASSA-PSS', ['-keyopt', 'rsa_padding_mode:pss']],
    ['naming the signer by subject key identifier (-keyid)', ['-keyid']],
  ])('an openssl cms -sign signature %s verifies', (_name, extra) => {
    const detached = !extra.includes('-nodetach');
    openssl.run(
      'cms',
      '-sign',
      '-in',
      'entity.bin',
      '-signer',
      'partner.crt',
      '-inkey',
      'partner.key',
      '-binary',
      '-outform',
      'DER',
      '-out',
      'sig.der',
      ...extra,
    );
    const verified = verifySignedData(openssl.read('sig.der'), {
      trusted: trustedPartner(),
      detachedContent: detached ? entity : undefined,
    });
    expect(verified.content.equals(entity)).toBe(true);
    expect(verified.scheme).toBe(extra.includes('rsa_padding_mode:pss') ? 'rsassa-pss' : 'rsa-pkcs1-v1_5');
  });

  it('an MD5 signature is refused, naming the digest', () => {
    openssl.run(
      'cms',
      '-sign',
      '-in',
      'entity.bin',
      '-signer',
      'partner.crt',
      '-inkey',
      'partner.key',
      '-binary',
      '-md',
      'md5',
      '-outform',
      'DER',
      '-out',
      'md5.der',
    );
    expect(() =>
      verifySignedData(openssl.read('md5.der'), { trusted: trustedPartner(), detachedContent: entity }),
    ).toThrow(/Unsupported signature digest 1\.2\.840\.113549\.2\.5/);
  });

  it.each([
    ['-aes128', '-aes128', [], 'aes-128-cbc', 'rsa-pkcs1-v1_5'],
    ['-aes256', '-aes256', [], 'aes-256-cbc', 'rsa-pkcs1-v1_5'],
    ['-des3', '-des3', [], 'des-ede3-cbc', 'rsa-pkcs1-v1_5'],
    ['-aes192 with OAEP', '-aes192', ['-keyopt', 'rsa_padding_mode:oaep'], 'aes-192-cbc', 'rsa-oaep-sha1'],
    [
      '-aes128 with OAEP SHA-256',
      '-aes128',
      ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'],
      'aes-128-cbc',
      'rsa-oaep-sha256',
    ],
  ])('openssl cms -encrypt %s decrypts', (_name, cipher, keyOptions, contentEncryption, keyTransport) => {
    openssl.run(
      'cms',
      '-encrypt',
      '-in',
      'entity.bin',
      '-binary',
      '-outform',
      'DER',
      cipher,
      '-recip',
      'hub.crt',
      ...keyOptions,
      '-out',
      'enc.der',
    );
    const decrypted = decryptEnvelopedData(openssl.read('enc.der'), readOwnIdentities([hub]));
    expect(decrypted).toMatchObject({ contentEncryption, keyTransport });
    expect(decrypted.content.equals(entity)).toBe(true);
  });

  it('openssl cms -encrypt -keyid names our certificate by subject key identifier; we find it among two', async () => {
    const other = await identity('hub-next');
    openssl.run(
      'cms',
      '-encrypt',
      '-in',
      'entity.bin',
      '-binary',
      '-outform',
      'DER',
      '-aes256',
      '-keyid',
      '-recip',
      'hub.crt',
      '-out',
      'ski.der',
    );
    const decrypted = decryptEnvelopedData(openssl.read('ski.der'), readOwnIdentities([other, hub]));
    expect(decrypted.recipient.subject).toBe('CN=hub');
  });

  it('an S/MIME message from openssl smime -sign then -encrypt opens as an AS2 message, LF content intact', () => {
    openssl.run(
      'smime',
      '-sign',
      '-in',
      'entity.bin',
      '-signer',
      'partner.crt',
      '-inkey',
      'partner.key',
      '-binary',
      '-md',
      'sha256',
      '-out',
      'signed.eml',
    );
    openssl.run(
      'smime',
      '-encrypt',
      '-in',
      'signed.eml',
      '-binary',
      '-aes-256-cbc',
      '-out',
      'encrypted.eml',
      'hub.crt',
    );
    const message = parseMimeEntity(openssl.read('encrypted.eml'));
    expect(message.headers.get('content-transfer-encoding')).toBe('base64');
    const opened = openAs2Message(
      { headers: message.headers.toRecord(), body: message.body },
      {
        own: [hub],
        partnerCertificates: [partner.certificatePem],
        requireSignature: true,
        requireEncryption: true,
      },
    );
    expect(opened.layers).toEqual(['encrypted', 'signed']);
    expect(opened.payload.body.toString()).toBe('<Invoice>\n <ID>7</ID>\n</Invoice>\n');
    expect(opened.encryption).toMatchObject({
      contentEncryption: 'aes-256-cbc',
      keyTransport: 'rsa-pkcs1-v1_5',
    });
    expect(opened.mic.algorithm).toBe('sha-256');
  });

  itWithZlib('a CompressedData from openssl cms -compress decompresses', () => {
    openssl.run(
      'cms',
      '-compress',
      '-in',
      'entity.bin',
      '-binary',
      '-outform',
      'DER',
      '-out',
      'compressed.der',
    );
    expect(decompressData(openssl.read('compressed.der')).equals(entity)).toBe(true);
  });

  it('a message encrypted by openssl for another certificate: decryption-failed', async () => {
    const stranger = await identity('stranger');
    openssl.write('stranger.crt', stranger.certificatePem);
    openssl.run(
      'cms',
      '-encrypt',
      '-in',
      'entity.bin',
      '-binary',
      '-outform',
      'DER',
      '-aes128',
      '-recip',
      'stranger.crt',
      '-out',
      'other.der',
    );
    expect(() => decryptEnvelopedData(openssl.read('other.der'), readOwnIdentities([hub]))).toThrow(
      expect.objectContaining({ disposition: 'decryption-failed', constructor: As2Error }),
    );
  });
});

/** The two parts of a multipart/signed body cut by hand at the boundary, the signature base64-decoded. */
function cutMultipartSigned(contentType: string, body: Buffer): { signedPart: Buffer; signature: Buffer } {
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1] as string;
  const first = body.indexOf(`--${boundary}\r\n`) + boundary.length + 4;
  const second = body.indexOf(`\r\n--${boundary}\r\n`, first);
  const signaturePart = body.subarray(
    second + boundary.length + 6,
    body.indexOf(`\r\n--${boundary}--`, second),
  );
  const base64 = signaturePart.subarray(signaturePart.indexOf('\r\n\r\n') + 4).toString();
  return { signedPart: body.subarray(first, second), signature: Buffer.from(base64, 'base64') };
}
