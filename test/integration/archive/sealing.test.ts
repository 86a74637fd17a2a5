import 'reflect-metadata';
import crypto, { webcrypto } from 'node:crypto';
import http from 'node:http';
import * as x509 from '@peculiar/x509';
import { archiveSealingActivities } from '../../../activities/archive-sealing';
import { answerTimeStampRequest, type TimestampUnit } from '../../../domain/archive/timestamps';
import { ensureArchiveSealing } from '../../../gateway/archive-sealing';
import { deliverInvoice, registeredPerson } from '../../support/dispute-hub';
import { addTestIssuer, eventually, uniqueEmail } from '../../support/hub';
import { breaksOf, editByHand, startArchiveHub, verifyHere, type ArchiveHub } from './archive-hub';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/**
 * The sealing workflow at a one-second interval on a real worker: it seals the chain head once there is something
 * new, each seal naming the one before; nothing new, no seal; a broken chain, no seal at all. With TSA_URL set, the
 * token comes from that TSA (here a stand-in serving RFC 3161 over HTTP).
 */
let hub: ArchiveHub;
const workflowId = `archive-sealing-test-${crypto.randomUUID()}`;

beforeAll(async () => {
  hub = await startArchiveHub({ ARCHIVE_SEAL_INTERVAL: '1s' });
});
afterAll(async () => {
  await hub?.temporal.workflow
    .getHandle(workflowId)
    .terminate('test over')
    .catch(() => undefined); // already terminated by the first test
  await hub?.stop();
});

const seals = async () =>
  (
    await hub.db.query<{
      seal: string;
      head_seq: string;
      previous_seal_sha256: string | null;
      document_sha256: string;
    }>('select seal, head_seq, previous_seal_sha256, document_sha256 from archive_seals order by seal')
  ).rows;
const head = async () =>
  Number((await hub.db.query('select max(seq) as seq from archive_chain')).rows[0].seq);

async function deliverOne() {
  const { issuer } = await addTestIssuer(hub.db);
  const buyer = await registeredPerson(hub, uniqueEmail('buyer'));
  return deliverInvoice(hub, issuer, buyer.email);
}

/** A stand-in TSA: RFC 3161 over HTTP with its own key and certificate. */
async function startTsa(): Promise<{ url: string; close(): Promise<void> }> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = (await webcrypto.subtle.generateKey({ ...algorithm, modulusLength: 2048 }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Time-Stamping Authority',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true)],
  });
  const unit: TimestampUnit = {
    privateKey: crypto.KeyObject.from(keys.privateKey as webcrypto.CryptoKey),
    certificateDer: Buffer.from(certificate.rawData),
    policy: '1.2.3.4.1',
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(answerTimeStampRequest(unit, Buffer.concat(chunks)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/tsa`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('archive sealing', () => {
  it('seals the head at each interval when something is new, each seal naming the one before', async () => {
    await deliverOne();
    await ensureArchiveSealing(hub, workflowId);
    const first = await eventually(
      async () => {
        const all = await seals();
        return all.length === 1 && Number(all[0].head_seq) === (await head()) && all[0];
      },
      20_000,
      'the first seal',
    );
    expect(first.previous_seal_sha256).toBeNull();

    // Nothing new: no seal however many intervals pass.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await seals()).toHaveLength(1);

    await deliverOne();
    // The delivery writes several records over a few moments; under load a seal may fall between them, so the
    // seals after the first are not counted: the newest covers the head, and each names the one before.
    const after = await eventually(
      async () => {
        const all = await seals();
        return all.length >= 2 && Number(all[all.length - 1].head_seq) === (await head()) && all;
      },
      30_000,
      'a seal over the new head',
    );
    expect(Number(after[after.length - 1].head_seq)).toBeGreaterThan(Number(first.head_seq));
    for (let i = 1; i < after.length; i += 1) {
      expect(after[i].previous_seal_sha256).toBe(after[i - 1].document_sha256);
      expect(Number(after[i].head_seq)).toBeGreaterThan(Number(after[i - 1].head_seq));
    }
    // A second start finds the running sealer.
    await ensureArchiveSealing(hub, workflowId);
    expect(breaksOf((await verifyHere(hub)).lines)).toEqual([]);
    // The next tests call the activity themselves.
    await hub.temporal.workflow.getHandle(workflowId).terminate('the next tests seal by hand');
  });

  it('takes its timestamp from TSA_URL when set', async () => {
    const tsa = await startTsa();
    try {
      await deliverOne();
      const outcome = await archiveSealingActivities({
        db: hub.db,
        config: { ...hub.config, archive: { ...hub.config.archive, tsaUrl: tsa.url } },
      }).sealArchive();
      expect(outcome.status).toBe('sealed');
      const { rows } = await hub.db.query('select timestamp_authority from archive_seals where seal = $1', [
        outcome.seal,
      ]);
      expect(rows[0].timestamp_authority).toBe(`TSA at ${tsa.url}: CN=Test Time-Stamping Authority`);
      const report = await verifyHere(hub);
      expect(breaksOf(report.lines)).toEqual([]);
      expect(report.lines[2]).toContain(`TSA at ${tsa.url}: CN=Test Time-Stamping Authority`);
    } finally {
      await tsa.close();
    }
  });

  it('does not seal over a break in the chain', async () => {
    const before = (await seals()).length;
    await deliverOne();
    const last = await head();
    await editByHand(hub, (c) => c.query('delete from archive_chain where seq = $1', [last - 1]));
    const outcome = await archiveSealingActivities(hub).sealArchive();
    expect(outcome).toMatchObject({
      status: 'refused',
      breaks: [expect.stringMatching(/^link \d+ missing/)],
    });
    expect(await seals()).toHaveLength(before);
  });
});
