/**
 * The one model every bank statement format is read into (camt.052/053/054 versions 01–08, MT940/MT942), and what
 * matching makes of it. Amounts are exact decimal strings ("1234.50", never a number); dates are ISO 8601
 * ("2026-01-15"); a timestamp keeps its offset as the bank wrote it.
 */

export type StatementFormat = 'camt.052' | 'camt.053' | 'camt.054' | 'mt940' | 'mt942';

export interface BankStatement {
  format: StatementFormat;
  /** The message version ("02" … "08") for camt; undefined for MT94x. */
  version?: string;
  /** The bank's identifier of this statement (camt `Stmt/Id`, MT940 `:20:` with `:28C:`). */
  id: string;
  /** The statement's sequence number when the bank gives one (camt `ElctrncSeqNb`/`LglSeqNb`, MT940 `:28C:`). */
  sequence?: string;
  createdAt?: string;
  account: StatementAccount;
  /** Opening booked balance (camt `OPBD`/`PRCD`, MT940 `:60F:`/`:60M:`), signed. */
  openingBalance?: Balance;
  /** Closing booked balance (camt `CLBD`, MT940 `:62F:`/`:62M:`), signed. */
  closingBalance?: Balance;
  entries: StatementEntry[];
  /**
   * Free text the bank added to the whole statement (camt `AddtlStmtInf`/`AddtlRptInf`/`AddtlNtfctnInf`, MT940 an
   * `:86:` outside any entry).
   */
  additionalInfo?: string;
}

export interface StatementAccount {
  iban?: string;
  /** An account identifier that is not an IBAN (camt `Othr/Id`, MT940 `:25:` when not an IBAN). */
  other?: string;
  currency?: string;
  name?: string;
  /** The account servicer's BIC when the statement names it. */
  bic?: string;
}

export interface Balance {
  /** Signed: negative for a debit balance. */
  amount: string;
  currency: string;
  date: string;
}

export type Direction = 'credit' | 'debit';

export interface StatementEntry {
  /** Position of the entry in its statement, from 0: with the statement it identifies an entry without a bank reference. */
  index: number;
  /** The bank's reference of the entry (camt `Ntry/AcctSvcrRef` or `NtryRef`, MT940 the `//` bank reference). */
  bankReference?: string;
  bookingDate: string;
  valueDate?: string;
  /** Positive; the direction says which way the money went. */
  amount: string;
  currency: string;
  direction: Direction;
  /** The bank marked this entry as reversing an earlier one (camt `RvslInd`, MT940 `RC`/`RD`). */
  reversal: boolean;
  /** BOOK, PDNG, INFO … (camt `Sts`); MT940 entries are booked. */
  status: string;
  /** The other side of the transfer: the payer of a credit, the payee of a debit. */
  counterparty?: Counterparty;
  /** Unstructured remittance lines as the bank gave them (camt `Ustrd`, MT940 `:86:` purpose). */
  remittance: string[];
  /** A structured creditor reference (camt `Strd/CdtrRefInf/Ref`), e.g. an RF reference. */
  structuredReference?: string;
  endToEndId?: string;
  /** The account owner's own reference (MT940 `:61:` reference for the account owner, camt `Refs/AcctOwnrTxId`). */
  ownerReference?: string;
  /** Bank transaction code as the bank gave it (camt `BkTxCd/Prtry/Cd` or domain/family, MT940 `N…`). */
  transactionCode?: string;
  /** Free text the bank added (camt `AddtlNtryInf`/`AddtlTxInf`, MT940 supplementary details). */
  additionalInfo?: string;
}

export interface Counterparty {
  name?: string;
  iban?: string;
  /** An account number that is not an IBAN. */
  account?: string;
  bic?: string;
}

/** Why a statement could not be read: a sentence for the person who sent it, and a stable code. */
export class StatementError extends Error {
  constructor(
    readonly code: StatementErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StatementError';
  }
}

export type StatementErrorCode =
  | 'UNKNOWN_FORMAT'
  | 'MALFORMED'
  | 'UNSUPPORTED_VERSION'
  | 'BALANCE_MISMATCH'
  | 'MISSING_FIELD'
  | 'BAD_AMOUNT'
  | 'BAD_DATE'
  | 'TOO_LARGE';

// ---------------------------------------------------------------------------------------------------------------
// Matching: what the matcher is given, and what it decides for each entry.

/** An invoice the matcher may pay: one of the issuer's invoices that is not yet paid in full, or recently was. */
export interface OpenInvoice {
  invoiceId: string;
  issuerId: string;
  number: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  total: string;
  /** What is still to pay (total − paid); "0.00" for a paid one (kept so a reversal or a late duplicate can find it). */
  outstanding: string;
  status: 'awaiting view' | 'viewed' | 'disputed' | 'paid' | 'cancelled' | 'rejected' | string;
  /** The payment reference the invoice asks for (BT-83), e.g. an RF creditor reference, when it has one. */
  paymentReference?: string;
  /** Who pays: the same key for every invoice to the same customer of this issuer (buyer VAT/EIK, else e-mail). */
  customerKey: string;
  customerName?: string;
  /** IBANs this customer has paid this issuer from before, and the buyer's own IBAN if the invoice names it. */
  payerIbans: string[];
}

/** A card/e-wallet order handed to a payment provider, so a settlement line naming it finds its invoice. */
export interface ProviderOrder {
  provider: string;
  orderId: string;
  invoiceId: string;
  amount: string;
  currency: string;
  /**
   * The provider's notification already recorded this payment on the invoice: a settlement line naming the order
   * then confirms it and pays nothing again. Absent or false: the settlement line is what pays the invoice.
   */
  recorded?: boolean;
}

/** A payment already recorded from an earlier statement entry (so a reversal finds what it reverses). */
export interface RecordedPayment {
  /** The business key of the entry that made it (see `entryKey`). */
  entryKey: string;
  invoiceId: string;
  amount: string;
  currency: string;
  bankReference?: string;
  endToEndId?: string;
  counterpartyIban?: string;
  bookingDate: string;
}

export interface MatchContext {
  issuerId: string;
  invoices: OpenInvoice[];
  providerOrders: ProviderOrder[];
  recordedPayments: RecordedPayment[];
}

export type MatchRule = 'provider-order' | 'reference' | 'payer-and-amount' | 'reversal' | 'manual';

/** One share of an entry's money applied to one invoice (negative for a reversal). */
export interface Allocation {
  invoiceId: string;
  number: string;
  /** In the invoice's currency. */
  amount: string;
  /** Said in words: what was found where, e.g. `invoice number 0000001234 in the remittance text "ф-ра 1234"`. */
  reason: string;
}

export type EntryDecision =
  | {
      kind: 'matched';
      rule: MatchRule;
      allocations: Allocation[];
      /** Money beyond what the named invoices owed: the customer's credit with the issuer, in the invoices' currency. */
      credit?: { customerKey: string; amount: string; currency: string };
      /** When the entry's currency differs: e.g. `BGN 195.58 at the fixed rate 1.95583 = EUR 100.00`. */
      conversion?: string;
      reason: string;
    }
  | {
      kind: 'review';
      /** Why no automatic decision: e.g. `two open invoices of 120.00 EUR from this payer: 0000000012, 0000000015`. */
      reason: string;
      candidates: { invoiceId: string; number: string; outstanding: string; evidence: string }[];
    }
  | {
      /** Not a payment of an invoice (a debit, a fee, a pending or information-only entry): kept, never matched. */
      kind: 'not-a-payment';
      reason: string;
    };

/**
 * The business key of a statement entry: the account, the booking date and the bank's reference (or, for an entry
 * without one, the statement's id and the entry's position). Importing the same statement twice yields the same keys.
 */
export function entryKey(statement: BankStatement, entry: StatementEntry): string {
  const account = statement.account.iban ?? statement.account.other ?? 'unknown-account';
  const reference = entry.bankReference?.trim() || `${statement.id}#${entry.index}`;
  return `${account}|${entry.bookingDate}|${reference}`;
}
