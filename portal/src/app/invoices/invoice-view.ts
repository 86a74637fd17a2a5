/**
 * The invoice as a person reads it: the EN 16931 model (domain/invoice/model.ts) turned into labelled,
 * display-ready pieces in the language on screen, so the template only lays them out. A computed() builds it
 * with the Language service's translator, so a language switch rebuilds it. Amounts stay decimal strings; the
 * pipes format them.
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
import { LOCALES, type LanguageCode, type PlainTranslationKey, type Translator } from '../i18n';
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
  /** "Allowance: loyalty discount", "Надбавка: транспорт". */
  description: string;
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
const DOCUMENT_NAMES: Record<string, PlainTranslationKey> = {
  '380': 'documentTypes.invoice',
  '381': 'documentTypes.creditNote',
  '383': 'documentTypes.debitNote',
  '384': 'documentTypes.correctedInvoice',
  '386': 'documentTypes.prepaymentInvoice',
  '389': 'documentTypes.selfBilledInvoice',
  '326': 'documentTypes.partialInvoice',
};

/** UN/ECE Recommendation 20 unit codes met on invoices. */
const UNIT_NAMES: Record<string, PlainTranslationKey> = {
  C62: 'units.piece',
  H87: 'units.piece',
  EA: 'units.each',
  XPP: 'units.piece',
  SET: 'units.set',
  HUR: 'units.hour',
  MIN: 'units.minute',
  DAY: 'units.day',
  WEE: 'units.week',
  MON: 'units.month',
  ANN: 'units.year',
  KGM: 'units.kilogram',
  GRM: 'units.gram',
  TNE: 'units.tonne',
  MTR: 'units.metre',
  KMT: 'units.kilometre',
  MTK: 'units.squareMetre',
  MTQ: 'units.cubicMetre',
  LTR: 'units.litre',
  KWH: 'units.kilowattHour',
  MWH: 'units.megawattHour',
  LS: 'units.lumpSum',
};

/** UNTDID 5305 VAT category codes. */
const VAT_CATEGORIES: Record<string, PlainTranslationKey> = {
  S: 'vatCategories.standard',
  Z: 'vatCategories.zero',
  E: 'vatCategories.exempt',
  AE: 'vatCategories.reverseCharge',
  K: 'vatCategories.intraEu',
  G: 'vatCategories.export',
  O: 'vatCategories.outOfScope',
  L: 'vatCategories.canaryIslands',
  M: 'vatCategories.ceutaMelilla',
};

/** UNTDID 4461 payment means codes. */
const PAYMENT_MEANS: Record<string, PlainTranslationKey> = {
  '1': 'paymentMeans.notSpecified',
  '10': 'paymentMeans.cash',
  '20': 'paymentMeans.cheque',
  '30': 'paymentMeans.creditTransfer',
  '31': 'paymentMeans.debitTransfer',
  '42': 'paymentMeans.bankAccount',
  '48': 'paymentMeans.bankCard',
  '49': 'paymentMeans.directDebit',
  '57': 'paymentMeans.standingAgreement',
  '58': 'paymentMeans.sepaCreditTransfer',
  '59': 'paymentMeans.sepaDirectDebit',
  '68': 'paymentMeans.online',
  '97': 'paymentMeans.clearing',
  ZZZ: 'paymentMeans.mutuallyDefined',
};

const countryNames = new Map<LanguageCode, Intl.DisplayNames>();

function countryName(code: string, language: LanguageCode): string {
  try {
    let names = countryNames.get(language);
    if (!names) {
      names = new Intl.DisplayNames([LOCALES[language]], { type: 'region' });
      countryNames.set(language, names);
    }
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

function present(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.trim() !== '';
}

/** Builds the view in one language; every function below takes the translator it was given. */
class InvoiceViewBuilder {
  constructor(private readonly translator: Translator) {}

  private get t(): Translator['t'] {
    return this.translator.t;
  }

  private date(date: string): string {
    return formatCalendarDate(date, this.translator.language);
  }

  build(detail: InvoiceDetail): InvoiceView {
    const { invoice } = detail;
    const documentName =
      DOCUMENT_NAMES[invoice.typeCode] ??
      (invoice.kind === 'CreditNote' ? 'documentTypes.creditNote' : 'documentTypes.invoice');
    return {
      documentName: this.t(documentName),
      number: invoice.number,
      currency: invoice.currency,
      dates: this.dates(invoice),
      dueDate: invoice.dueDate ?? detail.dueDate,
      references: this.references(invoice),
      parties: [
        this.party(this.t('invoice.parties.supplier'), invoice.seller),
        this.party(this.t('invoice.parties.customer'), invoice.buyer),
      ],
      payee: invoice.payee ? this.party(this.t('invoice.parties.payee'), invoice.payee) : null,
      lines: invoice.lines.map((line) => this.line(line)),
      adjustments: invoice.allowanceCharges.map((adjustment) => this.adjustment(adjustment)),
      vatBreakdown: invoice.vatBreakdown.map((breakdown) => ({
        category: this.vatCategory(breakdown.categoryCode),
        rate: breakdown.rate ?? null,
        taxableAmount: breakdown.taxableAmount,
        taxAmount: breakdown.taxAmount,
        exemption: breakdown.exemptionReason ?? breakdown.exemptionReasonCode ?? null,
      })),
      totals: this.totals(invoice),
      payable: invoice.totals.payable,
      payment: this.payment(invoice.payment),
      paymentTerms: present(invoice.paymentTerms) ? invoice.paymentTerms : null,
      notes: invoice.notes.filter(present),
    };
  }

  private addressLines(address: PostalAddress | undefined): string[] {
    if (!address) return [];
    const place = [address.postCode, address.city].filter(present).join(' ');
    return [
      address.line1,
      address.line2,
      address.line3,
      place,
      address.subdivision,
      address.countryCode ? countryName(address.countryCode, this.translator.language) : undefined,
    ].filter(present);
  }

  private party(role: string, party: Party): PartyView {
    const { t } = this;
    const isBulgarian =
      party.address?.countryCode?.toUpperCase() === 'BG' || party.vatId?.toUpperCase().startsWith('BG');
    const identifiers: LabelledValue[] = [];
    if (present(party.vatId)) identifiers.push({ label: t('invoice.parties.vatNumber'), value: party.vatId });
    if (party.legalRegistrationId && present(party.legalRegistrationId.value)) {
      identifiers.push({
        label: t(isBulgarian ? 'invoice.parties.eik' : 'invoice.parties.registrationNumber'),
        value: party.legalRegistrationId.value,
      });
    }
    if (present(party.taxRegistrationId)) {
      identifiers.push({ label: t('invoice.parties.taxRegistration'), value: party.taxRegistrationId });
    }
    for (const identifier of party.identifiers) {
      if (present(identifier.value) && !identifiers.some((known) => known.value === identifier.value)) {
        identifiers.push({ label: t('invoice.parties.identifier'), value: identifier.value });
      }
    }
    const contact = [party.contact?.name, party.contact?.phone, party.contact?.email].filter(present);
    return {
      role,
      name: party.name ?? party.tradingName ?? '—',
      tradingName:
        party.name && present(party.tradingName) && party.tradingName !== party.name
          ? party.tradingName
          : null,
      addressLines: this.addressLines(party.address),
      identifiers,
      contact,
    };
  }

  private vatCategory(code: string | undefined): string {
    if (!code) return '';
    const key = VAT_CATEGORIES[code];
    return key ? this.t(key) : code;
  }

  private adjustment(adjustment: AllowanceCharge): AdjustmentView {
    const kind = this.t(adjustment.isCharge ? 'invoice.adjustments.charge' : 'invoice.adjustments.allowance');
    const reason =
      adjustment.reason ??
      (adjustment.reasonCode
        ? this.t('invoice.adjustments.reasonCode', { code: adjustment.reasonCode })
        : null);
    return {
      description: reason ? this.t('invoice.adjustments.reasoned', { kind, reason }) : kind,
      amount: adjustment.isCharge ? adjustment.amount : negate(adjustment.amount),
      vatRate: adjustment.vatRate ?? null,
      vatCategory: adjustment.vatCategoryCode ? this.vatCategory(adjustment.vatCategoryCode) : null,
    };
  }

  private line(line: InvoiceLine): LineView {
    const hasPeriod = Boolean(line.periodStart || line.periodEnd);
    const unit = line.unitCode ? UNIT_NAMES[line.unitCode] : undefined;
    return {
      id: line.id,
      itemName: line.itemName,
      description: present(line.itemDescription) ? line.itemDescription : null,
      note: present(line.note) ? line.note : null,
      period: hasPeriod
        ? [line.periodStart, line.periodEnd].map((date) => (date ? this.date(date) : '…')).join(' – ')
        : null,
      quantity: line.quantity,
      unit: unit ? this.t(unit) : (line.unitCode ?? ''),
      netPrice: line.netPrice,
      priceBase:
        present(line.priceBaseQuantity) && Number(line.priceBaseQuantity) !== 1
          ? line.priceBaseQuantity
          : null,
      netAmount: line.netAmount,
      vatRate: line.vatRate ?? null,
      vatCategory: this.vatCategory(line.vatCategoryCode),
      adjustments: line.allowanceCharges.map((adjustment) => this.adjustment(adjustment)),
    };
  }

  private totals(invoice: Invoice): TotalView[] {
    const { totals: sums } = invoice;
    const rows: [PlainTranslationKey, string | undefined, boolean][] = [
      ['invoice.totals.lineNetTotal', sums.lineNetTotal, false],
      ['invoice.totals.allowances', sums.allowanceTotal ? negate(sums.allowanceTotal) : undefined, false],
      ['invoice.totals.charges', sums.chargeTotal, false],
      ['invoice.totals.taxExclusive', sums.taxExclusive, false],
      ['invoice.totals.vat', sums.vatTotal, false],
      ['invoice.totals.taxInclusive', sums.taxInclusive, false],
      ['invoice.totals.prepaid', sums.prepaid ? negate(sums.prepaid) : undefined, false],
      ['invoice.totals.rounding', sums.rounding, false],
      ['invoice.totals.payable', sums.payable, true],
    ];
    return rows
      .filter((row): row is [PlainTranslationKey, string, boolean] => present(row[1]))
      .map(([label, amount, emphasis]) => ({ label: this.t(label), amount, emphasis }));
  }

  private payment(payment: PaymentInstructions | undefined): PaymentView | null {
    if (!payment) return null;
    const { t } = this;
    const meansKey = payment.meansCode ? PAYMENT_MEANS[payment.meansCode] : undefined;
    const means = present(payment.meansText)
      ? payment.meansText
      : payment.meansCode
        ? meansKey
          ? t(meansKey)
          : t('invoice.payment.meansCode', { code: payment.meansCode })
        : null;
    const debit = payment.directDebit;
    return {
      means,
      accounts: payment.creditTransfers.map((transfer) => ({
        iban: transfer.accountId,
        bic: transfer.serviceProviderId ?? null,
        accountName: transfer.accountName ?? null,
      })),
      reference: present(payment.remittanceInformation) ? payment.remittanceInformation : null,
      card: payment.card
        ? t('invoice.payment.cardEnding', { digits: payment.card.primaryAccountNumber.slice(-4) })
        : null,
      directDebit: debit
        ? [
            debit.mandateReference && t('invoice.payment.mandate', { reference: debit.mandateReference }),
            debit.debitedAccountId && t('invoice.payment.fromAccount', { account: debit.debitedAccountId }),
          ]
            .filter(present)
            .join(', ') || t('invoice.payment.directDebit')
        : null,
    };
  }

  private references(invoice: Invoice): LabelledValue[] {
    const { t } = this;
    const found: LabelledValue[] = [];
    if (present(invoice.buyerReference)) {
      found.push({ label: t('invoice.facts.buyerReference'), value: invoice.buyerReference });
    }
    if (present(invoice.orderReference))
      found.push({ label: t('invoice.facts.order'), value: invoice.orderReference });
    if (present(invoice.contractReference)) {
      found.push({ label: t('invoice.facts.contract'), value: invoice.contractReference });
    }
    for (const preceding of invoice.precedingInvoices) {
      found.push({
        label: t('invoice.facts.corrects'),
        value: preceding.issueDate
          ? t('invoice.facts.correctsOf', { number: preceding.number, date: this.date(preceding.issueDate) })
          : preceding.number,
      });
    }
    return found;
  }

  private dates(invoice: Invoice): { label: string; date: string }[] {
    const { t } = this;
    const found = [{ label: t('invoice.facts.issueDate'), date: invoice.issueDate }];
    if (invoice.taxPointDate && invoice.taxPointDate !== invoice.issueDate) {
      found.push({ label: t('invoice.facts.taxPointDate'), date: invoice.taxPointDate });
    }
    if (invoice.delivery?.date)
      found.push({ label: t('invoice.facts.deliveryDate'), date: invoice.delivery.date });
    if (invoice.invoicingPeriod?.start) {
      found.push({ label: t('invoice.facts.periodFrom'), date: invoice.invoicingPeriod.start });
    }
    if (invoice.invoicingPeriod?.end) {
      found.push({ label: t('invoice.facts.periodTo'), date: invoice.invoicingPeriod.end });
    }
    return found;
  }
}

function negate(amount: string): string {
  const trimmed = amount.trim();
  if (trimmed.startsWith('-')) return trimmed.slice(1);
  return '-' + trimmed.replace(/^\+/, '');
}

export function toInvoiceView(detail: InvoiceDetail, translator: Translator): InvoiceView {
  return new InvoiceViewBuilder(translator).build(detail);
}
