import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { Issuer } from '../../db/issuers';
import type {
  DisputeThread,
  InvoiceDisputes,
  UploadedAttachment,
} from '../../gateway/portal/dispute-contract';
import { cancelInvoiceUpdate, recordPaymentUpdate } from '../../workflows/messages';
import type { PortalVisitor } from '../portal/harness';
import {
  deliverCreditNote,
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  reaches,
  registeredPerson,
  startDisputeHub,
  stateOf,
  type DisputeHub,
} from '../support/dispute-hub';
import { addTestIssuer, eventually, mailsTo, uniqueEmail } from '../support/hub';

/**
 * Disputes end to end below the browser: the portal API on both sides, the invoice's lifecycle on a real worker,
 * the database's record and the e-mails. Each test makes its own issuer, people and invoices.
 */
const FIXTURES = path.resolve(__dirname, '..', 'domain', 'fixtures', 'disputes');
const PNG = fs.readFileSync(path.join(FIXTURES, 'delivery-note.png'));
const PDF = fs.readFileSync(path.join(FIXTURES, 'delivery-note.pdf'));

let hub: DisputeHub;

beforeAll(async () => {
  hub = await startDisputeHub({ DISPUTE_REMINDER_DELAY: '3s' });
});
afterAll(() => hub?.stop());

interface Parties {
  issuer: Issuer;
  recipient: PortalVisitor;
  recipientEmail: string;
  clerk: PortalVisitor;
  clerkEmail: string;
  invoice: { id: string; number: string; workflowId: string };
  issueDate: string;
  recipientBase: string;
  issuerBase: string;
}

/** An issuer with a clerk, a registered recipient, and one invoice between them, delivered and notified. */
async function parties(): Promise<Parties> {
  const { issuer } = await addTestIssuer(hub.db);
  const recipientEmail = uniqueEmail('buyer');
  const person = await registeredPerson(hub, recipientEmail);
  const clerkPerson = await registeredPerson(hub, uniqueEmail('clerk'));
  await makeIssuerMember(hub, issuer.id, clerkPerson.id, 'clerk');
  const { invoice, issueDate } = await deliverInvoice(hub, issuer, person.email);
  return {
    issuer,
    recipient: await loggedIn(hub, person.email),
    recipientEmail: person.email,
    clerk: await loggedIn(hub, clerkPerson.email),
    clerkEmail: clerkPerson.email,
    invoice,
    issueDate,
    recipientBase: `/api/v1/portal/invoices/${invoice.id}/disputes`,
    issuerBase: `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/disputes`,
  };
}

async function openDispute(p: Parties, attachments: string[] = []): Promise<DisputeThread> {
  const answer = await p.recipient.call('POST', p.recipientBase, {
    category: 'wrong-quantity',
    text: 'Line 2: we received 1 pallet, not 3.',
    attachments,
  });
  expect(answer.status).toBe(201);
  return answer.body as DisputeThread;
}

const code = (body: unknown) => (body as { error: { code: string } }).error.code;
const threadText = (thread: DisputeThread) =>
  thread.entries.map(
    (e) => `${e.seq} ${e.kind} ${e.status} ${e.author.side} ${e.author.name} ${e.text ?? ''}`,
  );

describe('a dispute from opening to the credit note that closes it', () => {
  it('opens with a category, text and an attachment; both sides then read the same thread', async () => {
    const p = await parties();
    const uploaded = await p.recipient.sendBytes(
      `${p.recipientBase}/uploads?name=note.pdf`,
      PNG,
      'application/pdf',
    );
    expect(uploaded.status).toBe(201);
    const file = uploaded.body as UploadedAttachment;
    expect(file).toMatchObject({ fileName: 'note.png', contentType: 'image/png', size: PNG.length });

    const opened = await openDispute(p, [file.id]);
    expect(opened).toMatchObject({
      status: 'open',
      category: 'wrong-quantity',
      awaiting: 'issuer',
      actions: ['reply'],
    });
    expect(opened.entries).toHaveLength(1);
    expect(opened.entries[0]).toMatchObject({
      kind: 'opened',
      author: { side: 'recipient', name: p.recipientEmail },
      text: 'Line 2: we received 1 pallet, not 3.',
    });
    expect(opened.entries[0].attachments).toEqual([
      expect.objectContaining({ fileName: 'note.png', contentType: 'image/png', size: PNG.length }),
    ]);

    const asIssuer = await p.clerk.call('GET', `${p.issuerBase}/${opened.id}`);
    expect(asIssuer.status).toBe(200);
    const issuerThread = asIssuer.body as DisputeThread;
    expect(issuerThread.actions).toEqual(['reply', 'decide']);
    expect(threadText(issuerThread)).toEqual(threadText(opened));

    const download = await p.clerk.download(issuerThread.entries[0].attachments[0].url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toContain('note.png');
    expect(download.bytes.equals(PNG)).toBe(true);

    const state = await stateOf(hub, p.invoice.workflowId);
    expect(state.status).toBe('disputed');
    expect(state.disputes[0]).toMatchObject({
      id: opened.id,
      status: 'open',
      category: 'wrong-quantity',
      entries: 1,
    });
  });

  it('goes issuer answers → recipient answers → issuer upholds → a credit note through intake closes it', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const issuerReply = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/messages`, {
      text: 'Our delivery note says 3 pallets. Can you send a photo of what arrived?',
    });
    expect(issuerReply.status).toBe(201);
    expect((issuerReply.body as DisputeThread).awaiting).toBe('recipient');
    const photo = await p.recipient.sendBytes(
      `${p.recipientBase}/uploads?name=pallet.pdf`,
      PDF,
      'application/pdf',
    );
    const recipientReply = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/messages`, {
      text: 'Here is the signed delivery note.',
      attachments: [(photo.body as UploadedAttachment).id],
    });
    expect(recipientReply.status).toBe(201);
    const upheld = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'upheld',
      note: 'You are right; a credit note for 2 pallets follows.',
    });
    expect(upheld.status).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'upheld', awaiting: 'issuer', actions: ['reply'] });
    expect((await stateOf(hub, p.invoice.workflowId)).status).toBe('disputed'); // until the credit note

    const { creditNote } = await deliverCreditNote(hub, p.issuer, p.recipientEmail, [
      { number: p.invoice.number, issueDate: p.issueDate },
    ]);
    const closed = await eventually(async () => {
      const answer = await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`);
      const thread = answer.body as DisputeThread;
      return thread.status === 'closed' && thread;
    });
    expect(closed.entries.map((e) => [e.kind, e.status, e.author.side])).toEqual([
      ['opened', 'open', 'recipient'],
      ['message', 'open', 'issuer'],
      ['message', 'open', 'recipient'],
      ['upheld', 'upheld', 'issuer'],
      ['closed', 'closed', 'issuer'],
    ]);
    expect(closed.entries[4]).toMatchObject({
      author: { side: 'issuer', name: p.issuer.name },
      creditNote: { number: creditNote.number, invoiceId: creditNote.id },
    });
    expect(closed).toMatchObject({ awaiting: null, actions: [], creditNote: { number: creditNote.number } });
    const issuerView = (await p.clerk.call('GET', `${p.issuerBase}/${opened.id}`)).body as DisputeThread;
    expect(threadText(issuerView)).toEqual(threadText(closed));

    const invoiceState = await reaches(hub, p.invoice.workflowId, 'awaiting view');
    expect(invoiceState.disputes[0]).toMatchObject({
      status: 'closed',
      decision: { outcome: 'upheld', creditNoteNumber: creditNote.number },
      creditNote: { invoiceId: creditNote.id, number: creditNote.number },
    });
    expect(invoiceState.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['dispute opened', 'dispute message', 'dispute resolved', 'dispute closed']),
    );
    const creditNoteState = await reaches(hub, creditNote.workflowId, 'awaiting view');
    expect(creditNoteState.timeline.find((e) => e.type === 'corrects invoice')?.detail).toMatchObject({
      number: p.invoice.number,
      invoiceId: p.invoice.id,
      linked: true,
      disputeId: opened.id,
    });

    // One e-mail per entry to the other side: the issuer hears of the opening and the recipient's message, the
    // recipient of the issuer's message, the decision and the closing. Nothing twice, however long we wait.
    const disputeMails = async (address: string) =>
      (await mailsTo(address)).filter(
        (m) => m.subject.includes(p.invoice.number) && /[Dd]ispute/.test(m.subject),
      );
    await eventually(
      async () => (await disputeMails(p.recipientEmail)).length === 3,
      20_000,
      'recipient mails',
    );
    await eventually(async () => (await disputeMails(p.issuer.email)).length === 2, 20_000, 'issuer mails');
    await new Promise((r) => setTimeout(r, 1500));
    const toRecipient = await disputeMails(p.recipientEmail);
    const toIssuer = await disputeMails(p.issuer.email);
    expect(toIssuer.map((m) => m.subject)).toEqual([
      expect.stringMatching(/Invoice disputed/),
      expect.stringMatching(/New dispute message/),
    ]);
    expect(toRecipient.map((m) => m.subject)).toEqual([
      expect.stringMatching(/New dispute message/),
      expect.stringMatching(/Dispute upheld/),
      expect.stringMatching(/Dispute closed/),
    ]);
    expect(toIssuer[0].text).toContain('Line 2: we received 1 pallet, not 3.');
    expect(toIssuer[0].text).toContain(
      `/issuers/${p.issuer.id}/invoices/${p.invoice.id}/disputes/${opened.id}`,
    );
    expect(toRecipient[2].text).toContain(creditNote.number);

    // Both lifecycles replay from their histories (workers restart, caches evict): the dispute code is deterministic.
    for (const workflowId of [p.invoice.workflowId, creditNote.workflowId]) {
      const history = await hub.temporal.workflow.getHandle(workflowId).fetchHistory();
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: process.env.HUB_TEST_WORKFLOW_BUNDLE as string } },
        history,
      );
    }
    expect(toRecipient[2].text).toContain(
      `http://portal.test/invoices/${p.invoice.id}/disputes/${opened.id}`,
    );
  });

  it('a credit note arriving while the dispute is still open closes it as upheld', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const { creditNote } = await deliverCreditNote(hub, p.issuer, p.recipientEmail, [
      { number: p.invoice.number, issueDate: p.issueDate },
    ]);
    await reaches(hub, p.invoice.workflowId, 'awaiting view');
    const thread = (await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`)).body as DisputeThread;
    expect(thread.entries.map((e) => e.kind)).toEqual(['opened', 'closed']);
    expect(thread.creditNote).toEqual({ number: creditNote.number, invoiceId: creditNote.id });
    expect((await stateOf(hub, p.invoice.workflowId)).disputes[0].decision).toMatchObject({
      outcome: 'upheld',
    });
  });
});

describe('rejection and the one reopening', () => {
  it('rejects with the reason, reopens once with a message, and then the rejection stands', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const noReason = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'rejected',
    });
    expect([noReason.status, code(noReason.body)]).toEqual([422, 'REASON_REQUIRED']);

    const rejected = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'rejected',
      note: 'The carrier confirms 3 pallets were signed for.',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', awaiting: 'recipient', reopensLeft: 1 });
    expect((await stateOf(hub, p.invoice.workflowId)).status).toBe('awaiting view');
    const recipientView = (await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`))
      .body as DisputeThread;
    expect(recipientView.actions).toEqual(['reopen']);

    const replyInstead = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/messages`, {
      text: 'No!',
    });
    expect([replyInstead.status, code(replyInstead.body)]).toEqual([409, 'DISPUTE_NOT_OPEN']);
    const another = await p.recipient.call('POST', p.recipientBase, { category: 'other', text: 'Again' });
    expect([another.status, code(another.body)]).toEqual([409, 'DISPUTE_REJECTED']);

    const reopened = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/reopen`, {
      text: 'The signature on the delivery note is not ours; see the attached photo.',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', reopensLeft: 0, awaiting: 'issuer' });
    expect((await stateOf(hub, p.invoice.workflowId)).status).toBe('disputed');

    await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'rejected',
      note: 'We checked again with the carrier.',
    });
    const twice = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/reopen`, {
      text: 'Please!',
    });
    expect([twice.status, code(twice.body)]).toEqual([409, 'ALREADY_REOPENED']);
    const final = (await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`)).body as DisputeThread;
    expect(final.entries.map((e) => `${e.kind}:${e.status}`)).toEqual([
      'opened:open',
      'rejected:rejected',
      'reopened:open',
      'rejected:rejected',
    ]);
    expect(final.entries[1].text).toBe('The carrier confirms 3 pallets were signed for.');
    expect(final).toMatchObject({ actions: [], awaiting: null, reopensLeft: 0 });
  });
});

describe('every refusal is answered, and none enters the workflow history', () => {
  it('refuses what the rules forbid, with a code and a reason', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const cases: [string, PortalVisitor, string, unknown, number, string][] = [
      [
        'a second dispute while one is open',
        p.recipient,
        p.recipientBase,
        { category: 'duplicate', text: 'x' },
        409,
        'DISPUTE_ACTIVE',
      ],
      [
        'a whitespace message',
        p.recipient,
        `${p.recipientBase}/${opened.id}/messages`,
        { text: '   ' },
        422,
        'TEXT_REQUIRED',
      ],
      [
        'an empty message',
        p.clerk,
        `${p.issuerBase}/${opened.id}/messages`,
        { text: '' },
        400,
        'INVALID_REQUEST',
      ],
      [
        'an unknown category',
        p.recipient,
        p.recipientBase,
        { category: 'too-expensive', text: 'x' },
        400,
        'INVALID_REQUEST',
      ],
      [
        'an unknown outcome',
        p.clerk,
        `${p.issuerBase}/${opened.id}/decision`,
        { outcome: 'maybe' },
        400,
        'INVALID_REQUEST',
      ],
      [
        'reopening an open dispute',
        p.recipient,
        `${p.recipientBase}/${opened.id}/reopen`,
        { text: 'x' },
        409,
        'NOT_REJECTED',
      ],
      [
        'a message over 4000 characters',
        p.recipient,
        `${p.recipientBase}/${opened.id}/messages`,
        { text: 'я'.repeat(4001) },
        400,
        'INVALID_REQUEST',
      ],
      [
        'six attachments',
        p.recipient,
        `${p.recipientBase}/${opened.id}/messages`,
        { text: 'x', attachments: Array.from({ length: 6 }, () => crypto.randomUUID()) },
        400,
        'INVALID_REQUEST',
      ],
      [
        'an attachment never uploaded',
        p.recipient,
        `${p.recipientBase}/${opened.id}/messages`,
        { text: 'x', attachments: [crypto.randomUUID()] },
        422,
        'UPLOAD_NOT_FOUND',
      ],
      [
        'an unknown dispute',
        p.clerk,
        `${p.issuerBase}/${crypto.randomUUID()}/messages`,
        { text: 'x' },
        404,
        'DISPUTE_NOT_FOUND',
      ],
    ];
    for (const [what, visitor, url, body, status, errorCode] of cases) {
      const answer = await visitor.call('POST', url, body);
      expect({ what, status: answer.status, code: code(answer.body) }).toEqual({
        what,
        status,
        code: errorCode,
      });
    }
    // The recipient cannot decide: there is no decision endpoint on the recipient side.
    const decide = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/decision`, {
      outcome: 'upheld',
    });
    expect(decide.status).toBe(404);
    // Somebody else's upload is refused like a missing one.
    const other = await parties();
    const theirs = await other.recipient.sendBytes(
      `${other.recipientBase}/uploads?name=a.png`,
      PNG,
      'image/png',
    );
    const borrowed = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/messages`, {
      text: 'x',
      attachments: [(theirs.body as UploadedAttachment).id],
    });
    expect([borrowed.status, code(borrowed.body)]).toEqual([422, 'UPLOAD_NOT_FOUND']);

    // Upheld, then closed: no decision twice, no messages after closing.
    await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, { outcome: 'upheld' });
    const again = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'rejected',
      note: 'x',
    });
    expect([again.status, code(again.body)]).toEqual([409, 'DISPUTE_NOT_OPEN']);
    await deliverCreditNote(hub, p.issuer, p.recipientEmail, [
      { number: p.invoice.number, issueDate: p.issueDate },
    ]);
    await eventually(async () => (await stateOf(hub, p.invoice.workflowId)).disputes[0]?.status === 'closed');
    const late = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/messages`, {
      text: 'Thanks',
    });
    expect([late.status, code(late.body)]).toEqual([409, 'DISPUTE_CLOSED']);

    // Accepted updates: open, upheld, and the credit note's; the refused ones left no trace.
    const history = await hub.temporal.workflow.getHandle(p.invoice.workflowId).fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const names = accepted.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    expect(names).toEqual(['openDispute', 'resolveDispute', 'recordCreditNote']);
  });

  it('two decisions sent at once: one is recorded, the other refused, and the lifecycle goes on', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const decide = (outcome: string) =>
      p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, { outcome, note: `Decided: ${outcome}` });
    const answers = await Promise.all([decide('upheld'), decide('rejected'), decide('upheld')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    expect(answers.filter((a) => a.status === 409).map((a) => code(a.body))).toEqual([
      'DISPUTE_NOT_OPEN',
      'DISPUTE_NOT_OPEN',
    ]);
    const thread = (await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`)).body as DisputeThread;
    expect(thread.entries.map((e) => e.kind).filter((k) => k === 'upheld' || k === 'rejected')).toHaveLength(
      1,
    );
    // The lifecycle still takes work: a message after the decision is recorded.
    const after = await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/messages`, { text: 'Noted.' });
    expect([200, 201, 409]).toContain(after.status);
    expect((await stateOf(hub, p.invoice.workflowId)).disputes[0].entries).toBe(after.status === 201 ? 3 : 2);
  });

  it('refuses attachments by what they contain, whatever their name or declared type', async () => {
    const p = await parties();
    const send = (bytes: Uint8Array, name: string, type: string) =>
      p.recipient.sendBytes(`${p.recipientBase}/uploads?name=${encodeURIComponent(name)}`, bytes, type);
    const html = await send(
      Buffer.from('<!doctype html><script>alert(1)</script>'),
      'photo.png',
      'image/png',
    );
    expect(html.status).toBe(422);
    expect(html.body).toMatchObject({
      error: { code: 'ATTACHMENT_REFUSED', refusal: 'NOT_ALLOWED', found: 'html' },
    });
    const zip = await send(
      Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00rest of an archive'),
      'scan.pdf',
      'application/pdf',
    );
    expect(zip.body).toMatchObject({ error: { code: 'ATTACHMENT_REFUSED', found: 'zip' } });
    const big = await send(Buffer.alloc(5 * 1024 * 1024 + 1, 0x20), 'big.pdf', 'application/pdf');
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: { code: 'ATTACHMENT_TOO_LARGE' } });
    expect((big.body as { error: { message: string } }).error.message).toMatch(/5 MiB/);
    const renamed = await send(PDF, 'Стокова разписка.jpg', 'image/jpeg');
    expect(renamed.status).toBe(201);
    expect(renamed.body).toMatchObject({ fileName: 'Стокова разписка.pdf', contentType: 'application/pdf' });
    // Files wait for their message, but not without limit: 20 per person and invoice (the renamed PDF is one).
    for (let n = 1; n < 20; n++) expect((await send(PNG, `page-${n}.png`, 'image/png')).status).toBe(201);
    const tooMany = await send(PNG, 'page-21.png', 'image/png');
    expect([tooMany.status, code(tooMany.body)]).toEqual([429, 'TOO_MANY_UPLOADS']);
    const declared = await send(PNG, 'x.png', 'text/html');
    expect(declared.status).toBe(415); // the API document lists the types an upload may be sent as
  });
});

describe('who may do what', () => {
  it('answers a stranger, another recipient and another issuer exactly as for a missing invoice', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const stranger = await loggedIn(hub, (await registeredPerson(hub)).email);
    const { issuer: otherIssuer } = await addTestIssuer(hub.db);
    const otherClerkPerson = await registeredPerson(hub);
    await makeIssuerMember(hub, otherIssuer.id, otherClerkPerson.id, 'admin');
    const otherClerk = await loggedIn(hub, otherClerkPerson.email);
    const attachmentless = `${p.recipientBase}/${opened.id}`;
    for (const [visitor, method, url, body] of [
      [stranger, 'GET', p.recipientBase, undefined],
      [stranger, 'GET', attachmentless, undefined],
      [stranger, 'POST', p.recipientBase, { category: 'other', text: 'mine now' }],
      [stranger, 'POST', `${attachmentless}/messages`, { text: 'hello' }],
      [stranger, 'GET', p.issuerBase, undefined],
      [otherClerk, 'GET', `${p.issuerBase}/${opened.id}`, undefined],
      [otherClerk, 'POST', `${p.issuerBase}/${opened.id}/decision`, { outcome: 'upheld' }],
      [otherClerk, 'GET', `/api/v1/portal/issuers/${p.issuer.id}/disputes`, undefined],
      // The recipient is not the issuer's member: the issuer side of the same invoice is not theirs.
      [p.recipient, 'GET', `${p.issuerBase}/${opened.id}`, undefined],
      [p.recipient, 'POST', `${p.issuerBase}/${opened.id}/decision`, { outcome: 'upheld' }],
      // The clerk works for the issuer, not for the recipient: the recipient side is not theirs.
      [p.clerk, 'POST', `${attachmentless}/reopen`, { text: 'x' }],
      [p.clerk, 'POST', p.recipientBase, { category: 'other', text: 'x' }],
    ] as [PortalVisitor, string, string, unknown][]) {
      const answer = await visitor.call(method, url, body);
      expect({ url, method, status: answer.status }).toEqual({ url, method, status: 404 });
    }
    const anonymous = new (p.recipient.constructor as new (base: string) => PortalVisitor)(hub.baseUrl);
    expect((await anonymous.call('GET', p.recipientBase)).status).toBe(401);
    expect((await anonymous.call('GET', p.issuerBase)).status).toBe(401);
  });

  it('lets a colleague the address is shared with act for the recipient, and an issuer admin decide', async () => {
    const p = await parties();
    const colleaguePerson = await registeredPerson(hub);
    const owner = await hub.db.query<{ id: string }>('select id from users where lower(email) = lower($1)', [
      p.recipientEmail,
    ]);
    await hub.db.query('insert into address_shares (address, user_id, shared_by) values ($1, $2, $3)', [
      p.recipientEmail,
      colleaguePerson.id,
      owner.rows[0].id,
    ]);
    const colleague = await loggedIn(hub, colleaguePerson.email);
    const opened = await colleague.call('POST', p.recipientBase, {
      category: 'not-ours',
      text: 'Not our order.',
    });
    expect(opened.status).toBe(201);
    const thread = opened.body as DisputeThread;
    expect(thread.entries[0].author).toEqual({ side: 'recipient', name: colleaguePerson.email });

    const adminPerson = await registeredPerson(hub);
    await makeIssuerMember(hub, p.issuer.id, adminPerson.id, 'admin');
    const admin = await loggedIn(hub, adminPerson.email);
    const decided = await admin.call('POST', `${p.issuerBase}/${thread.id}/decision`, {
      outcome: 'rejected',
      note: 'The order was placed by your purchasing department.',
    });
    expect(decided.status).toBe(200);
    // The colleague who opened it hears of the decision, and so does the invoice's own address.
    await eventually(async () =>
      (await mailsTo(colleaguePerson.email)).some((m) => /Dispute rejected/.test(m.subject)),
    );
    await eventually(async () =>
      (await mailsTo(p.recipientEmail)).some((m) => /Dispute rejected/.test(m.subject)),
    );
    const reopened = await p.recipient.call('POST', `${p.recipientBase}/${thread.id}/reopen`, {
      text: 'Who placed it?',
    });
    expect(reopened.status).toBe(200);

    const list = await p.clerk.call('GET', `/api/v1/portal/issuers/${p.issuer.id}/disputes?status=open`);
    expect((list.body as { disputes: { id: string }[] }).disputes.map((d) => d.id)).toEqual([thread.id]);
    const none = await p.clerk.call('GET', `/api/v1/portal/issuers/${p.issuer.id}/disputes?status=closed`);
    expect((none.body as { disputes: unknown[] }).disputes).toEqual([]);
    const invoiceList = (await p.recipient.call('GET', p.recipientBase)).body as InvoiceDisputes;
    expect(invoiceList).toMatchObject({ canOpen: false, openRefusal: { code: 'DISPUTE_ACTIVE' } });
  });
});

describe('reminders, credit notes without a dispute, and the record', () => {
  it('reminds the issuer of an unanswered dispute after DISPUTE_REMINDER_DELAY, three times at most', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const reminders = async () =>
      (await mailsTo(p.issuer.email)).filter((m) => /Reminder: unanswered dispute/.test(m.subject));
    const started = Date.now();
    await eventually(async () => (await reminders()).length >= 1, 15_000, 'first reminder');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // the delay is 3 s from the opening
    await eventually(async () => (await reminders()).length >= 3, 20_000, 'three reminders');
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await reminders()).toHaveLength(3);
    expect((await reminders())[0].text).toContain(
      `/issuers/${p.issuer.id}/invoices/${p.invoice.id}/disputes/${opened.id}`,
    );
    const state = await stateOf(hub, p.invoice.workflowId);
    expect(state.timeline.filter((e) => e.type === 'dispute reminder sent')).toHaveLength(3);
    const history = await hub.temporal.workflow.getHandle(p.invoice.workflowId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.HUB_TEST_WORKFLOW_BUNDLE as string } },
      history,
    );
  });

  it('sends no reminder once the issuer has answered in time', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/messages`, { text: 'Looking into it.' });
    await new Promise((r) => setTimeout(r, 4_500));
    const reminders = (await mailsTo(p.issuer.email)).filter((m) => /Reminder/.test(m.subject));
    expect(reminders).toHaveLength(0);
  });

  it('a credit note that arrives before any dispute is recorded on the invoice and closes nothing', async () => {
    const p = await parties();
    const { creditNote } = await deliverCreditNote(hub, p.issuer, p.recipientEmail, [
      { number: p.invoice.number, issueDate: p.issueDate },
    ]);
    const creditNoteState = await reaches(hub, creditNote.workflowId, 'awaiting view');
    expect(creditNoteState.timeline.find((e) => e.type === 'corrects invoice')?.detail).toMatchObject({
      number: p.invoice.number,
      linked: false,
      reason: expect.stringMatching(/no dispute/),
    });
    const invoiceState = await stateOf(hub, p.invoice.workflowId);
    expect(invoiceState.creditNotes).toEqual([
      expect.objectContaining({ id: creditNote.id, number: creditNote.number }),
    ]);
    expect(invoiceState.timeline.map((e) => e.type)).toContain('credit note received');
    // A dispute opened later is its own matter: the earlier credit note does not close it.
    const opened = await openDispute(p);
    expect(opened.status).toBe('open');
  });

  it('a credit note naming an invoice the hub does not know says so in its own timeline', async () => {
    const p = await parties();
    const { creditNote } = await deliverCreditNote(hub, p.issuer, p.recipientEmail, [
      { number: '9999999999', issueDate: '2026-01-05' },
    ]);
    const state = await reaches(hub, creditNote.workflowId, 'awaiting view');
    expect(state.timeline.find((e) => e.type === 'corrects invoice')?.detail).toEqual({
      number: '9999999999',
      linked: false,
      reason: 'unknown invoice',
    });
  });

  it('keeps the history append-only: the database refuses to change or delete an entry', async () => {
    const p = await parties();
    const uploaded = await p.recipient.sendBytes(`${p.recipientBase}/uploads?name=n.png`, PNG, 'image/png');
    const opened = await openDispute(p, [(uploaded.body as UploadedAttachment).id]);
    const entryId = opened.entries[0].id;
    await expect(
      hub.db.query("update dispute_entries set text = 'edited' where id = $1", [entryId]),
    ).rejects.toThrow(/append-only/);
    await expect(hub.db.query('delete from dispute_entries where id = $1', [entryId])).rejects.toThrow(
      /append-only/,
    );
    await expect(
      hub.db.query("update disputes set category = 'other' where id = $1", [opened.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      hub.db.query("update dispute_attachments set file_name = 'x.png' where entry_id = $1", [entryId]),
    ).rejects.toThrow(/append-only/);
    await expect(hub.db.query('truncate dispute_entries cascade')).rejects.toThrow(/append-only/);
    const kept = await hub.db.query('select text from dispute_entries where id = $1', [entryId]);
    expect(kept.rows[0].text).toBe('Line 2: we received 1 pallet, not 3.');
    // The upload moved into the record: nothing is left staged.
    const staged = await hub.db.query('select 1 from dispute_uploads where id = $1', [
      (uploaded.body as UploadedAttachment).id,
    ]);
    expect(staged.rowCount).toBe(0);
  });

  it('a dispute under way holds a fully paid invoice open until it ends', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    const handle = hub.temporal.workflow.getHandle(p.invoice.workflowId);
    const state = await stateOf(hub, p.invoice.workflowId);
    await handle.executeUpdate(recordPaymentUpdate, {
      args: [{ paymentId: 'p1', amount: state.summary?.total ?? '0', currency: 'EUR', paidAt: '2026-11-30' }],
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await p.clerk.call('POST', `${p.issuerBase}/${opened.id}/decision`, {
      outcome: 'rejected',
      note: 'Paid, so settled.',
    });
    const result = await handle.result();
    expect(result.status).toBe('paid');
    const late = await p.recipient.call('POST', `${p.recipientBase}/${opened.id}/reopen`, { text: 'But…' });
    expect([late.status, code(late.body)]).toEqual([409, 'INVOICE_CLOSED']);
  });

  it('cancelling the invoice closes its dispute with an entry saying so', async () => {
    const p = await parties();
    const opened = await openDispute(p);
    await hub.temporal.workflow.getHandle(p.invoice.workflowId).executeUpdate(cancelInvoiceUpdate, {
      args: [{ reason: 'issued in error', requestedBy: p.issuer.name }],
    });
    const thread = (await p.recipient.call('GET', `${p.recipientBase}/${opened.id}`)).body as DisputeThread;
    expect(thread.entries.map((e) => e.kind)).toEqual(['opened', 'closed']);
    expect(thread.entries[1].text).toBe('The invoice was cancelled: issued in error');
  });

  it('an operator cancelling the workflow under a dispute ends it as cancelled, with no failed workflow task', async () => {
    const p = await parties();
    await openDispute(p);
    const handle = hub.temporal.workflow.getHandle(p.invoice.workflowId);
    // Cancelled while it waits under the dispute, not while the dispute's mails are still being sent (a cancelled
    // activity's answer racing the workflow's completion is retried by Temporal as an UnhandledCommand task failure).
    await eventually(
      async () => ((await handle.describe()).raw.pendingActivities ?? []).length === 0,
      30_000,
      'the dispute’s mails to be sent',
    );
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const history = await handle.fetchHistory();
    const failedTasks = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
    expect(failedTasks).toHaveLength(0);
  });
});
