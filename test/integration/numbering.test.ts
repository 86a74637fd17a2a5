import crypto from 'node:crypto';
import { createPool, type Db } from '../../db';
import { issuerNumberingNeighbours, recordReceivedInvoice } from '../../db/invoices';
import { parseInvoice, summarizeInvoice } from '../../domain/invoice';
import { checkNumbering } from '../../domain/rules';
import { lifecycleWorkflowId } from '../../workflows/messages';
import { makeUblInvoice } from '../support/invoice-factory';
import { addTestIssuer, testConfig } from '../support/hub';

/**
 * The numbering check (VAT Act Art. 114) against the issuer's invoices in PostgreSQL: verification asks the store for
 * the invoice with the same number and the number's neighbours in its series, not for every number the issuer ever
 * used, so a utility's millionth invoice costs what its first did.
 */
describe("the issuer's numbering in the store", () => {
  let db: Db;
  let issuerId: string;

  beforeAll(async () => {
    db = createPool(testConfig().databaseUrl as string, 4);
    ({
      issuer: { id: issuerId },
    } = await addTestIssuer(db));
  });
  afterAll(async () => {
    await db?.end();
  });

  /** An invoice of the issuer's in the given state, as the lifecycle leaves it. */
  async function issued(number: string, issueDate: string, status = 'awaiting view'): Promise<string> {
    const original = Buffer.from(
      makeUblInvoice({ number, issueDate, buyerEmail: 'buyer@numbering.example' }),
    );
    const id = crypto.randomUUID();
    await recordReceivedInvoice(db, {
      id,
      issuerId,
      number,
      workflowId: lifecycleWorkflowId(issuerId, number),
      channel: 'api',
      original,
      sha256: crypto.createHash('sha256').update(original).digest('hex'),
      summary: summarizeInvoice(parseInvoice(original)),
    });
    await db.query('update invoices set status = $2 where id = $1', [id, status]);
    return id;
  }

  /** In number order: the store gives no order across its lookups, and the check needs none. */
  const neighbours = async (number: string, except: string = crypto.randomUUID()) =>
    (await issuerNumberingNeighbours(db, issuerId, except, number)).sort((a, b) =>
      a.number < b.number ? -1 : 1,
    );

  beforeAll(async () => {
    // Series 1000…: 1 to 200 with 150 missing, then 205; a rejected 203 and a 204 still being received.
    for (let n = 1; n <= 200; n++) {
      if (n !== 150) await issued(`1000${String(n).padStart(6, '0')}`, '2026-03-02');
    }
    await issued('1000000205', '2026-03-10');
    await issued('1000000203', '2026-03-04', 'rejected');
    await issued('1000000204', '2026-03-04', 'received');
    // Other series and numbers that sort between them as text: none of them is a neighbour.
    await issued('2000000001', '2026-01-05');
    await issued('100000099', '2026-01-05'); // nine digits
    await issued('10000002020', '2026-01-05'); // eleven digits
    await issued('INV-1000000202', '2026-01-05');
  });

  test("a number's neighbours are the closest accepted numbers of its own series, at most three rows", async () => {
    expect(await neighbours('1000000202')).toEqual([
      { number: '1000000200', issueDate: '2026-03-02' },
      { number: '1000000205', issueDate: '2026-03-10' },
    ]);
    expect(await neighbours('1000000150')).toEqual([
      { number: '1000000149', issueDate: '2026-03-02' },
      { number: '1000000151', issueDate: '2026-03-02' },
    ]);
    expect(await neighbours('1000000100')).toEqual([
      { number: '1000000099', issueDate: '2026-03-02' },
      { number: '1000000100', issueDate: '2026-03-02' },
      { number: '1000000101', issueDate: '2026-03-02' },
    ]);
    // The first of a new series has none; a number that is not all digits is only checked for a duplicate.
    expect(await neighbours('3000000001')).toEqual([]);
    expect(await neighbours('INV-1000000202')).toEqual([
      { number: 'INV-1000000202', issueDate: '2026-01-05' },
    ]);
  });

  test('the invoice being verified is not its own duplicate', async () => {
    const id = await issued('5000000001', '2026-03-01', 'received');
    expect(await neighbours('5000000001', id)).toEqual([]);
  });

  test('the findings from the neighbours are those from the whole history', async () => {
    const { rows } = await db.query<{ number: string; issue_date: string }>(
      `select number, summary ->> 'issueDate' as issue_date from invoices
        where issuer_id = $1 and status <> 'rejected' and status <> 'received'`,
      [issuerId],
    );
    const history = rows.map((row) => ({ number: row.number, issueDate: row.issue_date }));
    const cases: [string, string][] = [
      ['1000000202', '2026-03-05'], // a gap after 200 (201 missing)
      ['1000000202', '2026-03-12'], // later than the higher-numbered 205
      ['1000000201', '2026-03-01'], // earlier than the lower-numbered 200
      ['1000000150', '2026-03-02'], // fills the gap
      ['1000000100', '2026-03-02'], // a duplicate
      ['1000000206', '2026-03-11'], // the next number
      ['1000000210', '2026-03-11'], // four missing
      ['2000000003', '2026-03-11'], // one missing in the second series
      ['3000000001', '2026-03-11'], // a new series
      ['INV-1000000202', '2026-03-11'], // a duplicate that is not a number
      ['INV-7', '2026-03-11'],
    ];
    for (const [number, issueDate] of cases) {
      const fromNeighbours = checkNumbering(number, issueDate, await neighbours(number));
      expect({ number, issueDate, findings: fromNeighbours }).toEqual({
        number,
        issueDate,
        findings: checkNumbering(number, issueDate, history),
      });
    }
    // And the cases do find what their comments say.
    const rule = async (number: string, issueDate: string) =>
      checkNumbering(number, issueDate, await neighbours(number)).map((finding) => finding.ruleId);
    expect(await rule('1000000202', '2026-03-05')).toEqual(['BG-NUM-02']);
    expect(await rule('1000000202', '2026-03-12')).toEqual(['BG-NUM-02', 'BG-NUM-03']);
    expect(await rule('1000000100', '2026-03-02')).toEqual(['BG-NUM-01']);
    expect(await rule('1000000206', '2026-03-11')).toEqual([]);
  });
});
