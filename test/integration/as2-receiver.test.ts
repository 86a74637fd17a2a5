/**
 * The hub's AS2 receiver (POST /as2) with real partners: pyas2lib 1.4.4 and phax as2-lib 5.1.8 send signed,
 * encrypted and compressed invoices with sync and async MDNs, and each verifies the hub's signed MDN itself. Edge
 * cases the peers' command lines cannot make (tampering, a resend of the very same bytes, an MDN URL that is down)
 * are crafted with the hub's own AS2 library acting as the partner.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildAs2Message, parseMdn, type BuiltAs2Message } from '../../connectors/as2/protocol';
import { freePort } from '../../embedded/ports';
import { signInvoice } from '../../domain/signature/sign';
import {
  as2PeersAvailable,
  makeAs2Keys,
  sendAs2,
  type As2Encrypt,
  type As2MdnMode,
  type As2PeerName,
  type As2Sign,
} from '../support/as2-peers';
import { addAs2Partner, startAs2Gateway, type As2Gateway, type As2Partner } from '../support/as2-hub';
import { eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';

const peers = as2PeersAvailable();
const missingPeers = peers.pyas2lib && peers.as2lib ? undefined : peers.reason;
if (missingPeers) console.warn(`AS2 interop matrix skipped: ${missingPeers}`);
const describeWithPeers = missingPeers ? describe.skip : describe;

interface Security {
  name: string;
  sign: As2Sign;
  encrypt: As2Encrypt;
  compress: boolean;
}
const MATRIX: Security[] = [
  { name: 'signed (SHA-256)', sign: 'sha256', encrypt: 'none', compress: false },
  { name: 'signed (SHA-1)', sign: 'sha1', encrypt: 'none', compress: false },
  { name: 'encrypted (AES-128)', sign: 'none', encrypt: 'aes128', compress: false },
  { name: 'compressed', sign: 'none', encrypt: 'none', compress: true },
  { name: 'signed SHA-1 + 3DES + compressed', sign: 'sha1', encrypt: '3des', compress: true },
  { name: 'signed SHA-256 + AES-256 + compressed', sign: 'sha256', encrypt: 'aes256', compress: true },
];
const PEERS: As2PeerName[] = ['pyas2lib', 'as2-lib'];
const MDN_MODES: As2MdnMode[] = ['sync', 'async'];

describe("the hub's AS2 receiver", () => {
  let hub: TestHub;
  let gateway: As2Gateway;
  let dir: string;

  beforeAll(async () => {
    hub = await startTestHub({ REMINDER_DELAYS: '1h', AS2_MDN_RETRY_SECONDS: '1' });
    gateway = await startAs2Gateway(hub);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'as2-receiver-'));
  });
  afterAll(async () => {
    await gateway?.close();
    await hub?.stop();
  });

  /** A signed (XAdES) invoice with LF line endings: any byte changed on the way breaks its signature. */
  async function signedInvoiceFile(partner: As2Partner) {
    const number = nextInvoiceNumber();
    const xml = makeUblInvoice({ number, buyerEmail: uniqueEmail('as2') });
    const signed = await signInvoice(xml, {
      privateKeyPem: partner.keys.keyPem,
      certificatePem: partner.keys.certPem,
    });
    const file = path.join(dir, `${number}.xml`);
    fs.writeFileSync(file, signed);
    return { number, file, bytes: fs.readFileSync(file) };
  }

  const invoiceOf = async (issuerId: string, number: string) =>
    (
      await hub.db.query<{ id: string; channel: string; original: Buffer }>(
        'select id, channel, original from invoices where issuer_id = $1 and number = $2',
        [issuerId, number],
      )
    ).rows;

  describeWithPeers('interop matrix with real partners', () => {
    const partners = new Map<As2PeerName, As2Partner>();
    beforeAll(async () => {
      for (const peer of PEERS) {
        partners.set(
          peer,
          await addAs2Partner(hub, `PEER-${peer}-${crypto.randomUUID().slice(0, 6)}`, {
            requireSignature: false, // the matrix includes encrypted-only and compressed-only messages
          }),
        );
      }
    });

    const cases = PEERS.flatMap((peer) =>
      MATRIX.flatMap((security) => MDN_MODES.map((mdn) => [peer, security.name, mdn, security] as const)),
    );
    test.each(cases)('%s: %s, %s signed MDN verified by the sender', async (peer, _name, mdn, security) => {
      const partner = partners.get(peer) as As2Partner;
      const { number, file, bytes } = await signedInvoiceFile(partner);
      const result = await sendAs2(peer, {
        url: gateway.url,
        as2From: partner.keys.as2Id,
        as2To: hub.config.as2.id,
        key: partner.keys.keyPath,
        cert: partner.keys.certPath,
        partnerCert: gateway.hubCertPath,
        payload: file,
        sign: security.sign,
        encrypt: security.encrypt,
        compress: security.compress,
        mdn,
        mdnSigned: true,
        asyncPort: mdn === 'async' ? await freePort() : undefined,
        timeoutSeconds: 60,
      });
      expect({ exitCode: result.exitCode, error: result.error }).toEqual({ exitCode: 0, error: undefined });
      expect(result.mdn).toMatchObject({
        received: true,
        disposition: 'processed',
        signed: true,
        signatureVerified: true,
        // pyas2lib computes a MIC only for what it signed, so it has nothing to compare for an unsigned message.
        micMatches: peer === 'pyas2lib' && security.sign === 'none' ? null : true,
      });
      const invoices = await invoiceOf(partner.issuer.id, number);
      expect(invoices).toHaveLength(1);
      expect(invoices[0].channel).toBe('as2');
      expect(Buffer.compare(invoices[0].original, bytes)).toBe(0); // byte for byte: the XAdES signature holds
    });
  });

  describe('messages crafted with the hub’s AS2 library as the partner', () => {
    let partner: As2Partner;
    beforeAll(async () => {
      partner = await addAs2Partner(hub, `CRAFTED-${crypto.randomUUID().slice(0, 6)}`);
    });

    const craft = (
      body: Buffer,
      options: {
        messageId?: string;
        signedBy?: { keyPem: string; certPem: string };
        encryptTo?: string;
      } = {},
    ) =>
      buildAs2Message(
        { body, contentType: 'application/xml', fileName: 'invoice.xml' },
        {
          as2From: partner.keys.as2Id,
          as2To: hub.config.as2.id,
          messageId: options.messageId,
          sign: {
            privateKeyPem: (options.signedBy ?? partner.keys).keyPem,
            certificatePem: (options.signedBy ?? partner.keys).certPem,
            digest: 'sha-256',
          },
          encrypt: {
            certificatePem: options.encryptTo ?? gateway.hubCertPem,
            contentEncryption: 'aes-128-cbc',
          },
          receipt: { to: 'mailto:as2@partner.example', signed: { micAlgorithms: ['sha-256'] } },
        },
      );
    const post = async (message: Pick<BuiltAs2Message, 'headers' | 'body'>) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: message.headers,
        body: new Uint8Array(message.body),
      });
      const body = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      return { status: response.status, headers, body };
    };
    const mdnOf = (answer: { headers: Record<string, string>; body: Buffer }) =>
      parseMdn(answer, { partnerCertificates: [gateway.hubCertPem] });
    const storedFor = async (messageId: string) => ({
      deliveries: (
        await hub.db.query(`select id from deliveries where delivery_key like $1`, [
          `as2:${partner.keys.as2Id}:${messageId}:%`,
        ])
      ).rows.length,
      messages: (
        await hub.db.query('select 1 from as2_messages where as2_from = $1 and message_id = $2', [
          partner.keys.as2Id,
          messageId,
        ])
      ).rows.length,
    });

    test('a tampered message gets a negative MDN naming the failed check, and nothing is stored', async () => {
      const { bytes } = await signedInvoiceFile(partner);
      const signedOnly = buildAs2Message(
        { body: bytes, contentType: 'application/xml' },
        {
          as2From: partner.keys.as2Id,
          as2To: hub.config.as2.id,
          sign: {
            privateKeyPem: partner.keys.keyPem,
            certificatePem: partner.keys.certPem,
            digest: 'sha-256',
          },
          receipt: { to: 'mailto:as2@partner.example', signed: { micAlgorithms: ['sha-256'] } },
        },
      );
      const tampered = Buffer.from(signedOnly.body);
      const at = tampered.indexOf('<cbc:PayableAmount');
      tampered[at + 40] = tampered[at + 40] === 0x31 ? 0x32 : 0x31; // one digit of the amount
      const answer = await post({ headers: signedOnly.headers, body: tampered });
      expect(answer.status).toBe(200);
      const mdn = mdnOf(answer);
      expect(mdn).toMatchObject({
        originalMessageId: signedOnly.messageId,
        disposition: 'error',
        modifier: 'integrity-check-failed',
        signed: true,
        signatureValid: true,
      });
      expect(await storedFor(signedOnly.messageId)).toEqual({ deliveries: 0, messages: 0 });
    });

    test('a resent Message-ID gets the original MDN and delivers no second invoice', async () => {
      const { number, bytes } = await signedInvoiceFile(partner);
      const message = craft(bytes);
      const first = await post(message);
      expect(mdnOf(first)).toMatchObject({
        disposition: 'processed',
        mic: message.mic,
        signatureValid: true,
      });
      const again = await post(message);
      expect(again.status).toBe(200);
      expect(Buffer.compare(again.body, first.body)).toBe(0);
      expect(again.headers['message-id']).toBe(first.headers['message-id']);
      // Even encrypted afresh (new content key, so new bytes), the same Message-ID is the same message.
      const reEncrypted = await post(craft(bytes, { messageId: message.messageId }));
      expect(Buffer.compare(reEncrypted.body, first.body)).toBe(0);
      const [invoice] = await invoiceOf(partner.issuer.id, number);
      expect(await storedFor(message.messageId)).toEqual({ deliveries: 1, messages: 1 });
      // The issuer API names the channel and the message it came in (the timeline's first event is written by the
      // lifecycle's first step, which may not have run yet when the MDN is back).
      const read = async () =>
        (await (
          await fetch(`${gateway.apiUrl}/invoices/${invoice.id}`, {
            headers: { authorization: `Bearer ${partner.apiKey}` },
          })
        ).json()) as { timeline: unknown[] };
      const body = await eventually(
        async () => {
          const current = await read();
          return current.timeline.length > 0 && current;
        },
        30_000,
        'the received event',
      );
      // Later steps (verified, archived) may have run too; the first event is the one that names the channel.
      expect(body).toMatchObject({ channel: 'as2', delivery: { channel: 'as2', file: 'invoice.xml' } });
      expect(body.timeline[0]).toMatchObject({ type: 'received', detail: { channel: 'as2' } });
    });

    test('a resend after a failed first attempt is accepted', async () => {
      const { number, bytes } = await signedInvoiceFile(partner);
      const stranger = makeAs2Keys('someone-else');
      const wrong = craft(bytes, { encryptTo: stranger.certPem });
      expect(mdnOf(await post(wrong))).toMatchObject({ disposition: 'error', modifier: 'decryption-failed' });
      expect(await storedFor(wrong.messageId)).toEqual({ deliveries: 0, messages: 0 });
      const retry = await post(craft(bytes, { messageId: wrong.messageId }));
      expect(mdnOf(retry)).toMatchObject({ disposition: 'processed', signatureValid: true });
      expect(await invoiceOf(partner.issuer.id, number)).toHaveLength(1);
    });

    test.each([
      ['an unknown partner', 'authentication-failed'],
      ['a signature by another key', 'authentication-failed'],
      ['an unsigned message from a partner who must sign', 'insufficient-message-security'],
      ['the wrong AS2-To', 'unexpected-processing-error'],
      ['a payload that is not an invoice', 'unexpected-processing-error'],
    ])('%s gets a negative MDN (%s) and stores no invoice', async (what, modifier) => {
      const { bytes } = await signedInvoiceFile(partner);
      const stranger = makeAs2Keys('stranger');
      let message: Pick<BuiltAs2Message, 'headers' | 'body'> & { messageId: string };
      if (what === 'an unknown partner') {
        message = craft(bytes);
        message.headers['as2-from'] = 'NOBODY-WE-KNOW';
      } else if (what === 'a signature by another key') {
        message = craft(bytes, { signedBy: stranger });
      } else if (what === 'the wrong AS2-To') {
        message = craft(bytes);
        message.headers['as2-to'] = 'SOMEONE-ELSE';
      } else if (what === 'a payload that is not an invoice') {
        message = craft(Buffer.from('<not-an-invoice/>'));
      } else {
        message = buildAs2Message(
          { body: bytes, contentType: 'application/xml' },
          {
            as2From: partner.keys.as2Id,
            as2To: hub.config.as2.id,
            encrypt: { certificatePem: gateway.hubCertPem },
            receipt: { to: 'mailto:as2@partner.example', signed: { micAlgorithms: ['sha-256'] } },
          },
        );
      }
      const mdn = mdnOf(await post(message));
      expect(mdn).toMatchObject({ disposition: 'error', modifier, signatureValid: true });
      expect(mdn.text?.length).toBeGreaterThan(10);
      expect((await storedFor(message.messageId)).messages).toBe(0);
      const invoices = await hub.db.query(
        `select count(*)::int as n from deliveries where delivery_key like $1 and status <> 'quarantined'`,
        [`as2:%:${message.messageId}:%`],
      );
      expect(invoices.rows[0].n).toBe(0);
    });

    test('an asynchronous MDN the partner cannot take at first is retried by its workflow until it can', async () => {
      const { number, bytes } = await signedInvoiceFile(partner);
      const attempts: number[] = [];
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          attempts.push(Date.now());
          res.statusCode = attempts.length < 3 ? 503 : 200; // down twice, then up
          res.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as { port: number }).port;
      try {
        const message = craft(bytes);
        message.headers['receipt-delivery-option'] = `http://127.0.0.1:${port}/mdn`;
        const answer = await post(message);
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toMatch(/^text\/plain/); // the MDN does not come in the response
        await eventually(
          async () =>
            (
              await hub.db.query(
                'select mdn_delivered_at from as2_messages where message_id = $1 and mdn_delivered_at is not null',
                [message.messageId],
              )
            ).rows.length === 1,
          60_000,
          'the async MDN to be delivered',
        );
        expect(attempts.length).toBe(3);
        expect(await invoiceOf(partner.issuer.id, number)).toHaveLength(1);
      } finally {
        receiver.close();
      }
    });
  });
});
