import { getInvoice, recordInvoiceEvent } from '../../db/invoices';
import {
  deliverInvoice,
  newIssuer,
  startPortalHarness,
  uniqueEmail,
  type PortalHarness,
} from '../portal/harness';

/**
 * The status an invoice shows follows its latest lifecycle event, whatever order the writes land in: a lifecycle
 * writes a payment's note (status unchanged) and "paid in full" in the same moment, and the note must not put the
 * status back.
 */
let harness: PortalHarness;
beforeAll(async () => {
  harness = await startPortalHarness();
});
afterAll(() => harness?.close());

const at = '2026-12-01T10:00:00.000Z';

describe('invoice events and the status they lead to', () => {
  it('an event written after a later one leaves the later status', async () => {
    const invoice = await deliverInvoice(harness.db, await newIssuer(harness.db), uniqueEmail('events'));
    await recordInvoiceEvent(harness.db, invoice.id, {
      key: '7:paid in full',
      type: 'paid in full',
      status: 'paid',
      at,
    });
    await recordInvoiceEvent(harness.db, invoice.id, {
      key: '6:payment recorded',
      type: 'payment recorded',
      status: 'awaiting view',
      at,
    });
    expect((await getInvoice(harness.db, invoice.id))?.status).toBe('paid');
  });

  it('two events written at once: the later one decides, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const invoice = await deliverInvoice(harness.db, await newIssuer(harness.db), uniqueEmail('events'));
      await Promise.all([
        recordInvoiceEvent(harness.db, invoice.id, {
          key: '6:payment recorded',
          type: 'payment recorded',
          status: 'viewed',
          at,
        }),
        recordInvoiceEvent(harness.db, invoice.id, {
          key: '7:paid in full',
          type: 'paid in full',
          status: 'paid',
          at,
        }),
      ]);
      expect((await getInvoice(harness.db, invoice.id))?.status).toBe('paid');
    }
  });

  it('the next event in order moves the status on, and writing an event again changes nothing', async () => {
    const invoice = await deliverInvoice(harness.db, await newIssuer(harness.db), uniqueEmail('events'));
    const viewed = { key: '6:viewed by recipient', type: 'viewed by recipient', status: 'viewed', at };
    await recordInvoiceEvent(harness.db, invoice.id, viewed);
    expect((await getInvoice(harness.db, invoice.id))?.status).toBe('viewed');
    await recordInvoiceEvent(harness.db, invoice.id, { ...viewed, status: 'paid' });
    expect((await getInvoice(harness.db, invoice.id))?.status).toBe('viewed');
  });
});
