/**
 * The bank transfer an invoice asks for, read from its payment instructions (BG-16, BG-17): the account (BT-84), the
 * bank (BT-86), the account holder (BT-85) and the reference to quote (BT-83), checked as a payer's bank would check
 * them; and the EPC QR code's transfer for an amount. Plain functions over the invoice model: the portal's pay panel,
 * the PDF and the CLI can all use them.
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { validate as isValidRfReference } from 'node-iso11649';
import type { Invoice, PaymentInstructions } from '../invoice/model';
import { creditorReference, EpcQrError, epcQrPayload, type EpcCreditTransfer } from './epc-qr';

export interface TransferReference {
  /** rf: a structured creditor reference (ISO 11649); text: remittance text as the invoice writes it. */
  kind: 'rf' | 'text';
  value: string;
  /** invoice: the invoice's own BT-83; number: made from the invoice number because the invoice names none. */
  from: 'invoice' | 'number';
}

export interface BankTransfer {
  beneficiary: string | null;
  /** Electronic form when valid; as written when not. */
  iban: string;
  ibanValid: boolean;
  bic: string | null;
  bicValid: boolean;
  reference: TransferReference;
}

/** The EPC code's limits on the two lines that come from the invoice. */
const NAME_MAX = 70;
const TEXT_MAX = 140;

/**
 * The first credit transfer of the invoice's payment means (the first means that names one), or null when the
 * invoice names no account to pay to.
 */
export function bankTransferOf(invoice: Invoice): BankTransfer | null {
  const means = [...(invoice.paymentMeans ?? []), ...(invoice.payment ? [invoice.payment] : [])];
  const chosen = means.find((m) => m.creditTransfers.some((t) => t.accountId?.trim()));
  if (!chosen) return null;
  const account = chosen.creditTransfers.find((t) =>
    t.accountId?.trim(),
  ) as PaymentInstructions['creditTransfers'][0];
  const electronic = electronicFormatIBAN(account.accountId) ?? '';
  const ibanValid = electronic !== '' && isValidIBAN(electronic);
  const bic = account.serviceProviderId?.replace(/\s/g, '').toUpperCase() || null;
  return {
    beneficiary:
      oneLine(account.accountName) || oneLine(invoice.payee?.name) || oneLine(invoice.seller.name) || null,
    iban: ibanValid ? electronic : account.accountId.trim(),
    ibanValid,
    bic,
    bicValid: bic !== null && isValidBIC(bic),
    reference: referenceOf(chosen.remittanceInformation, invoice.number),
  };
}

/**
 * What the payer writes in the transfer: the invoice's remittance information when it has one (structured when it
 * is a valid RF reference), else an RF creditor reference made from the invoice number, else the number itself.
 */
export function referenceOf(remittance: string | undefined, invoiceNumber: string): TransferReference {
  const text = oneLine(remittance);
  if (text) {
    const compact = text.replace(/\s/g, '').toUpperCase();
    if (/^RF\d{2}/.test(compact) && isValidRfReference(compact))
      return { kind: 'rf', value: compact, from: 'invoice' };
    return { kind: 'text', value: text, from: 'invoice' };
  }
  try {
    return { kind: 'rf', value: creditorReference(invoiceNumber), from: 'number' };
  } catch {
    return { kind: 'text', value: oneLine(invoiceNumber), from: 'number' };
  }
}

/**
 * The EPC QR transfer for `amount` (the open balance): the beneficiary's name and a text reference are cut to what the
 * code holds (70 and 140 characters); a valid BIC goes along, an invalid one is left out (optional in the EEA).
 */
export function epcTransferOf(
  transfer: BankTransfer,
  payment: { amount: string; currency: string; invoiceNumber: string },
): EpcCreditTransfer {
  return {
    name: cut(transfer.beneficiary ?? '', NAME_MAX),
    iban: transfer.iban,
    bic: transfer.bicValid ? (transfer.bic ?? undefined) : undefined,
    amount: payment.amount,
    currency: payment.currency,
    reference: transfer.reference.kind === 'rf' ? transfer.reference.value : undefined,
    text: transfer.reference.kind === 'text' ? cut(transfer.reference.value, TEXT_MAX) : undefined,
    information: cut(`Фактура ${oneLine(payment.invoiceNumber)}`, NAME_MAX),
  };
}

/**
 * The EPC QR payload of `epcTransferOf`, made to fit the code's 331 bytes: Cyrillic takes two bytes a letter, so a long
 * name with long remittance text can pass them. The note for the payer goes first, then the text is shortened; the
 * account, amount and a structured reference are never touched. Other refusals (a bad IBAN…) are thrown as they are.
 */
export function epcPayloadOf(
  transfer: BankTransfer,
  payment: { amount: string; currency: string; invoiceNumber: string },
): string {
  const full = epcTransferOf(transfer, payment);
  const fits = (candidate: EpcCreditTransfer): boolean => {
    try {
      epcQrPayload(candidate);
      return true;
    } catch (error) {
      if (error instanceof EpcQrError && error.code === 'TOO_LARGE') return false;
      throw error;
    }
  };
  if (fits(full)) return epcQrPayload(full);
  const plain = { ...full, information: undefined };
  let text = [...(plain.text ?? '')];
  while (text.length > 1 && !fits({ ...plain, text: text.join('') })) text = text.slice(0, -1);
  return epcQrPayload({ ...plain, text: plain.text === undefined ? undefined : text.join('') });
}

function cut(value: string, max: number): string {
  return [...value].slice(0, max).join('');
}

// Line breaks and tabs would shift the EPC code's lines; a person reads them as spaces anyway.
function oneLine(value: string | undefined): string {
  return (value ?? '').replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
}
