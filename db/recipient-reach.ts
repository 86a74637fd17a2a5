import type { RecipientReach } from './users';

/**
 * The one SQL condition for "invoice `i` is among this person's received invoices" (see RecipientReach): bound to
 * their account, or bound to an account that shared the invoice's address with them. `param` adds a query parameter
 * and returns its placeholder. Without shares (the usual case) it is one equality, so the planner reads the
 * account's index in sort order.
 */
export function recipientReachCondition(reach: RecipientReach, param: (value: unknown) => string): string {
  const own = `i.recipient_user_id = ${param(reach.userId)}`;
  if (!reach.shares.length) return own;
  const owners = param(reach.shares.map((s) => s.ownerId));
  const addresses = param(reach.shares.map((s) => s.address));
  return `(${own} or (i.recipient_user_id, lower(i.recipient_email)) in
           (select * from unnest(${owners}::uuid[], ${addresses}::text[])))`;
}

/** A parameter list for one query: `param` appends a value and names it `$n`. */
export function queryParams(values: unknown[] = []): {
  values: unknown[];
  param: (value: unknown) => string;
} {
  return {
    values,
    param(value: unknown) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
