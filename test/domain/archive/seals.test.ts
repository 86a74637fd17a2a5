import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../../../domain/archive/records';
import {
  checkSeals,
  sealDocument,
  sealTimestampDigest,
  signSealDocument,
  type StoredSeal,
} from '../../../domain/archive/seals';
import {
  answerTimeStampRequest,
  issueTimeStampToken,
  newNonce,
  readTimeStampResponse,
  timeStampRequest,
  tstInfoOf,
} from '../../../domain/archive/timestamps';
import { verifyTimeStampToken } from '../../../domain/signature/timestamp';
import {
  LOCAL_TIMESTAMP_UNIT_NAME,
  loadArchiveKeys,
  readArchiveKeys,
  type ArchiveKeys,
} from '../../../platform/archive-keys';

/**
 * Seals and the hub's own timestamp unit without any server: key material made once into a temporary data folder,
 * RFC 3161 tokens that the hub's XAdES timestamp check and OpenSSL's `ts -verify` both accept, and seal checks that
 * name each kind of tampering.
 */
let dataDir: string;
let keys: ArchiveKeys;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-keys-'));
  keys = await loadArchiveKeys(dataDir);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const unit = () => ({
  privateKey: keys.timestampUnit.privateKey,
  certificateDer: keys.timestampUnit.certificateDer,
});
const trust = () => ({
  archiveCertificatePem: keys.archive.certificatePem,
  localUnitCertificatePem: keys.timestampUnit.certificatePem,
  localUnitName: LOCAL_TIMESTAMP_UNIT_NAME,
});

function sealed(seal: number, headSeq: number, headLink: string, previous?: StoredSeal): StoredSeal {
  const facts = {
    seal,
    previousSealSha256: previous?.documentSha256 ?? null,
    headSeq,
    headLink,
    // After the keys were made (their certificates are valid from then on), a minute apart.
    sealedAt: new Date(Math.ceil(Date.now() / 60_000) * 60_000 + seal * 60_000),
  };
  const document = sealDocument(facts);
  const signature = signSealDocument(document, keys.archive.privateKey);
  const token = issueTimeStampToken(
    unit(),
    { digest: sealTimestampDigest(signature) },
    { genTime: facts.sealedAt },
  );
  return {
    ...facts,
    documentSha256: sha256Hex(document),
    signature,
    signerCertificatePem: keys.archive.certificatePem,
    timestampToken: token,
    timestampAuthority: LOCAL_TIMESTAMP_UNIT_NAME,
    timestampTime: facts.sealedAt,
  };
}

describe('the archive key material', () => {
  it('is made once into <data>/archive/, private (0600), and read back the same', async () => {
    const dir = path.join(dataDir, 'archive');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of ['archive-key.pem', 'timestamp-unit.pem'])
      expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    const again = await loadArchiveKeys(dataDir);
    expect(again.archive.certificatePem).toBe(keys.archive.certificatePem);
    expect(readArchiveKeys(dataDir)?.timestampUnit.certificatePem).toBe(keys.timestampUnit.certificatePem);
    expect(keys.timestampUnit.certificate.subject).toBe(`CN=${LOCAL_TIMESTAMP_UNIT_NAME}`);
    expect(readArchiveKeys(path.join(dataDir, 'elsewhere'))).toBeUndefined();
  });
});

describe("the hub's own timestamp unit", () => {
  it('issues RFC 3161 tokens that the hub and OpenSSL verify', () => {
    const data = Buffer.from('the seal signature');
    const digest = sealTimestampDigest(data);
    const token = issueTimeStampToken(unit(), { digest, nonce: newNonce() });
    const outcome = verifyTimeStampToken(token, { what: 'the data', digest: () => digest });
    expect(outcome).toMatchObject({ valid: true, tsa: { subject: `CN=${LOCAL_TIMESTAMP_UNIT_NAME}` } });
    expect(
      verifyTimeStampToken(token, {
        what: 'other data',
        digest: () => sealTimestampDigest(Buffer.from('x')),
      }),
    ).toMatchObject({ valid: false, detail: 'the message imprint does not match other data' });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsa-'));
    fs.writeFileSync(path.join(dir, 'data'), data);
    fs.writeFileSync(path.join(dir, 'token.der'), token);
    fs.writeFileSync(path.join(dir, 'unit.pem'), keys.timestampUnit.certificatePem);
    const openssl = (args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    expect(
      openssl(['ts', '-verify', '-data', 'data', '-in', 'token.der', '-token_in', '-CAfile', 'unit.pem']),
    ).toMatch(/Verification: OK/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a TimeStampReq as a TSA does, and the answer is read back with its nonce checked', () => {
    const digest = sealTimestampDigest(Buffer.from('x'));
    const nonce = newNonce();
    const answer = answerTimeStampRequest(unit(), timeStampRequest(digest, nonce));
    const token = readTimeStampResponse(answer, { digest, nonce });
    expect(Buffer.from(tstInfoOf(token).messageImprint.hashedMessage.buffer)).toEqual(digest);
    expect(() => readTimeStampResponse(answer, { digest, nonce: newNonce() })).toThrow(/nonce/);
    expect(() =>
      readTimeStampResponse(answer, { digest: sealTimestampDigest(Buffer.from('y')), nonce }),
    ).toThrow(/another digest/);
  });
});

describe('seals', () => {
  const head = (n: number) => sha256Hex(`link ${n}`);
  const links = new Map([
    [10, head(10)],
    [25, head(25)],
  ]);

  it('check out when untouched', () => {
    const first = sealed(1, 10, head(10));
    const second = sealed(2, 25, head(25), first);
    expect(checkSeals([first, second], (seq) => links.get(seq), trust())).toEqual([]);
  });

  it('name each kind of tampering', () => {
    const first = sealed(1, 10, head(10));
    const second = sealed(2, 25, head(25), first);
    const messages = (seals: StoredSeal[], at = (seq: number) => links.get(seq)) =>
      checkSeals(seals, at, trust()).map((b) => b.message);

    const flipped = Buffer.from(second.signature);
    flipped[10] ^= 1;
    expect(messages([first, { ...second, signature: flipped }])).toEqual([
      'seal 2 signature invalid: it does not verify over the seal document',
      "seal 2 timestamp invalid: the message imprint does not match the seal's signature",
    ]);
    expect(messages([first, { ...second, headSeq: 24 }])[0]).toMatch(
      /^seal 2: its columns give document digest [0-9a-f]{64}, it was sealed as/,
    );
    expect(messages([second])).toEqual(['seal 1 missing']);
    expect(messages([first, second], (seq) => (seq === 25 ? head(99) : links.get(seq)))).toEqual([
      `seal 2: sealed link 25 as ${head(25)}, the chain now has ${head(99)} (the chain up to it was rewritten)`,
    ]);
    expect(messages([first, second], (seq) => (seq === 25 ? undefined : links.get(seq)))).toEqual([
      'seal 2: the link it sealed (25) is missing from the chain',
    ]);
  });

  it('refuse a seal re-signed with another key, though its signature verifies', async () => {
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'other-keys-'));
    const other = await loadArchiveKeys(otherDir);
    const first = sealed(1, 10, head(10));
    const resigned = {
      ...first,
      signature: signSealDocument(sealDocument(first), other.archive.privateKey),
      signerCertificatePem: other.archive.certificatePem,
    };
    const messages = checkSeals([resigned], (seq) => links.get(seq), trust()).map((b) => b.message);
    expect(messages[0]).toMatch(
      /^seal 1 is signed by CN=E-Invoice Hub archive \(SHA-256 [0-9A-F:]+\), not by this hub's archive key$/,
    );
    fs.rmSync(otherDir, { recursive: true, force: true });
  });
});
