/**
 * Who may call what: every operation of the API document (portal and issuer API) is tried by every kind of caller,
 * on one invoice and everything hanging from it (its original, PDF, receipt, dispute, message, attachment). The
 * table below is the hub's authorization policy in one place: an operation missing from it fails the test, so a new
 * endpoint cannot ship without saying who may call it.
 */
import { getViewReceipt } from '../../db/view-receipts';
import fs from 'node:fs';
import path from 'node:path';
import type { Issuer } from '../../db/issuers';
import { createIssuer } from '../../db/issuers';
import { recordStatementImport } from '../../db/payments/statement-imports';
import { createWebhookEndpoint } from '../../db/webhooks';
import { generateWebhookSecret, webhookMessageId } from '../../domain/webhooks';
import { withTransaction } from '../../db';
import { writeDecidedEntries } from '../../db/payments/ledger';
import type { EntryDecision } from '../../domain/payments/model';
import { openApiDocument } from '../../gateway/openapi';
import {
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  PASSWORD,
  registeredPerson,
  startDisputeHub,
  type DisputeHub,
} from '../support/dispute-hub';
import { eventually, randomEik, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { PortalVisitor, type PortalResponse } from '../portal/harness';

type Persona =
  | 'anonymous'
  | 'recipientA'
  | 'recipientB'
  | 'colleagueOfA'
  | 'clerkA'
  | 'adminA'
  | 'adminB'
  | 'operator'
  | 'apiKeyA'
  | 'apiKeyB';
const PERSONAS: Persona[] = [
  'anonymous',
  'recipientA',
  'recipientB',
  'colleagueOfA',
  'clerkA',
  'adminA',
  'adminB',
  'operator',
  'apiKeyA',
  'apiKeyB',
];
const SIGNED_IN: Persona[] = [
  'recipientA',
  'recipientB',
  'colleagueOfA',
  'clerkA',
  'adminA',
  'adminB',
  'operator',
];
/** Who sees invoice X (issuer A → recipient A's address) as its recipient. */
const RECIPIENT_OF_X: Persona[] = ['recipientA', 'colleagueOfA'];
const ISSUER_A: Persona[] = ['clerkA', 'adminA'];

interface Rule {
  /** Personas the operation serves; everyone else must be refused (401, 403 or 404) with nothing of X shown. */
  allowed: Persona[] | 'public';
  /** Changes what later requests may do (ends a session, removes a share): its allowed calls run last. */
  destructive?: boolean;
  /** A list: the allowed personas outside X's parties must not find X (or its dispute) in it. */
  list?: boolean;
  body?: (f: Fixture) => unknown;
  bytes?: { contentType: string; data: Buffer };
}

const PNG = fs.readFileSync(
  path.resolve(__dirname, '..', 'domain', 'fixtures', 'disputes', 'delivery-note.png'),
);
const upload = { contentType: 'image/png', data: PNG };
/** A camt.053 with no entries: what a bank sends for a day without movements. */
const EMPTY_STATEMENT = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>MATRIX-1</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>MATRIX-1</Id><CreDtTm>2026-11-30T18:00:00</CreDtTm><Acct><Id><IBAN>BG80BNBG96611020345678</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
</Stmt></BkToCstmrStmt></Document>`);

/** The policy. Public operations answer without a session (log in, reset a password, open an invitation). */
const POLICY: Record<string, Rule> = {
  // Issuer API (API key)
  searchInvoices: { allowed: ['apiKeyA', 'apiKeyB'], list: true },
  submitInvoice: { allowed: ['apiKeyA', 'apiKeyB'] },
  getInvoice: { allowed: ['apiKeyA'] },
  getOriginal: { allowed: ['apiKeyA'] },
  getViewReceipt: { allowed: ['apiKeyA'] },
  getEvidencePackage: { allowed: ['apiKeyA'] },
  listInvoiceDisputes: { allowed: ['apiKeyA'] },
  uploadDisputeAttachment: { allowed: ['apiKeyA'], bytes: upload },
  getDispute: { allowed: ['apiKeyA'] },
  writeDisputeMessage: { allowed: ['apiKeyA'], body: () => ({ text: 'matrix: issuer system' }) },
  downloadDisputeAttachment: { allowed: ['apiKeyA'] },
  decideDispute: {
    allowed: ['apiKeyA'],
    destructive: true,
    body: () => ({ outcome: 'rejected', note: 'matrix' }),
  },
  listDisputes: { allowed: ['apiKeyA', 'apiKeyB'], list: true },
  importStatement: {
    allowed: ['apiKeyA', 'apiKeyB'],
    bytes: { contentType: 'application/xml', data: EMPTY_STATEMENT },
  },
  getStatement: { allowed: ['apiKeyA'] },
  getInvoicePayments: { allowed: ['apiKeyA'] },
  // Portal: issuer A's reconciliation (statements, review queue, a clerk's decisions; each decision its own entry)
  portalListStatements: { allowed: ISSUER_A },
  portalUploadStatement: {
    allowed: ISSUER_A,
    bytes: { contentType: 'application/xml', data: EMPTY_STATEMENT },
  },
  portalGetStatement: { allowed: ISSUER_A },
  portalReviewQueue: { allowed: ISSUER_A },
  portalSearchPaymentCandidates: { allowed: ISSUER_A },
  portalGetReconciliationEntry: { allowed: ISSUER_A },
  portalMatchEntry: { allowed: ISSUER_A, body: (f) => ({ invoiceId: f.invoiceId, note: 'matrix: match' }) },
  portalSplitEntry: {
    allowed: ISSUER_A,
    body: (f) => ({ allocations: [{ invoiceId: f.invoiceId, amount: '0.50' }], note: 'matrix: split' }),
  },
  portalIgnoreEntry: { allowed: ISSUER_A, body: () => ({ note: 'matrix: a bank fee' }) },
  portalUndoEntryDecision: { allowed: ISSUER_A, body: () => ({ note: 'matrix: undo' }) },
  // Portal: no session needed
  describeInvitation: { allowed: 'public' },
  register: { allowed: 'public' },
  login: { allowed: 'public' },
  loginSecondFactor: { allowed: 'public' },
  loginSecondFactorSetup: { allowed: 'public' },
  loginSecondFactorConfirm: { allowed: 'public' },
  requestPasswordReset: { allowed: 'public' },
  describePasswordReset: { allowed: 'public' },
  completePasswordReset: { allowed: 'public' },
  confirmLoginAddressChange: { allowed: 'public' },
  // Portal: one's own account
  session: { allowed: SIGNED_IN },
  setLocale: { allowed: SIGNED_IN, body: () => ({ locale: 'bg' }) },
  getAccount: { allowed: SIGNED_IN },
  changePassword: {
    allowed: SIGNED_IN,
    destructive: true,
    body: () => ({ currentPassword: PASSWORD, newPassword: PASSWORD }),
  },
  // Only mails a link to the new address; nothing changes until it is opened.
  requestLoginAddressChange: {
    allowed: SIGNED_IN,
    body: () => ({ newEmail: uniqueEmail('matrix-new-address'), currentPassword: PASSWORD }),
  },
  logOutEverywhere: { allowed: SIGNED_IN, destructive: true },
  // Ends the caller's own session if it has one; harmless (204) for anyone else.
  logout: { allowed: PERSONAS, destructive: true },
  startSecondFactorSetup: { allowed: SIGNED_IN },
  confirmSecondFactor: { allowed: SIGNED_IN, body: () => ({ code: '000000' }) },
  turnOffSecondFactor: { allowed: SIGNED_IN, body: () => ({ code: '000000' }) },
  listColleagues: { allowed: SIGNED_IN },
  addColleague: { allowed: SIGNED_IN, body: () => ({ email: uniqueEmail('matrix-colleague') }) },
  removeColleague: { allowed: ['recipientA'], destructive: true },
  leaveSharedAddress: { allowed: ['colleagueOfA'], destructive: true },
  // Portal: an issuer's users (admins only)
  listIssuerUsers: { allowed: ['adminA'] },
  addIssuerUser: { allowed: ['adminA'], body: () => ({ email: uniqueEmail('matrix-user'), role: 'clerk' }) },
  changeIssuerUserRole: { allowed: ['adminA'], body: () => ({ role: 'clerk' }) },
  removeIssuerUser: { allowed: ['adminA'], destructive: true },
  // Portal: the recipient's side of invoice X
  searchOwnInvoices: { allowed: SIGNED_IN, list: true },
  getOwnInvoice: { allowed: RECIPIENT_OF_X },
  recordView: { allowed: RECIPIENT_OF_X },
  downloadOwnOriginal: { allowed: RECIPIENT_OF_X },
  downloadOwnEvidence: { allowed: RECIPIENT_OF_X },
  downloadOwnInvoicePdf: { allowed: RECIPIENT_OF_X },
  portalListInvoiceDisputes: { allowed: RECIPIENT_OF_X },
  portalOpenDispute: { allowed: RECIPIENT_OF_X, body: () => ({ category: 'other', text: 'matrix' }) },
  portalUploadDisputeAttachment: { allowed: RECIPIENT_OF_X, bytes: upload },
  portalGetDispute: { allowed: RECIPIENT_OF_X },
  portalWriteDisputeMessage: { allowed: RECIPIENT_OF_X, body: () => ({ text: 'matrix: recipient side' }) },
  portalDownloadDisputeAttachment: { allowed: RECIPIENT_OF_X },
  portalReopenDispute: { allowed: RECIPIENT_OF_X, body: () => ({ text: 'matrix: reopen' }) },
  getOwnInvoicePayment: { allowed: RECIPIENT_OF_X },
  startCardPayment: { allowed: RECIPIENT_OF_X },
  claimPaidElsewhere: {
    allowed: RECIPIENT_OF_X,
    body: () => ({ paidOn: '2026-11-30', note: 'matrix: paid in cash' }),
  },
  // Portal: issuer A's side of invoice X
  searchIssuerInvoices: { allowed: ISSUER_A },
  exportIssuerInvoices: { allowed: ISSUER_A },
  getIssuerInvoice: { allowed: ISSUER_A },
  downloadIssuerOriginal: { allowed: ISSUER_A },
  downloadIssuerViewReceipt: { allowed: ISSUER_A },
  downloadIssuerEvidence: { allowed: ISSUER_A },
  downloadIssuerInvoicePdf: { allowed: ISSUER_A },
  listIssuerProblemDeliveries: { allowed: ISSUER_A },
  portalIssuerDisputes: { allowed: ISSUER_A },
  portalIssuerListInvoiceDisputes: { allowed: ISSUER_A },
  portalIssuerUploadDisputeAttachment: { allowed: ISSUER_A, bytes: upload },
  portalIssuerGetDispute: { allowed: ISSUER_A },
  portalIssuerWriteDisputeMessage: { allowed: ISSUER_A, body: () => ({ text: 'matrix: issuer side' }) },
  portalIssuerDownloadDisputeAttachment: { allowed: ISSUER_A },
  portalIssuerDecideDispute: {
    allowed: ISSUER_A,
    destructive: true,
    body: () => ({ outcome: 'rejected', note: 'matrix' }),
  },
  // Webhooks: issuer A's endpoint and its failed delivery of X's event (a documentation address, never reached)
  ...webhookRules('', ['apiKeyA'], ['apiKeyA', 'apiKeyB']),
  ...webhookRules('portal', ['adminA'], ['adminA']),
  // Portal: the operator console (hub operators only; X is not undeliverable, so a retry answers 409)
  operatorConsole: { allowed: ['operator'] },
  operatorRetryDelivery: { allowed: ['operator'] },
  operatorCancelInvoice: { allowed: ['operator'], destructive: true, body: () => ({ reason: 'matrix' }) },
  operatorRetryActivity: { allowed: ['operator'] },
  operatorReplayWebhookDelivery: { allowed: ['operator'] },
};

function webhookRules(
  prefix: '' | 'portal',
  ownerOfX: Persona[],
  anyIssuer: Persona[],
): Record<string, Rule> {
  const id = (name: string) => (prefix ? `${prefix}${name[0].toUpperCase()}${name.slice(1)}` : name);
  return {
    [id('listWebhookEndpoints')]: { allowed: anyIssuer, list: true },
    [id('createWebhookEndpoint')]: { allowed: anyIssuer, body: () => ({ url: 'https://192.0.2.10/matrix' }) },
    [id('getWebhookEndpoint')]: { allowed: ownerOfX },
    [id('updateWebhookEndpoint')]: { allowed: ownerOfX, body: () => ({ description: 'matrix' }) },
    [id('deleteWebhookEndpoint')]: { allowed: ownerOfX, destructive: true },
    [id('rotateWebhookSecret')]: { allowed: ownerOfX },
    [id('listWebhookDeliveries')]: { allowed: ownerOfX },
    [id('replayFailedWebhookDeliveries')]: { allowed: ownerOfX },
    [id('replayWebhookDelivery')]: { allowed: ownerOfX },
  };
}

interface Operation {
  method: string;
  template: string;
  operationId: string;
}

interface Fixture {
  issuerA: Issuer;
  invoiceId: string;
  invoiceNumber: string;
  disputeId: string;
  attachmentId: string;
  recipientAddress: string;
  colleagueId: string;
  clerkId: string;
  /** A statement issuer A imported. */
  statementId: string;
  /** Entries of that statement, one for each reconciliation operation that decides on one. */
  reconciliationEntries: Record<string, string>;
  /** Issuer A's webhook endpoint, and its failed delivery of an event of X. */
  webhookEndpointId: string;
  webhookDeliveryId: string;
}

/** Statement entries for the reconciliation operations: three in review, one the matcher found not a payment. */
async function reconciliationEntries(hub: DisputeHub, f: Fixture): Promise<Record<string, string>> {
  const review: EntryDecision = {
    kind: 'review',
    reason: 'matrix: no reference',
    candidates: [
      { invoiceId: f.invoiceId, number: f.invoiceNumber, outstanding: '1.00', evidence: 'matrix' },
    ],
  };
  const decisions: Record<string, EntryDecision> = {
    portalMatchEntry: review,
    portalSplitEntry: review,
    portalIgnoreEntry: review,
    portalUndoEntryDecision: { kind: 'not-a-payment', reason: 'matrix: no invoice named' },
  };
  const ids: Record<string, string> = {};
  for (const [position, [operation, decision]] of Object.entries(decisions).entries()) {
    const key = `matrix|${f.statementId}|${operation}`;
    const entry = {
      index: position,
      bookingDate: '2026-11-30',
      amount: '1.00',
      currency: 'EUR',
      direction: 'credit' as const,
      reversal: false,
      status: 'BOOK',
      remittance: ['matrix'],
    };
    await withTransaction(hub.db, (client) =>
      writeDecidedEntries(client, f.issuerA.id, f.statementId, [{ key, position, entry, decision }]),
    );
    const { rows } = await hub.db.query<{ id: string }>(
      'select id from statement_entries where entry_key = $1',
      [key],
    );
    ids[operation] = rows[0].id;
  }
  return ids;
}

/** Issuer A's endpoint, with a failed delivery of X's first event written as the outbox would have. */
async function webhookFixture(hub: DisputeHub, issuerId: string, invoiceId: string) {
  const endpoint = await createWebhookEndpoint(hub.db, {
    issuerId,
    url: 'https://192.0.2.10/matrix',
    description: '',
    eventTypes: ['invoice.undeliverable'], // nothing the matrix does queues more
    secret: generateWebhookSecret(),
  });
  const { rows } = await hub.db.query<{ id: string }>(
    `insert into webhook_deliveries (endpoint_id, invoice_id, event_key, event_type, message_id, body, status, attempts)
     values ($1, $2, '1:received', 'invoice.received', $3, '{}', 'failed', 1) returning id::text as id`,
    [endpoint.id, invoiceId, webhookMessageId(invoiceId, '1:received')],
  );
  return { webhookEndpointId: endpoint.id, webhookDeliveryId: rows[0].id };
}

const DENIED = [401, 403, 404];

describe('authorization: every operation × every kind of caller', () => {
  let hub: DisputeHub;
  let fixture: Fixture;
  const callers = new Map<Persona, PortalVisitor>();

  beforeAll(async () => {
    // A card provider is configured (never reached: starting a payment only signs a form), so card payment is served.
    hub = await startDisputeHub({
      EPAY_MIN: 'D000000001',
      EPAY_SECRET: 'matrix',
      EPAY_PAGE_URL: 'http://127.0.0.1:9/',
    });
    const issuer = async (name: string) =>
      createIssuer(hub.db, { name, eik: randomEik(), email: uniqueEmail('issuer') });
    const a = await issuer('Издател А ООД');
    const b = await issuer('Издател Б ООД');
    const recipientA = await registeredPerson(hub, uniqueEmail('recipient-a'));
    const recipientB = await registeredPerson(hub, uniqueEmail('recipient-b'));
    const colleague = await registeredPerson(hub, uniqueEmail('colleague'));
    const clerk = await registeredPerson(hub, uniqueEmail('clerk-a'));
    const admin = await registeredPerson(hub, uniqueEmail('admin-a'));
    const adminB = await registeredPerson(hub, uniqueEmail('admin-b'));
    const operator = await registeredPerson(hub, uniqueEmail('operator'));
    await hub.db.query('insert into hub_operators (user_id) values ($1)', [operator.id]);
    await makeIssuerMember(hub, a.issuer.id, clerk.id, 'clerk');
    await makeIssuerMember(hub, a.issuer.id, admin.id, 'admin');
    await makeIssuerMember(hub, b.issuer.id, adminB.id, 'admin');
    await hub.db.query('insert into address_shares (address, user_id, shared_by) values ($1, $2, $3)', [
      recipientA.email,
      colleague.id,
      recipientA.id,
    ]);
    const { invoice } = await deliverInvoice(hub, a.issuer, recipientA.email);
    await deliverInvoice(hub, b.issuer, recipientB.email); // B's own traffic, which A's parties must never see

    for (const [persona, person] of [
      ['recipientA', recipientA],
      ['recipientB', recipientB],
      ['colleagueOfA', colleague],
      ['clerkA', clerk],
      ['adminA', admin],
      ['adminB', adminB],
      ['operator', operator],
    ] as const) {
      callers.set(persona, await loggedIn(hub, person.email));
    }
    callers.set('anonymous', new PortalVisitor(hub.baseUrl));
    callers.set('apiKeyA', withKey(a.apiKey));
    callers.set('apiKeyB', withKey(b.apiKey));

    // X's dispute, with an attachment, opened by its recipient.
    const recipient = callers.get('recipientA') as PortalVisitor;
    const base = `/api/v1/portal/invoices/${invoice.id}/disputes`;
    const uploaded = await recipient.sendBytes(`${base}/uploads?name=photo.png`, PNG, 'image/png');
    const attachmentId = (uploaded.body as { id: string }).id;
    const opened = await recipient.call('POST', base, {
      category: 'wrong-amount',
      text: 'matrix: the amount is wrong',
      attachments: [attachmentId],
    });
    if (opened.status !== 201)
      throw new Error(`opening the dispute: ${opened.text}; upload: ${uploaded.text}`);
    // X viewed by its recipient, so that its signed receipt exists to be refused to everyone else.
    await recipient.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`);
    await eventually(async () => getViewReceipt(hub.db, invoice.id), 60_000, "X's signed receipt");
    fixture = {
      issuerA: a.issuer,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      disputeId: (opened.body as { id: string }).id,
      attachmentId,
      recipientAddress: recipientA.email,
      colleagueId: colleague.id,
      clerkId: clerk.id,
      statementId: (
        await recordStatementImport(hub.db, {
          issuerId: a.issuer.id,
          source: 'api',
          fileName: 'matrix.xml',
          content: EMPTY_STATEMENT,
        })
      ).record.id,
      reconciliationEntries: {},
      ...(await webhookFixture(hub, a.issuer.id, invoice.id)),
    };
    fixture.reconciliationEntries = await reconciliationEntries(hub, fixture);
  });
  afterAll(() => hub?.stop());

  const withKey = (apiKey: string) => {
    const visitor = new PortalVisitor(hub.baseUrl);
    const call = visitor.call.bind(visitor);
    const sendBytes = visitor.sendBytes.bind(visitor);
    visitor.call = (method, pathName, body, headers = {}) =>
      call(method, pathName, body, { authorization: `Bearer ${apiKey}`, ...headers });
    visitor.sendBytes = (pathName, bytes, contentType, headers = {}) =>
      sendBytes(pathName, bytes, contentType, { authorization: `Bearer ${apiKey}`, ...headers });
    return visitor;
  };

  function operations(): Operation[] {
    const doc = openApiDocument(hub.config.maxInvoiceBytes) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    return Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method))
        .map(([method, op]) => ({ method: method.toUpperCase(), template, operationId: op.operationId })),
    );
  }

  function pathOf(op: Operation): string {
    const values: Record<string, string> = {
      id: op.template.startsWith('/statements/') ? fixture.statementId : fixture.invoiceId,
      issuerId: fixture.issuerA.id,
      disputeId: fixture.disputeId,
      attachmentId: fixture.attachmentId,
      token: 'A'.repeat(43),
      address: encodeURIComponent(fixture.recipientAddress),
      userId: op.template.includes('/colleagues/') ? fixture.colleagueId : fixture.clerkId,
      statementId: fixture.statementId,
      endpointId: fixture.webhookEndpointId,
      deliveryId: fixture.webhookDeliveryId,
      workflowId: 'invoice-matrix-none',
      activityId: '1',
      entryId:
        fixture.reconciliationEntries[op.operationId] ?? fixture.reconciliationEntries.portalMatchEntry,
    };
    const filled = op.template.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
    const query = op.template.endsWith('/uploads') ? '?name=photo.png' : '';
    return `/api/v1${filled}${query}`;
  }

  async function attempt(persona: Persona, op: Operation): Promise<PortalResponse> {
    const caller = callers.get(persona) as PortalVisitor;
    const rule = POLICY[op.operationId];
    if (rule.bytes) return caller.sendBytes(pathOf(op), rule.bytes.data, rule.bytes.contentType);
    if (op.operationId === 'submitInvoice') {
      const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('matrix') });
      return caller.sendBytes(pathOf(op), Buffer.from(xml), 'application/xml');
    }
    const body = rule.body?.(fixture) ?? (op.method === 'POST' || op.method === 'PUT' ? {} : undefined);
    return caller.call(op.method, pathOf(op), body);
  }

  test('every operation of the API document has a rule', () => {
    const missing = operations()
      .map((op) => op.operationId)
      .filter((id) => !POLICY[id]);
    expect(missing).toEqual([]);
  });

  test('nothing of invoice X is readable or writable by a caller outside its parties', async () => {
    const results: { operation: string; persona: Persona; status: number; expected: 'allowed' | 'denied' }[] =
      [];
    const wrong: string[] = [];
    const ops = operations().filter((op) => POLICY[op.operationId].allowed !== 'public');
    const check = async (persona: Persona, op: Operation) => {
      const rule = POLICY[op.operationId];
      const allowed = (rule.allowed as Persona[]).includes(persona);
      const answer = await attempt(persona, op);
      results.push({
        operation: `${op.method} ${op.template}`,
        persona,
        status: answer.status,
        expected: allowed ? 'allowed' : 'denied',
      });
      // A refusal may repeat the ids the caller sent; it must not tell what they name (the number, the recipient).
      const tells =
        answer.text.includes(fixture.invoiceNumber) || answer.text.includes(fixture.recipientAddress);
      const lists = answer.text.includes(fixture.invoiceId) || answer.text.includes(fixture.disputeId);
      if (allowed && DENIED.includes(answer.status)) {
        wrong.push(
          `${persona} ${op.method} ${op.template}: refused (${answer.status}) but allowed by the policy`,
        );
      }
      if (!allowed && !DENIED.includes(answer.status)) {
        wrong.push(`${persona} ${op.method} ${op.template}: answered ${answer.status}, should be refused`);
      }
      if (!allowed && tells) wrong.push(`${persona} ${op.method} ${op.template}: the refusal shows X`);
      const partyOfX =
        RECIPIENT_OF_X.includes(persona) || ISSUER_A.includes(persona) || persona === 'apiKeyA';
      if (allowed && rule.list && !partyOfX && (lists || tells)) {
        wrong.push(`${persona} ${op.method} ${op.template}: the list shows X`);
      }
    };
    // What changes later answers (sessions ended, shares removed, the dispute decided) runs last.
    for (const op of ops) {
      for (const persona of PERSONAS) {
        const rule = POLICY[op.operationId];
        if (rule.destructive && (rule.allowed as Persona[]).includes(persona)) continue;
        await check(persona, op);
      }
    }
    const last = ['decideDispute', 'portalIssuerDecideDispute', 'leaveSharedAddress', 'removeColleague'];
    const sessionEnding = ['removeIssuerUser', 'changePassword', 'logOutEverywhere', 'logout'];
    for (const id of [...last, ...sessionEnding]) {
      const op = ops.find((o) => o.operationId === id);
      if (!op) continue;
      if (id === 'removeColleague') {
        // The colleague just left; the address is shared again so that its owner has a share to remove.
        await hub.db.query(
          'insert into address_shares (address, user_id, shared_by) select $1, $2, id from users where lower(email) = $1',
          [fixture.recipientAddress, fixture.colleagueId],
        );
      }
      for (const persona of POLICY[id].allowed as Persona[]) await check(persona, op);
    }

    const denied = results.filter((r) => r.expected === 'denied');
    const allowed = results.filter((r) => r.expected === 'allowed');
    const summary = {
      operations: ops.length,
      publicOperations: operations().length - ops.length,
      personas: PERSONAS.length,
      requests: results.length,
      allowedAsExpected: allowed.filter((r) => !DENIED.includes(r.status)).length,
      allowedExpected: allowed.length,
      deniedAsExpected: denied.filter((r) => DENIED.includes(r.status)).length,
      deniedExpected: denied.length,
      byPersona: Object.fromEntries(
        PERSONAS.map((p) => [
          p,
          {
            tried: results.filter((r) => r.persona === p).length,
            denied: results.filter((r) => r.persona === p && DENIED.includes(r.status)).length,
          },
        ]),
      ),
    };
    const out = path.resolve(__dirname, '..', '..', 'test-results', 'authorization-matrix.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ summary, results }, null, 2) + '\n');
    process.stderr.write(
      `authorization matrix: ${summary.requests} requests over ${summary.operations} operations × ` +
        `${summary.personas} callers (${summary.publicOperations} public operations aside): ` +
        `${summary.deniedAsExpected}/${summary.deniedExpected} refused as expected, ` +
        `${summary.allowedAsExpected}/${summary.allowedExpected} served as expected\n`,
    );
    expect(wrong).toEqual([]);
    expect(summary.deniedAsExpected).toBe(summary.deniedExpected);
  }, 300_000);
});
