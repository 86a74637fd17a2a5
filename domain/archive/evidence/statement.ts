import type { ChainProof, EvidenceIndex, EvidenceRecord } from './contents';

/**
 * The package's facts in words: what was archived, when, what happened to it, and which seal vouches for each
 * record. Written into the package as README.txt at export, and derived again by `evidence verify` from the records
 * it has checked (the two must agree).
 */
export function describeFacts(index: EvidenceIndex, chain: ChainProof): string[] {
  const of = (type: string) => index.records.filter((r) => r.type === type);
  const text = (record: EvidenceRecord, name: string) => {
    const value = record.fields.find(([field]) => field === name)?.[1];
    return typeof value === 'string' ? value : undefined;
  };
  // A field that is not JSON (a package changed after export) reads as absent: the facts say '?', verify says why.
  const json = <T>(record: EvidenceRecord, name: string): T | undefined => {
    const value = text(record, name);
    return value === undefined ? undefined : (jsonOrUndefined(value) as T | undefined);
  };
  const lines: string[] = [];
  const { invoice } = index;
  lines.push(
    `Evidence package of invoice ${invoice.number} (id ${invoice.id}) from ${invoice.issuer.name} (EIK ${invoice.issuer.eik}), exported ${index.exportedAt}.`,
  );
  const archived = of('invoice')[0];
  if (archived) {
    const summary =
      json<{
        issueDate?: string;
        dueDate?: string;
        total?: string;
        currency?: string;
        customer?: { name?: string; email?: string };
      }>(archived, 'summary') ?? {};
    const report =
      json<{ indication?: string; signature?: { level?: string; signer?: string; signingTime?: string } }>(
        archived,
        'report',
      ) ?? {};
    lines.push(
      `- The original (SHA-256 ${text(archived, 'sha256')}) was archived at ${text(archived, 'archived_at')}, to be kept until ${text(archived, 'retain_until')}: issued ${summary.issueDate ?? '?'}${summary.dueDate ? `, due ${summary.dueDate}` : ''}, ${summary.total ?? '?'} ${summary.currency ?? ''} to ${summary.customer?.name ?? '?'}${summary.customer?.email ? ` <${summary.customer.email}>` : ''}.`,
      `- Verified on receipt: ${report.indication ?? '?'}; signature ${report.signature?.level ?? 'none'}${report.signature?.signer ? ` by ${report.signature.signer}` : ''}${report.signature?.signingTime ? `, signed ${report.signature.signingTime}` : ''}.`,
    );
  }
  if (index.trust.length > 0)
    lines.push(
      `- Trust data the verification rests on: ${index.trust.map((t) => `${t.kind} ${t.name}`).join('; ')}.`,
    );
  for (const view of of('view'))
    lines.push(
      `- Viewed in an authenticated portal session at ${text(view, 'viewed_at')} by account ${text(view, 'recipient_id')} from ${text(view, 'ip') ?? 'an unknown address'} (view ${view.key}).`,
    );
  for (const receipt of of('view-receipt'))
    lines.push(
      `- Signed return receipt made at ${text(receipt, 'signed_at')} for view ${text(receipt, 'view_id')}.`,
    );
  for (const mail of of('mail'))
    lines.push(
      `- Mail "${text(mail, 'kind')}" to ${text(mail, 'recipient')} at ${text(mail, 'created_at')}.`,
    );
  for (const dispute of of('dispute')) {
    const entries = of('dispute-entry').filter((e) => text(e, 'dispute_id') === dispute.key);
    const attachments = of('dispute-attachment').filter((a) => text(a, 'dispute_id') === dispute.key);
    lines.push(
      `- Dispute (${text(dispute, 'category')}) opened ${text(dispute, 'opened_at')}: ${entries.length} entries (${entries.map((e) => `${text(e, 'kind')} by the ${text(e, 'author_side')} at ${text(e, 'at')}${text(e, 'status') ? `, ${text(e, 'status')}` : ''}`).join('; ')}), ${attachments.length} attachments${attachments.length ? ` (${attachments.map((a) => `${text(a, 'file_name')}, ${text(a, 'size')} bytes`).join('; ')})` : ''}.`,
    );
  }
  for (const payment of of('payment'))
    lines.push(
      `- Payment ${text(payment, 'amount')} ${text(payment, 'currency')} on ${text(payment, 'paid_at')} (${text(payment, 'source')}${text(payment, 'reversal_of') ? `, reversing ${text(payment, 'reversal_of')}` : ''}).`,
    );
  for (const decision of of('reconciliation-decision'))
    lines.push(`- Reconciliation decision "${text(decision, 'action')}" at ${text(decision, 'decided_at')}.`);
  const events = of('event');
  if (events.length > 0)
    lines.push(`- Timeline: ${events.map((e) => `${text(e, 'type')} ${text(e, 'at')}`).join('; ')}.`);
  for (const segment of chain.segments) {
    const records = index.records.filter((r) => r.seq > segment.after.seq && r.seq <= segment.head.seq);
    const seal = chain.seals.find((s) => s.seal === segment.seal);
    lines.push(
      seal
        ? `- ${records.length} records (links ${records.map((r) => r.seq).join(', ')}) are sealed by seal ${seal.seal} of ${seal.sealedAt} over chain link ${seal.headSeq}, time-stamped by ${seal.timestampAuthority} at ${seal.timestampTime}.`
        : `- ${records.length} records (links ${records.map((r) => r.seq).join(', ')}) were chained after the last seal: the chain links them up to link ${segment.head.seq}, but no seal vouched for them when this package was made.`,
    );
  }
  return lines;
}

/** The JSON value `text` holds, or undefined when it is not JSON (a changed byte in a package). */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
