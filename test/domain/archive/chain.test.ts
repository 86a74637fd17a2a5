import { ChainWalk, explainUnanchored, type ChainLink } from '../../../domain/archive/chain';
import {
  GENESIS_LINK,
  fieldDigest,
  fieldDigests,
  linkHash,
  recordDigest,
  recordSpec,
  sha256Hex,
} from '../../../domain/archive/records';
import { compareRecord } from '../../../domain/archive/verify';

/** A chain of `n` view records, linked as the database links them. */
function chainOf(n: number): ChainLink[] {
  const links: ChainLink[] = [];
  let previous = GENESIS_LINK;
  for (let seq = 1; seq <= n; seq++) {
    const fields: ChainLink['fields'] = [
      ['invoice_id', fieldDigest(`invoice-${seq}`)],
      ['ip', null],
    ];
    const recordSha256 = recordDigest('view', String(seq), fields);
    const link = linkHash(previous, recordSha256);
    links.push({
      seq,
      recordType: 'view',
      recordKey: String(seq),
      fields,
      recordSha256,
      previousLink: previous,
      link,
    });
    previous = link;
  }
  return links;
}

function walked(links: ChainLink[]) {
  const walk = new ChainWalk();
  links.forEach((link) => walk.add(link));
  const byHash = new Map(links.map((l) => [l.link, l]));
  return [...walk.breaks, ...explainUnanchored(walk.unanchored, byHash)].map((b) => b.message);
}

describe('the archive chain', () => {
  it('hashes a record and a link exactly as the migration writes them (a vector PostgreSQL wrote)', () => {
    // archive_chain row 2 of a database after 010_archive_integrity.sql: a sent_mail row, chained by its trigger.
    const fields: ChainLink['fields'] = [
      ['invoice_id', fieldDigest('00000000-0000-0000-0000-0000000000a1')],
      ['recipient', fieldDigest('r@x')],
      ['kind', fieldDigest('new-invoice')],
      ['message_id', fieldDigest('<m>')],
      ['created_at', 'db31e2321e0bcd1e5c53318c5be205b9a0a54d712f85350d019ba435d98c4b36'],
    ];
    expect(fields.slice(0, 4).map(([, digest]) => digest)).toEqual([
      '868425aba2aed381a87aa2863a1a873fa639d90c8e4bab2af2fce29a1f92aad3',
      'a1ae6ba43b1daf0f543c11cf3f8e04d9a5381a73dcb8803755d35360fca6c258',
      '83442543862d6aafea16c4bb264438795ddfc290fff97eea627c82812c32f153',
      'b2055db41cf587f82b2ce1074035347a222cb70f524f4eaaceb7718627546324',
    ]);
    const record = recordDigest('mail', 'notify:1', fields);
    expect(record).toBe('802a9cc460726a8f1b6716e33bd89e5ad4cea18df8793bd01b2585c2a6adbf7c');
    expect(linkHash('80439f7d5e7d5e5b7225ec9c89ac847e8d133d33de92297ee38992c4d1638f51', record)).toBe(
      '5af9d76f3b86326927c1eb80813d6d93818d431a3647a12a3413362b8d9cf462',
    );
    expect(recordDigest('view', '42', [['ip', null]])).toBe(
      sha256Hex('einvoice-hub archive record v1\ntype view\nkey 42\nip -\n'),
    );
  });

  it('walks an untouched chain without a break', () => {
    expect(walked(chainOf(5))).toEqual([]);
  });

  it('names a missing link and a range of them', () => {
    const links = chainOf(8);
    expect(walked(links.filter((l) => l.seq !== 3))).toEqual([
      'link 3 missing: the chain goes from link 2 to link 4',
    ]);
    expect(walked(links.filter((l) => l.seq < 4 || l.seq > 6))).toEqual([
      'links 4–6 missing: the chain goes from link 3 to link 7',
    ]);
  });

  it('finds a chain row whose field digests or link hash were edited', () => {
    const links = chainOf(3);
    links[1].fields[0][1] = fieldDigest('another invoice');
    const [first, ...rest] = walked(links);
    expect(first).toMatch(
      /^link 2 \(view 2\): its field digests give record digest [0-9a-f]{16}…, the link says /,
    );
    expect(rest).toEqual([]);
    links[1] = { ...chainOf(3)[1], link: 'f'.repeat(64) };
    expect(walked(links)).toEqual([
      expect.stringMatching(/^link 2 \(view 2\): link hash f{16}… is not the hash of its previous link/),
      expect.stringMatching(/^link 3 \(view 3\): the link it was chained after .* is no longer in the chain/),
    ]);
  });

  it('says which records were reordered when two links swap places', () => {
    const links = chainOf(5);
    const [a, b] = [links[2], links[3]];
    const swapped = [links[0], links[1], { ...b, seq: 3 }, { ...a, seq: 4 }, links[4]];
    expect(walked(swapped)).toEqual([
      'record reordered: link 3 (view 4) was chained after link 4 (view 3), not after link 2',
      'record reordered: link 4 (view 3) was chained after link 2 (view 2), not after link 3',
      'record reordered: link 5 (view 5) was chained after link 3 (view 4), not after link 4',
    ]);
  });

  it('compares a record with its chain entry field by field, and checks its content address', () => {
    const spec = recordSpec('invoice')!;
    const values = {
      original: Buffer.from('<Invoice/>'),
      sha256: sha256Hex('<Invoice/>'),
      model: '{}',
      summary: '{"total": "10.00"}',
      report: '{}',
      archived_at: '2026-12-01T10:00:00.000000Z',
      retain_until: '2036-12-31',
    };
    const chained = { seq: 7, fields: fieldDigests(spec, values) };
    expect(compareRecord(spec, { key: 'i-1', record: { key: 'i-1', values }, chained })).toEqual([]);
    const edited = { ...values, summary: '{"total": "1.00"}', original: Buffer.from('<Invoice />') };
    expect(
      compareRecord(spec, {
        key: 'i-1',
        record: { key: 'i-1', context: '0000000001 (i-1)', values: edited },
        chained,
      }).map((b) => b.message),
    ).toEqual([
      `original of invoice 0000000001 (i-1): SHA-256 now ${sha256Hex('<Invoice />')}, its content address says ${sha256Hex('<Invoice/>')}`,
      `original of invoice 0000000001 (i-1): SHA-256 now ${sha256Hex('<Invoice />')}, chained ${sha256Hex('<Invoice/>')} (link 7)`,
      `summary of invoice 0000000001 (i-1): SHA-256 now ${sha256Hex('{"total": "1.00"}')}, chained ${sha256Hex('{"total": "10.00"}')} (link 7)`,
    ]);
    expect(compareRecord(spec, { key: 'i-1', chained }).map((b) => b.message)).toEqual([
      'invoice i-1 (link 7): gone from invoice_archive, the chain still has it',
    ]);
    expect(compareRecord(spec, { key: 'i-1', record: { key: 'i-1', values } }).map((b) => b.message)).toEqual(
      [
        "invoice i-1: in invoice_archive but not in the chain (its link was removed, or it was written with the chain's trigger off)",
      ],
    );
  });
});
