import crypto from 'node:crypto';
import type { Issuer } from '../../db/issuers';
import { ensureUser } from '../../db/users';
import { hashPassword } from '../../gateway/portal/passwords';
import { acceptInvoice } from '../../intake';
import { statusQuery, type LifecycleState, type LifecycleStatus } from '../../workflows/messages';
import { serveGateway, PortalVisitor } from '../portal/harness';
import { makeUblCreditNote } from './credit-note-factory';
import { eventually, startTestHub, uniqueEmail, type TestHub } from './hub';
import { makeUblInvoice, nextInvoiceNumber, type InvoiceSpec } from './invoice-factory';

/**
 * The whole hub for dispute tests: a real worker (workflows and activities) on Temporal, PostgreSQL and SMTP, and
 * the gateway (portal API, issuer API) served over HTTP with the same configuration, so invoices delivered through
 * intake start lifecycles the worker runs.
 */
export interface DisputeHub extends TestHub {
  baseUrl: string;
}

export async function startDisputeHub(overrides: Record<string, string> = {}): Promise<DisputeHub> {
  const hub = await startTestHub({ REMINDER_DELAYS: '1h', DISPUTE_REMINDER_DELAY: '1h', ...overrides });
  const api = await serveGateway({ db: hub.db, temporal: hub.temporal, config: hub.config });
  return {
    ...hub,
    baseUrl: api.baseUrl,
    async stop() {
      await api.close();
      await hub.stop();
    },
  };
}

export const PASSWORD = 'a long sentence for the portal';

/** A registered person with a password (the accounts' own tests cover registration). */
export async function registeredPerson(
  hub: TestHub,
  email = uniqueEmail('person'),
): Promise<{ id: string; email: string }> {
  const user = await ensureUser(hub.db, email);
  await hub.db.query('update users set password_hash = $2, registered_at = now() where id = $1', [
    user.id,
    await hashPassword(PASSWORD),
  ]);
  return { id: user.id, email: user.email };
}

/** Makes the person a member of the issuer, as the accounts part's `issuer user add` will. */
export async function makeIssuerMember(
  hub: TestHub,
  issuerId: string,
  userId: string,
  role: 'admin' | 'clerk' = 'clerk',
): Promise<void> {
  await hub.db.query(
    'insert into issuer_members (issuer_id, user_id, role) values ($1, $2, $3) on conflict do nothing',
    [issuerId, userId, role],
  );
}

/** A portal visitor logged in as this person. */
export async function loggedIn(hub: DisputeHub, email: string): Promise<PortalVisitor> {
  const visitor = new PortalVisitor(hub.baseUrl);
  const answer = await visitor.call('POST', '/api/v1/portal/login', { email, password: PASSWORD });
  if (answer.status !== 200) throw new Error(`login as ${email} failed: ${answer.status} ${answer.text}`);
  return visitor;
}

export async function stateOf(hub: TestHub, workflowId: string): Promise<LifecycleState> {
  return hub.temporal.workflow.getHandle(workflowId).query(statusQuery);
}

export async function reaches(
  hub: TestHub,
  workflowId: string,
  status: LifecycleStatus,
): Promise<LifecycleState> {
  return eventually(
    async () => {
      const state = await stateOf(hub, workflowId);
      return state.status === status && state;
    },
    30_000,
    `${workflowId} ${status}`,
  );
}

/** An invoice delivered through intake and through its lifecycle up to the recipient's notification. */
export async function deliverInvoice(
  hub: TestHub,
  issuer: Issuer,
  buyerEmail: string,
  spec: Partial<InvoiceSpec> = {},
) {
  const number = spec.number ?? nextInvoiceNumber();
  const xml = makeUblInvoice({ number, buyerEmail, ...spec });
  const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
  await reaches(hub, invoice.workflowId, 'awaiting view');
  return { invoice, xml, issueDate: spec.issueDate ?? '2026-11-20' };
}

/** A credit note delivered through intake, correcting the given invoices. */
export async function deliverCreditNote(
  hub: TestHub,
  issuer: Issuer,
  buyerEmail: string,
  corrects: { number: string; issueDate: string }[],
) {
  const number = nextInvoiceNumber();
  const xml = makeUblCreditNote({ number, buyerEmail, corrects, issueDate: '2026-11-28' });
  const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
  return { creditNote: invoice, xml };
}

export function randomId(): string {
  return crypto.randomUUID();
}
