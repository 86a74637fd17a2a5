/**
 * The invoice model: the EN 16931 semantic model as plain data.
 * Field names are business names; the comment on each names its business term (BT) or group (BG).
 * Amounts are decimal strings exactly as written in the document (no float rounding);
 * the rules convert them with the standard's rounding when they compute.
 */

export type Syntax = 'UBL' | 'CII';

/** UBL root element / CII type code family. */
export type DocumentKind = 'Invoice' | 'CreditNote';

export interface Identifier {
  value: string;
  /** schemeID / scheme identifier, e.g. "0088", "9926", "VA". */
  scheme?: string;
}

export interface PostalAddress {
  line1?: string; // BT-35 / BT-50
  line2?: string; // BT-36 / BT-51
  line3?: string; // BT-162 / BT-163
  city?: string; // BT-37 / BT-52
  postCode?: string; // BT-38 / BT-53
  subdivision?: string; // BT-39 / BT-54
  countryCode?: string; // BT-40 / BT-55 (ISO 3166-1 alpha-2)
}

export interface Contact {
  name?: string; // BT-41 / BT-56
  phone?: string; // BT-42 / BT-57
  email?: string; // BT-43 / BT-58
}

/** BG-4 Seller / BG-7 Buyer / BG-10 Payee / BG-11 Seller tax representative. */
export interface Party {
  name?: string; // BT-27 / BT-44 / BT-59 / BT-62
  tradingName?: string; // BT-28 / BT-45
  identifiers: Identifier[]; // BT-29 / BT-46 / BT-60
  legalRegistrationId?: Identifier; // BT-30 / BT-47 / BT-61
  vatId?: string; // BT-31 / BT-48 / BT-63
  taxRegistrationId?: string; // BT-32 (seller tax registration, e.g. EIK where not VAT-registered)
  additionalLegalInfo?: string; // BT-33
  electronicAddress?: Identifier; // BT-34 / BT-49
  address?: PostalAddress; // BG-5 / BG-8 / BG-12
  contact?: Contact; // BG-6 / BG-9
}

export interface DocumentReference {
  id: string;
  issueDate?: string; // BT-26 for preceding invoices
}

/** BG-3 Preceding invoice reference (credit/debit notes, Art. 115 VAT Act). */
export interface PrecedingInvoice {
  number: string; // BT-25
  issueDate?: string; // BT-26
}

/** BG-16 Payment instructions. */
export interface PaymentInstructions {
  meansCode?: string; // BT-81
  meansText?: string; // BT-82
  remittanceInformation?: string; // BT-83
  creditTransfers: { accountId: string; accountName?: string; serviceProviderId?: string }[]; // BG-17: BT-84, BT-85, BT-86
  card?: { primaryAccountNumber: string; holderName?: string }; // BG-18
  directDebit?: { mandateReference?: string; creditorId?: string; debitedAccountId?: string }; // BG-19
}

/** BG-20 Document level allowances / BG-21 charges. */
export interface AllowanceCharge {
  isCharge: boolean;
  amount: string; // BT-92 / BT-99
  baseAmount?: string; // BT-93 / BT-100
  percentage?: string; // BT-94 / BT-101
  vatCategoryCode?: string; // BT-95 / BT-102
  vatRate?: string; // BT-96 / BT-103
  reason?: string; // BT-97 / BT-104
  reasonCode?: string; // BT-98 / BT-105
}

/** BG-23 VAT breakdown. */
export interface VatBreakdown {
  taxableAmount: string; // BT-116
  taxAmount: string; // BT-117
  categoryCode: string; // BT-118
  rate?: string; // BT-119
  exemptionReason?: string; // BT-120
  exemptionReasonCode?: string; // BT-121
}

/** BG-25 Invoice line. */
export interface InvoiceLine {
  id: string; // BT-126
  note?: string; // BT-127
  quantity: string; // BT-129
  unitCode?: string; // BT-130
  netAmount: string; // BT-131
  periodStart?: string; // BT-134
  periodEnd?: string; // BT-135
  allowanceCharges: AllowanceCharge[]; // BG-27 / BG-28
  netPrice: string; // BT-146
  priceDiscount?: string; // BT-147
  grossPrice?: string; // BT-148
  priceBaseQuantity?: string; // BT-149
  priceBaseQuantityUnitCode?: string; // BT-150
  vatCategoryCode?: string; // BT-151
  vatRate?: string; // BT-152
  itemName: string; // BT-153
  itemDescription?: string; // BT-154
  sellerItemId?: string; // BT-155
  standardItemId?: Identifier; // BT-157
  objectIdentifier?: Identifier; // BT-128
  orderLineReference?: string; // BT-132
  buyerAccountingReference?: string; // BT-133
  invoicingPeriod?: { start?: string; end?: string }; // BG-26 (present when the line has a period at all)
  buyerItemId?: string; // BT-156
  classifications?: Identifier[]; // BT-158 (scheme = listID)
  originCountry?: string; // BT-159
  attributes?: { name?: string; value?: string }[]; // BG-32: BT-160, BT-161
}

/** BG-22 Document totals. */
export interface DocumentTotals {
  lineNetTotal: string; // BT-106
  allowanceTotal?: string; // BT-107
  chargeTotal?: string; // BT-108
  taxExclusive: string; // BT-109
  vatTotal?: string; // BT-110
  vatTotalInAccountingCurrency?: string; // BT-111
  taxInclusive: string; // BT-112
  prepaid?: string; // BT-113
  rounding?: string; // BT-114
  payable: string; // BT-115
}

export interface Invoice {
  syntax: Syntax;
  kind: DocumentKind;
  customizationId?: string; // BT-24
  profileId?: string; // BT-23
  number: string; // BT-1
  issueDate: string; // BT-2 (YYYY-MM-DD)
  typeCode: string; // BT-3 (380 invoice, 381 credit note, 383 debit note, ...)
  currency: string; // BT-5
  vatCurrency?: string; // BT-6
  taxPointDate?: string; // BT-7
  dueDate?: string; // BT-9
  buyerReference?: string; // BT-10
  notes: string[]; // BG-1 / BT-22
  orderReference?: string; // BT-13
  contractReference?: string; // BT-12
  precedingInvoices: PrecedingInvoice[]; // BG-3
  seller: Party; // BG-4
  buyer: Party; // BG-7
  payee?: Party; // BG-10
  taxRepresentative?: Party; // BG-11
  delivery?: { date?: string; locationId?: Identifier; address?: PostalAddress; partyName?: string }; // BG-13
  invoicingPeriod?: { start?: string; end?: string }; // BG-14
  payment?: PaymentInstructions; // BG-16
  paymentTerms?: string; // BT-20
  allowanceCharges: AllowanceCharge[]; // BG-20 / BG-21
  totals: DocumentTotals; // BG-22
  vatBreakdown: VatBreakdown[]; // BG-23
  lines: InvoiceLine[]; // BG-25
  taxPointDateCode?: string; // BT-8
  projectReference?: string; // BT-11
  salesOrderReference?: string; // BT-14
  receivingAdviceReference?: string; // BT-15
  despatchAdviceReference?: string; // BT-16
  tenderReference?: string; // BT-17
  invoicedObject?: Identifier; // BT-18
  buyerAccountingReference?: string; // BT-19
  supportingDocuments?: SupportingDocument[]; // BG-24
  /** Every payment means in document order (BG-16 repeats in UBL); `payment` is the first. */
  paymentMeans?: PaymentInstructions[];
  /** Every VAT total amount as written with its currency (BT-110 and BT-111 before they are told apart). */
  vatAmounts?: { amount: string; currency?: string }[];
  /** Checks only the syntax can answer (cardinalities, code lists on attributes), found while parsing. */
  syntaxFindings?: Finding[];
}

/** BG-24 Additional supporting document. */
export interface SupportingDocument {
  id: string; // BT-122
  scheme?: string; // schemeID of BT-122 (BT-18 when type code 130)
  typeCode?: string; // UBL DocumentTypeCode / CII TypeCode
  description?: string; // BT-123
  externalUri?: string; // BT-124
  attachment?: { mimeCode?: string; filename?: string }; // BT-125
}

/** One result of checking an invoice: a rule that failed, where, and what to do, in English and Bulgarian. */
export interface Finding {
  ruleId: string;
  severity: 'fatal' | 'warning';
  /** XPath of the element (or its parent when the element is missing) in the checked document. */
  path: string;
  message: string;
  messageBg: string;
}

/** What the hub remembers about an invoice everywhere else (database row, workflow input, API answers). */
export interface InvoiceSummary {
  syntax: Syntax;
  kind: DocumentKind;
  number: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  supplier: { name?: string; vatId?: string; id?: string };
  customer: { name?: string; vatId?: string; id?: string; email?: string };
  total: string; // BT-115 amount payable
}
