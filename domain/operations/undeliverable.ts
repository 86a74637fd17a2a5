/**
 * Failures that retrying cannot fix when the hub mails a recipient. Each is recognised here, so the activity stops
 * retrying at once and the lifecycle holds the invoice as `undeliverable` with the reason, until someone fixes the
 * cause and retries (workflows/invoice-lifecycle/undeliverable.ts).
 *
 * - RECIPIENT_ADDRESS_INVALID: the address is not an e-mail address at all ("../../etc/passwd"). Verification refuses
 *   such invoices (HUB-02); this catches those accepted before that rule, or an address the account holds.
 * - RECIPIENT_REJECTED: the recipient's mail server refused the recipient for good: a 5xx answer to RCPT TO
 *   ("550 no such user", 551, 553 bad mailbox name, 554). 552 (mailbox full) is treated as passing, as RFC 5321
 *   § 4.5.3.1.10 asks, and so is every 4xx and every connection failure: those are retried.
 */
export type UndeliverableCode = 'RECIPIENT_ADDRESS_INVALID' | 'RECIPIENT_REJECTED';

export interface Undeliverable {
  code: UndeliverableCode;
  reason: string;
}

/** The ApplicationFailure type the notification raises for these; the lifecycle catches exactly this one. */
export const UNDELIVERABLE_FAILURE = 'RecipientUndeliverable';

/** One address: something@domain.tld, no spaces, at most 320 characters (RFC 5321's limit). */
const EMAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

export function isEmailAddress(address: string): boolean {
  return address.length <= 320 && EMAIL_ADDRESS.test(address);
}

export function invalidAddress(address: string): Undeliverable | undefined {
  if (isEmailAddress(address)) return undefined;
  return {
    code: 'RECIPIENT_ADDRESS_INVALID',
    reason: `the recipient address "${address.slice(0, 200)}" is not an e-mail address`,
  };
}

/** What nodemailer's error tells about the recipient: a permanent refusal, or undefined (retry). */
export function permanentSmtpRefusal(error: unknown, address: string): Undeliverable | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { responseCode, command, response } = error as {
    responseCode?: unknown;
    command?: unknown;
    response?: unknown;
  };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return undefined;
  if (command !== 'RCPT TO' || responseCode === 552) return undefined;
  const answer = typeof response === 'string' ? response.slice(0, 300) : String(responseCode);
  return { code: 'RECIPIENT_REJECTED', reason: `the mail server refused ${address}: ${answer}` };
}
