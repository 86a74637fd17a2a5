import crypto from 'node:crypto';
import type { Db } from '../db';
import { parseInvoice, summarizeInvoice } from '../domain/invoice';
import { makeUblInvoice } from '../test/support/invoice-factory';

const STATUSES = ['awaiting view', 'viewed', 'viewed', 'paid', 'paid', 'paid', 'disputed', 'cancelled'];
const CHANNELS = ['api', 'api', 'sftp', 'as2', 'sftp-pickup'];
const BUYER_NAMES = ['Клиент Консулт ООД', 'Клиент Консулт ООД', 'Klient Consult Ltd'];

export interface SeedOptions {
  invoices: number;
  recipient: string;
  sellerName: string;
  /** The statuses given in turn; by default a mix as a ten-year archive has (paid, viewed, disputed…). */
  statuses?: string[];
  /** First invoice number (10 digits); they run on from there. */
  firstNumber?: number;
}

/**
 * Invoices written as the lifecycle leaves them, straight into PostgreSQL with multi-row inserts: registry row
 * (received, status) and archive entry. Returns the seconds it took.
 */
export async function seedArchive(db: Db, issuerId: string, options: SeedOptions): Promise<number> {
  const N = options.invoices;
  const RECIPIENT = options.recipient;
  const statuses = options.statuses ?? STATUSES;
  const first = options.firstNumber ?? 1_000_000_000;
  const template = makeUblInvoice({
    number: '0000000000',
    issueDate: '2016-01-01',
    buyerEmail: RECIPIENT,
    buyerName: BUYER_NAMES[0],
    sellerName: options.sellerName,
    lines: 3,
  });
  // Parsed once; each invoice is the template with its own number, date and amount (the parser is not what is measured).
  const templateModel = JSON.stringify(parseInvoice(Buffer.from(template, 'utf8')));
  const templateSummary = summarizeInvoice(parseInvoice(Buffer.from(template, 'utf8')));
  const started = performance.now();
  const batch = 2000;
  for (let start = 0; start < N; start += batch) {
    const columns: unknown[][] = Array.from({ length: 10 }, () => []);
    for (let i = start; i < Math.min(N, start + batch); i++) {
      const number = String(first + i);
      // Ten years, newest last; about 27 invoices a day.
      const day = new Date(Date.UTC(2016, 0, 1) + Math.floor((i / N) * 3652) * 86_400_000);
      const issueDate = day.toISOString().slice(0, 10);
      const cents = 1000 + ((i * 7919) % 2_500_000);
      const xml = template.replace(/0000000000/g, number).replace(/2016-01-01/g, issueDate);
      const original = Buffer.from(xml, 'utf8');
      const model = templateModel.replace(/0000000000/g, number).replace(/2016-01-01/g, issueDate);
      const summary = {
        ...templateSummary,
        number,
        issueDate,
        dueDate: issueDate,
        // Amounts across the range, so amount filters select something.
        total: (cents / 100).toFixed(2),
        customer: { ...templateSummary.customer, name: BUYER_NAMES[i % BUYER_NAMES.length] },
      };
      const id = crypto.randomUUID();
      const values = [
        id,
        number,
        `invoice-${issuerId}-${number}`,
        CHANNELS[i % CHANNELS.length],
        original,
        crypto.createHash('sha256').update(original).digest('hex'),
        JSON.stringify(summary),
        statuses[i % statuses.length],
        new Date(day.getTime() + 3_600_000).toISOString(),
        model,
      ];
      values.forEach((value, column) => columns[column].push(value));
    }
    await db.query(
      `with rows as (
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::jsonb[],
                              $8::text[], $9::timestamptz[], $10::jsonb[])
                    as r(id, number, workflow_id, channel, original, sha256, summary, status, received_at, model)),
       registered as (
         insert into invoices (id, issuer_id, number, workflow_id, channel, original, sha256, summary, recipient_email,
                               status, received_at, viewed_at)
         select id, $11, number, workflow_id, channel, original, sha256, summary, $12, status, received_at,
                case when status <> 'awaiting view' then received_at + interval '1 day' end
           from rows returning id)
       insert into invoice_archive (invoice_id, sha256, original, model, summary, report, archived_at, retain_until)
       select r.id, r.sha256, r.original, r.model, r.summary, '{"indication":"TOTAL-PASSED"}', r.received_at,
              make_date(extract(year from r.received_at)::int + 10, 12, 31)
         from rows r join registered g on g.id = r.id`,
      [...columns, issuerId, RECIPIENT],
    );
    if ((start / batch) % 10 === 9) console.log(`  seeded ${start + batch} invoices`);
  }
  await db.query('analyze invoices');
  await db.query('analyze invoice_archive');
  return (performance.now() - started) / 1000;
}
