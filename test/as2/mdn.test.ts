import {
  buildAs2Message,
  buildMdn,
  openAs2Message,
  parseDispositionNotificationOptions,
  parseMdn,
  type MdnRequest,
} from '../../connectors/as2/protocol';
import type { OwnKeyPair } from '../../connectors/as2/protocol/cms';
import { flipped, identity } from './support';

let hub: OwnKeyPair;
let partner: OwnKeyPair;
beforeAll(async () => {
  [hub, partner] = await Promise.all([identity('hub'), identity('partner')]);
});

const request = (overrides: Partial<MdnRequest> = {}): MdnRequest => ({
  originalMessageId: '<20260101.1@partner>',
  reportingUa: 'E-Invoice Hub AS2',
  ourAs2Id: 'hub',
  partnerAs2Id: 'partner',
  disposition: { type: 'processed' },
  mic: { algorithm: 'sha-256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' },
  humanText: 'The message was received.\nThank you.',
  ...overrides,
});

describe('Disposition-Notification-Options', () => {
  it('reads importance, protocol and the MIC algorithms in the sender’s order', () => {
    expect(
      parseDispositionNotificationOptions(
        'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=required, MD5, SHA-256, sha1',
      ),
    ).toMatchObject({
      signedReceiptProtocol: { importance: 'optional', values: ['pkcs7-signature'] },
      signedReceiptMicalg: { importance: 'required', values: ['md5', 'sha-256', 'sha1'] },
      signedReceiptRequested: true,
      micAlgorithm: 'sha-256',
    });
  });

  it('reads the spellings senders use (sha256, no importance, quotes, no spaces)', () => {
    expect(
      parseDispositionNotificationOptions(
        'signed-receipt-protocol="pkcs7-signature";signed-receipt-micalg=sha256',
      ).micAlgorithm,
    ).toBe('sha-256');
    expect(parseDispositionNotificationOptions('signed-receipt-micalg=optional,sha1').micAlgorithm).toBe(
      'sha1',
    );
  });

  it('asks for nothing when absent or when only unsupported algorithms are listed', () => {
    expect(parseDispositionNotificationOptions(undefined)).toMatchObject({ signedReceiptRequested: false });
    expect(parseDispositionNotificationOptions(undefined).micAlgorithm).toBeUndefined();
    expect(
      parseDispositionNotificationOptions('signed-receipt-micalg=optional, md5').micAlgorithm,
    ).toBeUndefined();
  });
});

describe('building and reading MDNs', () => {
  it('a signed MDN parses back: signature verified, MIC and Original-Message-ID round-trip', () => {
    const mdn = buildMdn(request({ sign: { ...hub, micalg: 'sha-256' } }));
    expect(mdn.headers).toMatchObject({
      'as2-from': 'hub',
      'as2-to': 'partner',
      'message-id': mdn.messageId,
      'content-type': expect.stringMatching(
        /^multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256; boundary="/,
      ),
    });
    expect(parseMdn(mdn, { partnerCertificates: [hub.certificatePem] })).toMatchObject({
      originalMessageId: '<20260101.1@partner>',
      disposition: 'processed',
      mic: { algorithm: 'sha-256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' },
      dispositionField: 'automatic-action/MDN-sent-automatically; processed',
      reportingUa: 'E-Invoice Hub AS2',
      finalRecipient: 'hub',
      humanText: 'The message was received.\r\nThank you.\r\n',
      signed: true,
      signatureValid: true,
    });
  });

  it('writes the report as RFC 3798 lays it out', () => {
    const body = buildMdn(request()).body.toString();
    expect(body).toMatch(
      /Content-Type: text\/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nThe message was received.\r\nThank you.\r\n/,
    );
    expect(body).toContain(
      'Content-Type: message/disposition-notification\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' +
        'Reporting-UA: E-Invoice Hub AS2\r\nOriginal-Recipient: rfc822; hub\r\nFinal-Recipient: rfc822; hub\r\n' +
        'Original-Message-ID: <20260101.1@partner>\r\n' +
        'Disposition: automatic-action/MDN-sent-automatically; processed\r\n' +
        'Received-Content-MIC: n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=, sha-256\r\n',
    );
  });

  it('an unsigned MDN is multipart/report and says it is unsigned', () => {
    const mdn = buildMdn(request());
    expect(mdn.headers['content-type']).toMatch(
      /^multipart\/report; report-type=disposition-notification; boundary="/,
    );
    expect(parseMdn(mdn, { partnerCertificates: [] })).toMatchObject({
      signed: false,
      disposition: 'processed',
    });
  });

  it.each([
    [
      'error',
      { type: 'error', modifier: 'decryption-failed', text: 'Not encrypted for our certificate.' },
      'processed/error: decryption-failed',
      'Error',
    ],
    [
      'warning',
      { type: 'warning', modifier: 'duplicate-document', text: 'Already received.' },
      'processed/warning: duplicate-document',
      'Warning',
    ],
    [
      'failed',
      { type: 'failed', modifier: 'unsupported format', text: 'No.' },
      'failed/failure: unsupported format',
      'Failure',
    ],
  ] as const)(
    'a negative MDN (%s) carries the modifier and the reason',
    (_type, disposition, field, reasonField) => {
      const mdn = buildMdn(request({ disposition, mic: undefined, sign: { ...hub, micalg: 'sha1' } }));
      expect(mdn.body.toString()).toContain(
        `Disposition: automatic-action/MDN-sent-automatically; ${field}\r\n${reasonField}: ${disposition.text}\r\n`,
      );
      const parsed = parseMdn(mdn, { partnerCertificates: [hub.certificatePem] });
      expect(parsed).toMatchObject({
        disposition: disposition.type,
        modifier: disposition.modifier,
        text: disposition.text,
        signatureValid: true,
      });
      expect(parsed.mic).toBeUndefined();
    },
  );

  it('a changed byte in a signed MDN, or a certificate that is not the signer’s: signatureValid false, with why', () => {
    const mdn = buildMdn(request({ sign: { ...hub, micalg: 'sha-256' } }));
    const tampered = parseMdn(
      { headers: mdn.headers, body: flipped(mdn.body, mdn.body.indexOf('Thank you')) },
      { partnerCertificates: [hub.certificatePem] },
    );
    expect(tampered).toMatchObject({
      signed: true,
      signatureValid: false,
      signatureProblem: expect.stringMatching(/changed after signing/),
    });
    expect(tampered.originalMessageId).toBe('<20260101.1@partner>');
    expect(parseMdn(mdn, { partnerCertificates: [partner.certificatePem] }).signatureProblem).toMatch(
      /signed by CN=hub/,
    );
  });

  it('quotes AS2 names with spaces and adds the angle brackets a bare Original-Message-ID lacks', () => {
    const mdn = buildMdn(request({ ourAs2Id: 'Hub BG', originalMessageId: 'abc@partner' }));
    expect(mdn.headers['as2-from']).toBe('"Hub BG"');
    expect(parseMdn(mdn, { partnerCertificates: [] }).originalMessageId).toBe('<abc@partner>');
  });

  it('end to end: the MIC in our MDN is the one the partner expects for its message', () => {
    const message = buildAs2Message(
      { body: Buffer.from('<Invoice/>\n'), contentType: 'application/xml' },
      {
        sign: { ...partner, digest: 'sha-256' },
        encrypt: { certificatePem: hub.certificatePem },
        compress: true,
        as2From: 'partner',
        as2To: 'hub',
        receipt: { to: 'https://partner.example/as2', signed: { micAlgorithms: ['sha-384'] } },
      },
    );
    const opened = openAs2Message(message, { own: [hub], partnerCertificates: [partner.certificatePem] });
    const options = parseDispositionNotificationOptions(message.headers['disposition-notification-options']);
    const mdn = buildMdn(
      request({
        originalMessageId: message.messageId,
        mic: opened.mic,
        sign: options.micAlgorithm ? { ...hub, micalg: options.micAlgorithm } : undefined,
      }),
    );
    const receipt = parseMdn(mdn, { partnerCertificates: [hub.certificatePem] });
    expect(receipt).toMatchObject({
      originalMessageId: message.messageId,
      mic: message.mic,
      signatureValid: true,
    });
    expect(mdn.headers['content-type']).toContain('micalg=sha-384');
  });
});
