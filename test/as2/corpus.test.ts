/**
 * Real captures from Mendelson AS2 and IBM Sterling B2Bi (pyas2-lib's fixtures): files this library did not make.
 * Findings about the captures themselves are recorded where they matter (see the MDN and line-end cases).
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { As2Error, openAs2Message, parseMdn, type OpenAs2Options } from '../../connectors/as2/protocol';
import type { OwnKeyPair } from '../../connectors/as2/protocol/cms';
import { splitMultipartSigned } from '../../connectors/as2/protocol/multipart-signed';
import { mimeEntityFromHttp } from '../../connectors/as2/protocol/mime';
import {
  as2CorpusDir,
  as2CorpusPresent,
  corpusFile,
  corpusHubKeyPair,
  identity,
  pem,
  readCapture,
} from './support';

const describeCorpus = as2CorpusPresent ? describe : describe.skip;
if (!as2CorpusPresent)
  console.warn(
    `AS2 interop corpus not found at ${as2CorpusDir} (set INTEROP_CORPUS): AS2 corpus tests skipped.`,
  );

/** Sterling's certificate expired in June 2020; the capture is from January 2018. */
const STERLING_CAPTURED = new Date('2018-01-26T13:48:25Z');

describeCorpus('Mendelson AS2 captures (mecas2_*.as2)', () => {
  let hubKey: OwnKeyPair;
  let options: OpenAs2Options;
  beforeAll(() => {
    hubKey = corpusHubKeyPair();
    options = { own: [hubKey], partnerCertificates: [corpusFile('cert_mecas2_public.pem').toString()] };
  });

  const captures = as2CorpusPresent
    ? fs.readdirSync(as2CorpusDir).filter((name) => /^mecas2_.*\.as2$/.test(name))
    : [];
  const expectedLayers: Record<string, string[]> = {
    'mecas2_compressed.as2': ['signed', 'compressed'],
    'mecas2_compressed_signed_encrypted.as2': ['encrypted', 'signed', 'compressed'],
    'mecas2_encrypted.as2': ['encrypted'],
    'mecas2_signed.as2': ['signed'],
    'mecas2_signed_encrypted.as2': ['encrypted', 'signed'],
  };

  it('finds the five captures', () => {
    expect(captures.sort()).toEqual(Object.keys(expectedLayers).sort());
  });

  it.each(captures)('%s opens with the hub’s PKCS#12 key and yields exactly payload.txt', (name) => {
    const opened = openAs2Message(readCapture(name), options);
    expect(opened.payload.body.equals(corpusFile('payload.txt'))).toBe(true);
    expect(opened.payload.fileName).toBe('payload.txt');
    expect(opened.layers).toEqual(expectedLayers[name]);
    if (opened.encryption)
      expect(opened.encryption).toMatchObject({
        contentEncryption: 'des-ede3-cbc',
        keyTransport: 'rsa-pkcs1-v1_5',
      });
    if (opened.signature) expect(opened.signature.digestAlgorithm).toBe('sha-256');
  });

  it('the signature of mecas2_signed_encrypted.as2 verifies over the raw first part, nothing converted', () => {
    const opened = openAs2Message(readCapture('mecas2_signed_encrypted.as2'), {
      ...options,
      requireSignature: true,
      requireEncryption: true,
    });
    expect(opened.signature?.headerLineEndsRepaired).toBe(false);
  });

  it('mecas2_signed.as2 lost every CR when it was saved; it verifies once its header block is CRLF again, content untouched', () => {
    const capture = readCapture('mecas2_signed.as2');
    expect(capture.body.includes('\r')).toBe(false);
    const opened = openAs2Message(capture, options);
    expect(opened.signature?.headerLineEndsRepaired).toBe(true);
    // Independently: the first part cut by hand, its header lines given CRLF, digested with SHA-256.
    const boundary = '------=_Part_211_306083396.1641304626706';
    const start = capture.body.indexOf(boundary) + boundary.length + 1;
    const part = capture.body.subarray(start, capture.body.indexOf(`\n${boundary}`, start));
    const headerEnd = part.indexOf('\n\n') + 2;
    const signed = Buffer.concat([
      Buffer.from(part.subarray(0, headerEnd).toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
      part.subarray(headerEnd),
    ]);
    expect(opened.mic).toEqual({
      algorithm: 'sha-256',
      value: createHash('sha256').update(signed).digest('base64'),
    });
  });

  it('mecas2_encrypted.as2 carries the bare payload, no MIME header: the HTTP Content-Disposition names it', () => {
    const opened = openAs2Message(readCapture('mecas2_encrypted.as2'), options);
    expect(opened.payload.contentType).toBe('application/octet-stream');
    expect(opened.mic.value).toBe(createHash('sha1').update(corpusFile('payload.txt')).digest('base64'));
  });

  it('a capture encrypted for the corpus key does not open with another key: decryption-failed', async () => {
    const other = await identity('not the corpus key');
    expect(() => openAs2Message(readCapture('mecas2_encrypted.as2'), { ...options, own: [other] })).toThrow(
      expect.objectContaining({ disposition: 'decryption-failed' }),
    );
  });

  it('the Mendelson signature with another partner certificate: authentication-failed', () => {
    expect(() =>
      openAs2Message(readCapture('mecas2_signed_encrypted.as2'), {
        ...options,
        partnerCertificates: [corpusFile('cert_sb2bi_public.pem').toString()],
        at: STERLING_CAPTURED,
      }),
    ).toThrow(expect.objectContaining({ disposition: 'authentication-failed' }));
  });
});

describeCorpus('IBM Sterling B2Bi capture (sb2bi_signed_cmp.msg)', () => {
  it('is an AS2 message: signed (SHA-1, no signed attributes) over a compressed X12 payload; it opens', () => {
    const opened = openAs2Message(readCapture('sb2bi_signed_cmp.msg'), {
      own: [corpusHubKeyPair()],
      partnerCertificates: [corpusFile('cert_sb2bi_public.pem').toString()],
      at: STERLING_CAPTURED,
    });
    expect(opened.layers).toEqual(['signed', 'compressed']);
    expect(opened.signature).toMatchObject({ digestAlgorithm: 'sha1', headerLineEndsRepaired: true });
    expect(opened.payload.contentType).toBe('application/edi-x12');
    expect(opened.payload.body.subarray(0, 4).toString()).toBe('ISA*');
    // The sender asked for signed-receipt-micalg=optional,sha1.
    expect(opened.mic.algorithm).toBe('sha1');
  });
});

describeCorpus('MDN captures', () => {
  it('mecas2_signed.mdn parses; it is signed by the certificate it carries (CN=mecas2), not by cert_mecas2_public.pem', () => {
    const capture = readCapture('mecas2_signed.mdn');
    const withPublished = parseMdn(capture, {
      partnerCertificates: [corpusFile('cert_mecas2_public.pem').toString()],
    });
    expect(withPublished).toMatchObject({
      originalMessageId: '<20161230102456.10748.40759@imac.local>',
      disposition: 'processed',
      mic: { algorithm: 'sha-256', value: 'O4bvrm5t2YunRfwvZicNdEUmPaPZ9vUslX8loVLDck0=' },
      signed: true,
      signatureValid: false,
      signatureProblem: expect.stringMatching(/signed by .*CN=mecas2 \(serial 57710415\)/),
    });
    // That certificate was valid from June 2016 to June 2017; the MDN is from December 2016.
    const carried = carriedCertificates(capture);
    expect(
      parseMdn(capture, { partnerCertificates: carried, at: new Date('2016-12-30T10:24:57Z') }),
    ).toMatchObject({
      signatureValid: true,
    });
  });

  it('sb2bi_signed.mdn parses and verifies with the Sterling certificate', () => {
    expect(
      parseMdn(readCapture('sb2bi_signed.mdn'), {
        partnerCertificates: [corpusFile('cert_sb2bi_public.pem').toString()],
        at: STERLING_CAPTURED,
      }),
    ).toMatchObject({
      originalMessageId: '<151694007918.24690.7052273208458909245@ip-172-31-14-209.ec2.internal>',
      disposition: 'processed',
      mic: { algorithm: 'sha1', value: 'wNh76aEicfBurg/et2wio4zk/2I=' },
      finalRecipient: 'MCLANECOAS2PRD',
      signed: true,
      signatureValid: true,
    });
  });

  it('mecas2_unsigned.mdn is a negative MDN: processed/error: authentication-failed', () => {
    expect(parseMdn(readCapture('mecas2_unsigned.mdn'), { partnerCertificates: [] })).toMatchObject({
      originalMessageId: '<20161230102316.10728.85252@imac.local>',
      disposition: 'error',
      modifier: 'authentication-failed',
      signed: false,
    });
  });
});

describeCorpus('never a crash', () => {
  const files = as2CorpusPresent ? fs.readdirSync(as2CorpusDir).sort() : [];
  let options: OpenAs2Options;
  beforeAll(() => {
    options = {
      own: [corpusHubKeyPair()],
      partnerCertificates: [corpusFile('cert_mecas2_public.pem').toString()],
    };
  });

  it.each(files)('%s handed to openAs2Message gives a result or an As2Error with a reason', (name) => {
    const bytes = fs.readFileSync(path.join(as2CorpusDir, name));
    const deliveries = [
      { headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data' }, body: bytes },
      {
        headers: { 'content-type': 'multipart/signed; boundary="----=_Part_211_306083396.1641304626706"' },
        body: bytes,
      },
    ];
    for (const delivery of deliveries) {
      try {
        openAs2Message(delivery, options);
      } catch (error) {
        expect(error).toBeInstanceOf(As2Error);
        expect((error as As2Error).message.length).toBeGreaterThan(10);
      }
    }
  });
});

/** The certificates a signed MDN carries inside its signature, read with asn1-cms (not with the code under test). */
function carriedCertificates(capture: { headers: Record<string, string>; body: Buffer }): string[] {
  const { signature } = splitMultipartSigned(mimeEntityFromHttp(capture.headers, capture.body));
  const signed = AsnConvert.parse(AsnConvert.parse(signature, ContentInfo).content, SignedData);
  return (signed.certificates ?? [])
    .filter((choice) => choice.certificate)
    .map((choice) => pem('CERTIFICATE', Buffer.from(AsnConvert.serialize(choice.certificate))));
}
