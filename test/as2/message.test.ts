import {
  As2Error,
  buildAs2Message,
  openAs2Message,
  type As2Disposition,
  type As2Step,
  type BuildAs2Options,
  type BuiltAs2Message,
  type OpenAs2Options,
} from '../../connectors/as2/protocol';
import {
  createCompressedData,
  createEnvelopedData,
  readCertificates,
  type OwnKeyPair,
} from '../../connectors/as2/protocol/cms';
import { decryptEnvelopedData, readOwnIdentities } from '../../connectors/as2/protocol/cms';
import { digest, flipped, identity } from './support';

const LF_XML = Buffer.from('<?xml version="1.0"?>\n<Invoice>\n  <ID>BG-1</ID>\n</Invoice>\n');
const CRLF_TEXT = Buffer.from("UNB+UNOA:2+SENDER+RECEIVER'\r\nUNH+1+INVOIC:D:96A:UN'\r\nUNZ+1+5'\r\n");
const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + (i >> 3)) % 256));

let hub: OwnKeyPair;
let hubNext: OwnKeyPair;
let partner: OwnKeyPair;
let partnerNext: OwnKeyPair;
let stranger: OwnKeyPair;
beforeAll(async () => {
  [hub, hubNext, partner, partnerNext, stranger] = await Promise.all(
    ['hub', 'hub-next', 'partner', 'partner-next', 'stranger'].map(identity),
  );
});

/** The partner's message to the hub. */
function build(
  body: Buffer,
  options: Partial<BuildAs2Options> & { steps?: As2Step[] } = {},
): BuiltAs2Message {
  const steps = options.steps ?? [];
  return buildAs2Message(
    { body, contentType: 'application/xml', fileName: 'invoice.xml' },
    {
      sign: steps.includes('sign') ? { ...partner, digest: 'sha-256' } : undefined,
      encrypt: steps.includes('encrypt') ? { certificatePem: hub.certificatePem } : undefined,
      compress: steps.includes('compress'),
      order: steps,
      as2From: 'partner',
      as2To: 'hub',
      ...options,
    },
  );
}

function open(
  message: { headers: Record<string, string>; body: Buffer },
  options: Partial<OpenAs2Options> = {},
) {
  return openAs2Message(
    { headers: message.headers, body: message.body },
    { own: [hub], partnerCertificates: [partner.certificatePem], ...options },
  );
}

function failure(run: () => unknown): { disposition: As2Disposition; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof As2Error) return { disposition: error.disposition, message: error.message };
    throw error;
  }
  throw new Error('expected an As2Error');
}

/** The payload entity exactly as build writes it, typed out here so the MIC is checked against bytes we know. */
function payloadEntity(body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      'Content-Type: application/xml\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename=invoice.xml\r\n\r\n',
    ),
    body,
  ]);
}

/** The first part of a multipart/signed body, cut by hand at the boundary (not with the library's MIME reader). */
function firstSignedPart(contentType: string, body: Buffer): Buffer {
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1] as string;
  const start = body.indexOf(`--${boundary}\r\n`) + boundary.length + 4;
  return body.subarray(start, body.indexOf(`\r\n--${boundary}`, start));
}

const ORDERS: As2Step[][] = [
  [],
  ['sign'],
  ['encrypt'],
  ['compress'],
  ['sign', 'encrypt'],
  ['encrypt', 'sign'],
  ['compress', 'sign'],
  ['sign', 'compress'],
  ['compress', 'encrypt'],
  ['encrypt', 'compress'],
  ['compress', 'sign', 'encrypt'],
  ['sign', 'compress', 'encrypt'],
  ['compress', 'encrypt', 'sign'],
  ['encrypt', 'compress', 'sign'],
  ['sign', 'encrypt', 'compress'],
  ['encrypt', 'sign', 'compress'],
];

describe('layers in any order', () => {
  const layerName = { sign: 'signed', encrypt: 'encrypted', compress: 'compressed' } as const;

  it.each(
    ORDERS.flatMap((steps) =>
      [LF_XML, CRLF_TEXT, BINARY].map(
        (body, index) =>
          [steps.join(' → ') || 'plain', ['LF', 'CRLF', 'binary'][index], steps, body] as const,
      ),
    ),
  )(
    '%s, %s payload: comes out byte-identical, layers reported outside in, MIC as the sender expects',
    (_name, _kind, steps, body) => {
      const message = build(body, { steps });
      const opened = open(message);
      expect(opened.payload.body.equals(body)).toBe(true);
      expect(opened.layers).toEqual([...steps].reverse().map((step) => layerName[step]));
      expect(opened.compressed).toBe(steps.includes('compress'));
      expect(opened.mic).toEqual(message.mic);
      expect(!!opened.signature).toBe(steps.includes('sign'));
      expect(!!opened.encryption).toBe(steps.includes('encrypt'));
    },
  );

  it('reports the payload entity: content type, file name, its own headers', () => {
    const opened = open(build(LF_XML, { steps: ['compress', 'sign', 'encrypt'] }));
    expect(opened.payload).toMatchObject({
      contentType: 'application/xml',
      fileName: 'invoice.xml',
      headers: { 'content-type': 'application/xml', 'content-transfer-encoding': 'binary' },
    });
  });

  it('undoes base64 transfer encoding of the payload and of the CMS layers', () => {
    const message = buildAs2Message(
      { body: BINARY, contentType: 'application/octet-stream', transferEncoding: 'base64' },
      { encrypt: { certificatePem: hub.certificatePem }, compress: true, cmsTransferEncoding: 'base64' },
    );
    expect(message.body.toString('latin1')).toMatch(/^[A-Za-z0-9+/=\r\n]+$/);
    expect(open(message).payload.body.equals(BINARY)).toBe(true);
  });

  it('opens an enveloping signature (application/pkcs7-mime; smime-type=signed-data)', () => {
    const message = build(LF_XML, {
      steps: ['sign', 'encrypt'],
      sign: { ...partner, digest: 'sha-512', enveloping: true },
    });
    const opened = open(message);
    expect(opened.layers).toEqual(['encrypted', 'signed']);
    expect(opened.payload.body.equals(LF_XML)).toBe(true);
    expect(opened.mic).toEqual({ algorithm: 'sha-512', value: digest('sha512', payloadEntity(LF_XML)) });
  });

  it('refuses a message nesting more layers than any sender writes', () => {
    let entity = payloadEntity(LF_XML);
    for (let i = 0; i < 9; i++)
      entity = Buffer.concat([
        Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\n\r\n'),
        createCompressedData(entity),
      ]);
    const split = entity.indexOf('\r\n\r\n') + 4;
    expect(
      failure(() =>
        open({ headers: { 'content-type': 'application/pkcs7-mime' }, body: entity.subarray(split) }),
      ),
    ).toEqual({
      disposition: 'unexpected-processing-error',
      message: 'The message nests more than 8 S/MIME layers.',
    });
  });
});

describe('the MIC (RFC 4130 §7.3.1, RFC 5402 §4), checked against digests computed here', () => {
  it('signed: over the signed entity, header block included, with the signature’s digest', () => {
    for (const [mic, node] of [
      ['sha1', 'sha1'],
      ['sha-256', 'sha256'],
      ['sha-384', 'sha384'],
      ['sha-512', 'sha512'],
    ] as const) {
      const message = build(LF_XML, { steps: ['sign'], sign: { ...partner, digest: mic } });
      const opened = open(message);
      expect(opened.signature?.digestAlgorithm).toBe(mic);
      expect(opened.mic).toEqual({ algorithm: mic, value: digest(node, payloadEntity(LF_XML)) });
      expect(
        firstSignedPart(message.headers['content-type'], message.body).equals(payloadEntity(LF_XML)),
      ).toBe(true);
    }
  });

  it('compressed, then signed, then encrypted: over the compressed entity that was signed', () => {
    const message = build(CRLF_TEXT, { steps: ['compress', 'sign', 'encrypt'] });
    const decrypted = decryptEnvelopedData(message.body, readOwnIdentities([hub])).content;
    const header = decrypted.subarray(0, decrypted.indexOf('\r\n\r\n'));
    const signedPart = firstSignedPart(header.toString(), decrypted);
    expect(signedPart.toString('latin1')).toMatch(
      /^Content-Type: application\/pkcs7-mime; smime-type=compressed-data/,
    );
    expect(open(message).mic).toEqual({ algorithm: 'sha-256', value: digest('sha256', signedPart) });
  });

  it('encrypted, unsigned: over the decrypted entity with its headers; default algorithm sha1', () => {
    const opened = open(build(CRLF_TEXT, { steps: ['encrypt'] }));
    expect(opened.mic).toEqual({ algorithm: 'sha1', value: digest('sha1', payloadEntity(CRLF_TEXT)) });
  });

  it('compressed and encrypted, unsigned: over the decompressed entity with its headers (RFC 5402 §4.2)', () => {
    const opened = open(build(BINARY, { steps: ['compress', 'encrypt'] }));
    expect(opened.mic.value).toBe(digest('sha1', payloadEntity(BINARY)));
  });

  it('neither signed nor encrypted: over the content without any header', () => {
    expect(open(build(LF_XML)).mic.value).toBe(digest('sha1', LF_XML));
  });

  it('the first signed-receipt-micalg we support wins over the signature’s digest (md5 is skipped)', () => {
    const message = build(LF_XML, {
      steps: ['sign', 'encrypt'],
      receipt: { to: 'https://partner/mdn', signed: { micAlgorithms: ['md5', 'sha-512', 'sha1'] } },
    });
    expect(message.headers['disposition-notification-options']).toBe(
      'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, md5, sha-512, sha1',
    );
    expect(open(message).mic).toEqual({
      algorithm: 'sha-512',
      value: digest('sha512', payloadEntity(LF_XML)),
    });
  });

  it('takes the gateway’s default when the sender neither asks nor signs', () => {
    const opened = open(build(LF_XML, { steps: ['encrypt'] }), { defaultMicAlgorithm: 'sha-256' });
    expect(opened.mic).toEqual({ algorithm: 'sha-256', value: digest('sha256', payloadEntity(LF_XML)) });
  });
});

describe('refusals carry the disposition modifier of the negative MDN', () => {
  it('one flipped byte in the signed content: integrity-check-failed', () => {
    const message = build(LF_XML, { steps: ['sign'] });
    const at = message.body.indexOf('BG-1');
    expect(failure(() => open({ ...message, body: flipped(message.body, at) }))).toEqual({
      disposition: 'integrity-check-failed',
      message: expect.stringMatching(/changed after signing/),
    });
  });

  it('a signature by a key the partner does not have: authentication-failed', () => {
    const message = build(LF_XML, { steps: ['sign', 'encrypt'], sign: { ...stranger, digest: 'sha-256' } });
    expect(failure(() => open(message)).disposition).toBe('authentication-failed');
  });

  it('a message encrypted for another certificate: decryption-failed', () => {
    const message = build(LF_XML, {
      steps: ['sign', 'encrypt'],
      encrypt: { certificatePem: stranger.certificatePem },
    });
    expect(failure(() => open(message)).disposition).toBe('decryption-failed');
  });

  it.each([
    [
      'application/pkcs7-mime; smime-type=enveloped-data',
      Buffer.from('certainly not DER'),
      /^The application\/pkcs7-mime body is not a CMS ContentInfo/,
    ],
    [
      'multipart/signed; protocol="application/pkcs7-signature"; boundary="x"',
      Buffer.from('no parts at all'),
      /does not contain its boundary "x"/,
    ],
    [
      'multipart/signed; boundary="x"',
      Buffer.from('--x\r\n\r\na\r\n--x\r\n\r\nb\r\n--x\r\n\r\nc\r\n--x--\r\n'),
      /exactly two parts; this one has 3/,
    ],
    [
      'multipart/signed; boundary="x"',
      Buffer.from('--x\r\n\r\na\r\n--x\r\nContent-Type: text/plain\r\n\r\nb\r\n--x--\r\n'),
      /second part .* is text\/plain, not application\/pkcs7-signature/,
    ],
  ])('garbage (%s): unexpected-processing-error with a specific reason', (contentType, body, reason) => {
    expect(failure(() => open({ headers: { 'content-type': contentType }, body }))).toEqual({
      disposition: 'unexpected-processing-error',
      message: expect.stringMatching(reason),
    });
  });

  it('encryption required but absent: insufficient-message-security', () => {
    expect(failure(() => open(build(LF_XML, { steps: ['sign'] }), { requireEncryption: true }))).toEqual({
      disposition: 'insufficient-message-security',
      message: 'The agreement requires encrypted messages; this one is not encrypted.',
    });
  });

  it('signature required but absent: insufficient-message-security', () => {
    expect(
      failure(() => open(build(LF_XML, { steps: ['compress', 'encrypt'] }), { requireSignature: true }))
        .disposition,
    ).toBe('insufficient-message-security');
  });

  it('both required and both present: opens', () => {
    const opened = open(build(LF_XML, { steps: ['sign', 'encrypt'] }), {
      requireSignature: true,
      requireEncryption: true,
    });
    expect(opened.payload.body.equals(LF_XML)).toBe(true);
  });
});

describe('certificate rollover', () => {
  it('the partner’s two valid certificates both verify', () => {
    for (const signer of [partner, partnerNext]) {
      const opened = open(build(LF_XML, { steps: ['sign'], sign: { ...signer, digest: 'sha-256' } }), {
        partnerCertificates: [partner.certificatePem, partnerNext.certificatePem],
      });
      expect(opened.signature?.certificatePem).toBe(readCertificates([signer.certificatePem], 'x')[0].pem);
    }
  });

  it('a message encrypted for our previous certificate still opens while both are configured', () => {
    const opened = open(build(LF_XML, { steps: ['encrypt'] }), { own: [hubNext, hub] });
    expect(opened.encryption?.certificatePem).toBe(readCertificates([hub.certificatePem], 'x')[0].pem);
  });
});

describe('line ends are never converted', () => {
  it('a signed part whose header block lost its CRs still verifies, and only the header block is repaired', () => {
    const message = build(LF_XML, { steps: ['sign'] });
    const part = firstSignedPart(message.headers['content-type'], message.body);
    const headerEnd = part.indexOf('\r\n\r\n') + 4;
    const lfHeaders = Buffer.from(
      part.subarray(0, headerEnd).toString('latin1').replace(/\r\n/g, '\n'),
      'latin1',
    );
    const body = Buffer.concat([
      message.body.subarray(0, message.body.indexOf(part)),
      lfHeaders,
      part.subarray(headerEnd),
      message.body.subarray(message.body.indexOf(part) + part.length),
    ]);
    const opened = open({ headers: message.headers, body });
    expect(opened.signature?.headerLineEndsRepaired).toBe(true);
    expect(opened.payload.body.equals(LF_XML)).toBe(true);
    expect(opened.mic).toEqual(message.mic); // over what was signed
  });

  it('content whose LFs were turned into CRLF does not verify: integrity-check-failed', () => {
    const message = build(LF_XML, { steps: ['sign'] });
    const part = firstSignedPart(message.headers['content-type'], message.body);
    const converted = Buffer.from(part.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    const body = Buffer.concat([
      message.body.subarray(0, message.body.indexOf(part)),
      converted,
      message.body.subarray(message.body.indexOf(part) + part.length),
    ]);
    expect(failure(() => open({ headers: message.headers, body })).disposition).toBe(
      'integrity-check-failed',
    );
  });
});

it('content decrypted without any MIME header (as Mendelson sends encrypt-only) is the payload, named by HTTP', () => {
  const enveloped = createEnvelopedData(CRLF_TEXT, readCertificates([hub.certificatePem], 'Hub'));
  const opened = open({
    headers: {
      'content-type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m',
      'content-disposition': 'attachment; filename="orders.edi"',
    },
    body: enveloped,
  });
  expect(opened.payload).toEqual({
    headers: {},
    contentType: 'application/octet-stream',
    fileName: 'orders.edi',
    body: CRLF_TEXT,
  });
  expect(opened.mic.value).toBe(digest('sha1', CRLF_TEXT));
});
