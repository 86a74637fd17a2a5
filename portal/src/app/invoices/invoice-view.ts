/**
 * The invoice as a person reads it: the EN 16931 model (domain/invoice/model.ts) turned into labelled,
 * display-ready pieces, so the template only lays them out. Amounts stay decimal strings; pipes format them.
 */
import type {
  AllowanceCharge,
  Invoice,
  InvoiceLine,
  Party,
  PaymentInstructions,
  PostalAddress,
} from '../../../../domain/invoice/model';
import type { InvoiceDetail } from '../../../../gateway/portal/contract';
import { formatCalendarDate } from '../shared/format';

export interface LabelledValue {
  label: string;
  value: string;
}

export interface PartyView {
  role: string;
  name: string;
  tradingName: string | null;
  addressLines: string[];
  identifiers: LabelledValue[];
  contact: string[];
}

export interface LineView {
  id: string;
  itemName: string;
  description: string | null;
  note: string | null;
  period: string | null;
  quantity: string;
  unit: string;
  netPrice: string;
  priceBase: string | null;
  netAmount: string;
  vatRate: string | null;
  vatCategory: string;
  adjustments: AdjustmentView[];
}

export interface AdjustmentView {
  kind: 'Allowance' | 'Charge';
  reason: string;
  /** Negative for allowances, so the sign reads the way the total moves. */
  amount: string;
  vatRate: string | null;
  vatCategory: string | null;
}

export interface VatBreakdownView {
  category: string;
  rate: string | null;
  taxableAmount: string;
  taxAmount: string;
  exemption: string | null;
}

export interface TotalView {
  label: string;
  amount: string;
  emphasis: boolean;
}

export interface PaymentView {
  means: string | null;
  accounts: { iban: string; bic: string | null; accountName: string | null }[];
  reference: string | null;
  card: string | null;
  directDebit: string | null;
}

export interface InvoiceView {
  documentName: string;
  documentNameBg: string;
  number: string;
  currency: string;
  dates: { label: string; date: string }[];
  dueDate: string | null;
  references: LabelledValue[];
  /** Supplier, then customer. */
  parties: [PartyView, PartyView];
  payee: PartyView | null;
  lines: LineView[];
  adjustments: AdjustmentView[];
  vatBreakdown: VatBreakdownView[];
  totals: TotalView[];
  payable: string;
  payment: PaymentView | null;
  paymentTerms: string | null;
  notes: string[];
}

/** UNTDID 1001 document type codes met on Bulgarian and EU invoices. */
const DOCUMENT_NAMES: Record<string, [string, string]> = {
  '380': ['Invoice', 'Фактура'],
  '381': ['Credit note', 'Кредитно известие'],
  '383': ['Debit note', 'Дебитно известие'],
  '384': ['Corrected invoice', 'Коригираща фактура'],
  '386': ['Prepayment invoice', 'Фактура за авансово плащане'],
  '389': ['Self-billed invoice', 'Фактура (самофактуриране)'],
  '326': ['Partial invoice', 'Частична фактура'],
};

/** UN/ECE Recommendation 20 unit codes met on invoices. */
const UNIT_NAMES: Record<string, string> = {
  C62: 'pcs',
  H87: 'pcs',
  EA: 'each',
  XPP: 'pcs',
  SET: 'sets',
  HUR: 'h',
  MIN: 'min',
  DAY: 'days',
  WEE: 'weeks',
  MON: 'months',
  ANN: 'years',
  KGM: 'kg',
  GRM: 'g',
  TNE: 't',
  MTR: 'm',
  KMT: 'km',
  MTK: 'm²',
  MTQ: 'm³',
  LTR: 'l',
  KWH: 'kWh',
  MWH: 'MWh',
  LS: 'lump sum',
};

/** UNTDID 5305 VAT category codes. */
const VAT_CATEGORIES: Record<string, string> = {
  S: 'Standard rate',
  Z: 'Zero rated',
  E: 'Exempt',
  AE: 'Reverse charge',
  K: 'Intra-EU supply',
  G: 'Export outside the EU',
  O: 'Outside the scope of VAT',
  L: 'Canary Islands tax',
  M: 'Ceuta and Melilla tax',
};

/** UNTDID 4461 payment means codes. */
const PAYMENT_MEANS: Record<string, string> = {
  '1': 'Not specified',
  '10': 'Cash',
  '20': 'Cheque',
  '30': 'Credit transfer',
  '31': 'Debit transfer',
  '42': 'Payment to bank account',
  '48': 'Bank card',
  '49': 'Direct debit',
  '57': 'Standing agreement',
  '58': 'SEPA credit transfer',
  '59': 'SEPA direct debit',
  '68': 'Online payment service',
  '97': 'Clearing between partners',
  ZZZ: 'Mutually defined',
};

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string): string {
  try {
    return countryNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

function present(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.trim() !== '';
}

function addressLines(address: PostalAddress | undefined): string[] {
  if (!address) return [];
  const place = [address.postCode, address.city].filter(present).join(' ');
  return [
    address.line1,
    address.line2,
    address.line3,
    place,
    address.subdivision,
    address.countryCode ? countryName(address.countryCode) : undefined,
  ].filter(present);
}

function partyView(role: string, party: Party): PartyView {
  const isBulgarian =
    party.address?.countryCode?.toUpperCase() === 'BG' || party.vatId?.toUpperCase().startsWith('BG');
  const identifiers: LabelledValue[] = [];
  if (present(party.vatId)) identifiers.push({ label: 'VAT number', value: party.vatId });
  if (party.legalRegistrationId && present(party.legalRegistrationId.value)) {
    identifiers.push({
      label: isBulgarian ? 'EIK / BULSTAT' : 'Registration number',
      value: party.legalRegistrationId.value,
    });
  }
  if (present(party.taxRegistrationId))
    identifiers.push({ label: 'Tax registration', value: party.taxRegistrationId });
  for (const identifier of party.identifiers) {
    if (present(identifier.value) && !identifiers.some((known) => known.value === identifier.value)) {
      identifiers.push({ label: 'Identifier', value: identifier.value });
    }
  }
  const contact = [party.contact?.name, party.contact?.phone, party.contact?.email].filter(present);
  return {
    role,
    name: party.name ?? party.tradingName ?? '—',
    tradingName:
      party.name && present(party.tradingName) && party.tradingName !== party.name ? party.tradingName : null,
    addressLines: addressLines(party.address),
    identifiers,
    contact,
  };
}

function vatCategory(code: string | undefined): string {
  if (!code) return '';
  return VAT_CATEGORIES[code] ?? code;
}

function negate(amount: string): string {
  const trimmed = amount.trim();
  if (trimmed.startsWith('-')) return trimmed.slice(1);
  return '-' + trimmed.replace(/^\+/, '');
}

function adjustmentView(adjustment: AllowanceCharge): AdjustmentView {
  const kind = adjustment.isCharge ? 'Charge' : 'Allowance';
  return {
    kind,
    reason: adjustment.reason ?? (adjustment.reasonCode ? `Reason code ${adjustment.reasonCode}` : kind),
    amount: adjustment.isCharge ? adjustment.amount : negate(adjustment.amount),
    vatRate: adjustment.vatRate ?? null,
    vatCategory: adjustment.vatCategoryCode ? vatCategory(adjustment.vatCategoryCode) : null,
  };
}

function period(start: string | undefined, end: string | undefined): { start?: string; end?: string } | null {
  return start || end ? { start, end } : null;
}

function lineView(line: InvoiceLine): LineView {
  const linePeriod = period(line.periodStart, line.periodEnd);
  return {
    id: line.id,
    itemName: line.itemName,
    description: present(line.itemDescription) ? line.itemDescription : null,
    note: present(line.note) ? line.note : null,
    period: linePeriod
      ? [linePeriod.start ?? '…', linePeriod.end ?? '…'].map((date) => formatCalendarDate(date)).join(' – ')
      : null,
    quantity: line.quantity,
    unit: line.unitCode ? (UNIT_NAMES[line.unitCode] ?? line.unitCode) : '',
    netPrice: line.netPrice,
    priceBase:
      present(line.priceBaseQuantity) && Number(line.priceBaseQuantity) !== 1 ? line.priceBaseQuantity : null,
    netAmount: line.netAmount,
    vatRate: line.vatRate ?? null,
    vatCategory: vatCategory(line.vatCategoryCode),
    adjustments: line.allowanceCharges.map(adjustmentView),
  };
}

function totals(invoice: Invoice): TotalView[] {
  const { totals: sums } = invoice;
  const rows: [string, string | undefined, boolean][] = [
    ['Sum of lines (net)', sums.lineNetTotal, false],
    ['Allowances', sums.allowanceTotal ? negate(sums.allowanceTotal) : undefined, false],
    ['Charges', sums.chargeTotal, false],
    ['Total without VAT', sums.taxExclusive, false],
    ['VAT', sums.vatTotal, false],
    ['Total with VAT', sums.taxInclusive, false],
    ['Paid in advance', sums.prepaid ? negate(sums.prepaid) : undefined, false],
    ['Rounding', sums.rounding, false],
    ['Amount payable', sums.payable, true],
  ];
  return rows
    .filter((row): row is [string, string, boolean] => present(row[1]))
    .map(([label, amount, emphasis]) => ({ label, amount, emphasis }));
}

function paymentView(payment: PaymentInstructions | undefined): PaymentView | null {
  if (!payment) return null;
  const means = present(payment.meansText)
    ? payment.meansText
    : payment.meansCode
      ? (PAYMENT_MEANS[payment.meansCode] ?? `Payment means ${payment.meansCode}`)
      : null;
  return {
    means,
    accounts: payment.creditTransfers.map((transfer) => ({
      iban: transfer.accountId,
      bic: transfer.serviceProviderId ?? null,
      accountName: transfer.accountName ?? null,
    })),
    reference: present(payment.remittanceInformation) ? payment.remittanceInformation : null,
    card: payment.card ? `Card ending ${payment.card.primaryAccountNumber.slice(-4)}` : null,
    directDebit: payment.directDebit
      ? [
          payment.directDebit.mandateReference && `Mandate ${payment.directDebit.mandateReference}`,
          payment.directDebit.debitedAccountId && `from account ${payment.directDebit.debitedAccountId}`,
        ]
          .filter(present)
          .join(', ') || 'Direct debit'
      : null,
  };
}

function references(invoice: Invoice): LabelledValue[] {
  const found: LabelledValue[] = [];
  if (present(invoice.buyerReference)) found.push({ label: 'Your reference', value: invoice.buyerReference });
  if (present(invoice.orderReference)) found.push({ label: 'Order', value: invoice.orderReference });
  if (present(invoice.contractReference)) found.push({ label: 'Contract', value: invoice.contractReference });
  for (const preceding of invoice.precedingInvoices) {
    found.push({
      label: 'Corrects invoice',
      value: preceding.issueDate
        ? `${preceding.number} of ${formatCalendarDate(preceding.issueDate)}`
        : preceding.number,
    });
  }
  return found;
}

function dates(invoice: Invoice): { label: string; date: string }[] {
  const found = [{ label: 'Date of issue', date: invoice.issueDate }];
  if (invoice.taxPointDate && invoice.taxPointDate !== invoice.issueDate) {
    found.push({ label: 'Date of the tax event', date: invoice.taxPointDate });
  }
  if (invoice.delivery?.date) found.push({ label: 'Delivery date', date: invoice.delivery.date });
  if (invoice.invoicingPeriod?.start)
    found.push({ label: 'Period from', date: invoice.invoicingPeriod.start });
  if (invoice.invoicingPeriod?.end) found.push({ label: 'Period to', date: invoice.invoicingPeriod.end });
  return found;
}

export function toInvoiceView(detail: InvoiceDetail): InvoiceView {
  const { invoice } = detail;
  const [documentName, documentNameBg] =
    DOCUMENT_NAMES[invoice.typeCode] ??
    (invoice.kind === 'CreditNote' ? ['Credit note', 'Кредитно известие'] : ['Invoice', 'Фактура']);
  return {
    documentName,
    documentNameBg,
    number: invoice.number,
    currency: invoice.currency,
    dates: dates(invoice),
    dueDate: invoice.dueDate ?? detail.dueDate,
    references: references(invoice),
    parties: [partyView('Supplier', invoice.seller), partyView('Customer', invoice.buyer)],
    payee: invoice.payee ? partyView('Payee', invoice.payee) : null,
    lines: invoice.lines.map(lineView),
    adjustments: invoice.allowanceCharges.map(adjustmentView),
    vatBreakdown: invoice.vatBreakdown.map((breakdown) => ({
      category: vatCategory(breakdown.categoryCode),
      rate: breakdown.rate ?? null,
      taxableAmount: breakdown.taxableAmount,
      taxAmount: breakdown.taxAmount,
      exemption: breakdown.exemptionReason ?? breakdown.exemptionReasonCode ?? null,
    })),
    totals: totals(invoice),
    payable: invoice.totals.payable,
    payment: paymentView(invoice.payment),
    paymentTerms: present(invoice.paymentTerms) ? invoice.paymentTerms : null,
    notes: invoice.notes.filter(present),
  };
}
