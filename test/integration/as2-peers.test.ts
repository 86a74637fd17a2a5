/**
 * Proves the two AS2 sending partners (pyas2lib 1.4.4 and phax as2-lib 5.1.8, see test/support/as2-peers.ts) against
 * the pyas2lib reference receiver, before the hub's own `POST /as2` exists: every combination of signing, encryption
 * and compression the hub's tests will use, with signed sync and async MDNs that the sending library verifies, and a
 * signed, LF-only XML invoice that must arrive byte for byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInvoice } from '../../domain/signature/sign';
import {
  as2PeersAvailable,
  makeAs2Keys,
  sendAs2,
  startReferenceReceiver,
  type As2Encrypt,
  type As2Keys,
  type As2MdnMode,
  type As2PeerName,
  type As2Sign,
  type ReferenceReceiver,
} from '../support/as2-peers';
import { makeUblInvoice } from '../support/invoice-factory';

const peers = as2PeersAvailable();
const unavailable = peers.pyas2lib && peers.as2lib ? undefined : peers.reason;
if (unavailable) console.warn(`AS2 peer tests skipped: ${unavailable}`);
const describePeers = unavailable ? describe.skip : describe;

interface Security {
  name: string;
  sign: As2Sign;
  encrypt: As2Encrypt;
  compress: boolean;
}
const SECURITY: Security[] = [
  { name: 'signed sha256', sign: 'sha256', encrypt: 'none', compress: false },
  { name: 'encrypted aes128', sign: 'none', encrypt: 'aes128', compress: false },
  { name: 'compressed', sign: 'none', encrypt: 'none', compress: true },
  { name: 'signed sha1 + 3des + compressed', sign: 'sha1', encrypt: '3des', compress: true },
  { name: 'signed sha256 + aes256 + compressed', sign: 'sha256', encrypt: 'aes256', compress: true },
];
const PEERS: As2PeerName[] = ['pyas2lib', 'as2-lib'];
const MDN_MODES: As2MdnMode[] = ['sync', 'async'];
const CASES = PEERS.flatMap((peer) =>
  SECURITY.flatMap((security) => MDN_MODES.map((mdn) => [peer, security.name, mdn, security] as const)),
);

let sequence = 0;
const newMessageId = (peer: As2PeerName) =>
  `${peer}-${process.pid}-${Date.now()}-${++sequence}@as2-peers.test`;

describePeers('real AS2 peers against the pyas2lib reference receiver', () => {
  let dir: string;
  let sender: As2Keys;
  let receiverKeys: As2Keys;
  let stranger: As2Keys;
  let receiver: ReferenceReceiver;
  let invoicePath: string;
  let invoice: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as2-peers-'));
    sender = makeAs2Keys('HUBTEST-SENDER', dir);
    receiverKeys = makeAs2Keys('HUBTEST RECEIVER', dir);
    stranger = makeAs2Keys('STRANGER', dir);
    // A XAdES-signed UBL invoice with LF line ends and Cyrillic text: any CRLF conversion or re-encoding on the way
    // would break both the bytes and the signature.
    const xml = await signInvoice(
      makeUblInvoice({ number: '2026000042', lines: 3, buyerName: 'Купувач ЕООД' }),
      {
        certificatePem: sender.certPem,
        privateKeyPem: sender.keyPem,
      },
    );
    invoice = Buffer.from(xml, 'utf8');
    expect(invoice.includes('\n')).toBe(true);
    expect(invoice.includes('\r')).toBe(false);
    invoicePath = join(dir, 'invoice.xml');
    writeFileSync(invoicePath, invoice);
    receiver = await startReferenceReceiver({
      keys: receiverKeys,
      partnerId: sender.as2Id,
      partnerCert: sender.certPath,
    });
  });

  afterAll(async () => {
    await receiver?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const baseOptions = () => ({
    url: receiver.url,
    as2From: sender.as2Id,
    as2To: receiverKeys.as2Id,
    key: sender.keyPath,
    cert: sender.certPath,
    partnerCert: receiverKeys.certPath,
    payload: invoicePath,
    contentType: 'application/xml',
    timeoutSeconds: 30,
  });

  it.each(CASES)('%s sends %s with a signed %s MDN', async (peer, _name, mdn, security) => {
    const messageId = newMessageId(peer);
    const result = await sendAs2(peer, {
      ...baseOptions(),
      sign: security.sign,
      encrypt: security.encrypt,
      compress: security.compress,
      mdn,
      mdnSigned: true,
      messageId,
    });
    if (result.exitCode !== 0 || result.error !== undefined) {
      throw new Error(
        `${peer} ${security.name} ${mdn}: ${JSON.stringify(result)}\npeer stderr:\n${result.stderr}\n` +
          `receiver stderr:\n${receiver.stderr()}`,
      );
    }
    expect(result).toMatchObject({ peer, messageId, httpStatus: 200 });
    expect(result.mdn).toEqual({
      received: true,
      disposition: 'processed',
      signed: true,
      signatureVerified: true,
      // The reference receiver (pyas2lib) returns a Received-Content-MIC only for signed messages.
      micMatches: security.sign === 'none' ? null : true,
      originalMessageId: messageId,
    });

    const record = receiver.record(messageId);
    expect(record).toMatchObject({
      status: 'processed',
      signed: security.sign !== 'none',
      encrypted: security.encrypt !== 'none',
      compressed: security.compress,
      contentType: 'application/xml',
      mdn: { mode: mdn === 'sync' ? 'SYNC' : 'ASYNC' },
    });
    if (security.sign !== 'none') expect(record?.digestAlg).toBe(security.sign);
    const received = receiver.payload(messageId);
    expect(received).toBeDefined();
    expect(received!.equals(invoice)).toBe(true);
  });

  it.each(PEERS)('%s accepts an unsigned sync MDN when none was asked to be signed', async (peer) => {
    const messageId = newMessageId(peer);
    const result = await sendAs2(peer, { ...baseOptions(), sign: 'sha256', mdn: 'sync', messageId });
    expect({ exitCode: result.exitCode, error: result.error, mdn: result.mdn }).toEqual({
      exitCode: 0,
      error: undefined,
      mdn: {
        received: true,
        disposition: 'processed',
        signed: false,
        signatureVerified: null,
        micMatches: true,
        originalMessageId: messageId,
      },
    });
  });

  it.each(PEERS)('%s refuses a signed MDN that its partner certificate does not verify', async (peer) => {
    const messageId = newMessageId(peer);
    // The receiver signs the MDN with its own key; the sender is told to expect the stranger's certificate.
    const result = await sendAs2(peer, {
      ...baseOptions(),
      partnerCert: stranger.certPath,
      sign: 'sha256',
      mdn: 'sync',
      mdnSigned: true,
      messageId,
    });
    expect(result.exitCode).toBe(1);
    expect(result.httpStatus).toBe(200);
    expect(result.mdn).toMatchObject({ received: true, signed: true, signatureVerified: false });
    expect(result.error).toEqual(expect.any(String));
    // The message itself was fine: the receiver accepted it.
    expect(receiver.payload(messageId)?.equals(invoice)).toBe(true);
  });

  it.each(PEERS)('%s reports decryption-failed for a message the receiver cannot decrypt', async (peer) => {
    const messageId = newMessageId(peer);
    // Encrypted for the stranger's certificate (which then cannot verify a signed MDN: this one is unsigned).
    const result = await sendAs2(peer, {
      ...baseOptions(),
      partnerCert: stranger.certPath,
      encrypt: 'aes128',
      mdn: 'sync',
      messageId,
    });
    expect(result.exitCode).toBe(1);
    expect(result.mdn).toEqual({
      received: true,
      disposition: 'processed/error: decryption-failed',
      signed: false,
      signatureVerified: null,
      micMatches: null,
      originalMessageId: messageId,
    });
    expect(receiver.payload(messageId)).toBeUndefined();
    expect(receiver.refused(messageId)).toEqual([expect.objectContaining({ status: 'processed/Error' })]);
  });

  it.each(PEERS)(
    '%s reports the duplicate-document warning when a message ID is sent again',
    async (peer) => {
      const messageId = newMessageId(peer);
      const options = {
        ...baseOptions(),
        sign: 'sha256' as const,
        mdn: 'sync' as const,
        mdnSigned: true,
        messageId,
      };
      const first = await sendAs2(peer, options);
      expect(first.exitCode).toBe(0);
      const again = await sendAs2(peer, options);
      expect(again.exitCode).toBe(1);
      expect(again.mdn).toMatchObject({
        received: true,
        disposition: 'processed/warning: duplicate-document',
        signatureVerified: true,
        originalMessageId: messageId,
      });
      expect(receiver.refused(messageId)).toHaveLength(1);
      expect(receiver.payload(messageId)?.equals(invoice)).toBe(true);
    },
  );
});
