import crypto from 'node:crypto';
import { generate } from 'otplib';
import type { Db } from '../../db';
import type { PortalErrorBody, SecondFactorEnabled, SecondFactorSetup } from '../../gateway/portal/contract';
import { eventually, mailsTo } from '../support/hub';
import type { StoredMail } from '../../embedded/mail-server';
import { deliverInvoice, invite, newIssuer, PortalVisitor, uniqueEmail, type PortalHarness } from './harness';

/** Helpers for the account specifications (accounts-*.test.ts). */

export const PASSWORD = 'a sentence for my invoices';
export const API = '/api/v1/portal';

export function errorCode(body: unknown): string {
  return (body as PortalErrorBody).error.code;
}

/** A network address no other test uses (an IPv6 /64 of the documentation range), sent as X-Forwarded-For. */
export function uniqueNetwork(): Record<string, string> {
  const group = () => crypto.randomBytes(2).toString('hex');
  return { 'x-forwarded-for': `2001:db8:${group()}:${group()}::1` };
}

/** A person who received an invoice and chose a password with its invitation; logged in. */
export async function registeredRecipient(hub: PortalHarness, label: string, password = PASSWORD) {
  const email = uniqueEmail(label);
  const issuer = await newIssuer(hub.db);
  const invoice = await deliverInvoice(hub.db, issuer, email);
  const token = await invite(hub.db, email, invoice.id);
  const visitor = new PortalVisitor(hub.baseUrl);
  const registered = await visitor.call('POST', `${API}/register`, { token, password });
  if (registered.status !== 201)
    throw new Error(`registering ${email}: ${registered.status} ${registered.text}`);
  return { email, issuer, invoice, visitor };
}

/** A fresh browser logging in; returns the visitor and the answer. */
export async function logIn(
  hub: PortalHarness,
  email: string,
  password = PASSWORD,
  headers = uniqueNetwork(),
) {
  const visitor = new PortalVisitor(hub.baseUrl);
  const answer = await visitor.call('POST', `${API}/login`, { email, password }, headers);
  return { visitor, answer };
}

/** The mails to an address with this subject text, once at least `count` arrived. */
export async function mailsAbout(address: string, subject: string, count = 1): Promise<StoredMail[]> {
  return eventually(
    async () => {
      const found = (await mailsTo(address)).filter((m) => m.subject.includes(subject));
      return found.length >= count ? found : undefined;
    },
    15_000,
    `${count} mail(s) "${subject}" to ${address}`,
  );
}

/** The token of the link `/<path>/<token>` a mail carries. */
export function linkToken(mail: StoredMail, path: string): string {
  const match = new RegExp(`/${path}/([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`no /${path}/ link in "${mail.subject}": ${mail.text}`);
  return match[1];
}

/** The code an authenticator app shows `stepsAhead` periods from now (the hub accepts one step either side). */
export function appCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });
}

/** Turns the second factor on for a signed-in visitor; returns the secret and the recovery codes. */
export async function enableSecondFactor(visitor: PortalVisitor) {
  const setup = await visitor.call('POST', `${API}/me/second-factor/setup`);
  const { secret } = setup.body as SecondFactorSetup;
  const confirmed = await visitor.call('POST', `${API}/me/second-factor/confirm`, {
    code: await appCode(secret),
  });
  if (confirmed.status !== 200) throw new Error(`confirming the second factor: ${confirmed.text}`);
  return { secret, recoveryCodes: (confirmed.body as SecondFactorEnabled).recoveryCodes };
}

/** Time passes for the login throttle of these keys (instead of waiting in the test). */
export async function letThrottleTimePass(db: Db, key: string, seconds: number): Promise<void> {
  await db.query(
    `update login_throttle set last_failure_at = last_failure_at - make_interval(secs => $2),
            locked_until = locked_until - make_interval(secs => $2)
      where key = $1`,
    [key, seconds],
  );
}
