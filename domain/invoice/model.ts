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
  /** UBL: ['number'] when the reference has no invoice document ID element (BR-55 tests the element); else unset. */
  absent?: 'number'[];
}

/**
 * The tax category of scheme VAT, chosen as the CEN artefacts choose it (UBL cac:TaxScheme/cbc:ID, CII ram:TypeCode,
 * upper-cased): a category of another scheme is no VAT category. Each field is its element's text ('' when the
 * element is empty) and undefined when the element is absent, since several rules test only for the element.
 */
export interface VatSchemeCategory {
  code?: string;
  rate?: string;
}

/** BG-16 Payment instructions. */
export interface PaymentInstructions {
  meansCode?: string; // BT-81
  meansText?: string; // BT-82
  remittanceInformation?: string; // BT-83
  creditTransfers: {
    accountId: string;
    accountName?: string;
    serviceProviderId?: string;
    /** 'accountId' when the account has no identifier element at all (BR-61 tests the element). */
    absent?: 'accountId'[];
  }[]; // BG-17: BT-84, BT-85, BT-86
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
  vatCategory?: VatSchemeCategory; // BT-95/BT-96 (BT-102/BT-103) under scheme VAT; undefined: none
  /** 'amount': no amount element (BR-31/36/41/43 test it); 'isCharge': no charge indicator, so neither kind. */
  absent?: ('amount' | 'isCharge')[];
}

/** BG-23 VAT breakdown. */
export interface VatBreakdown {
  taxableAmount: string; // BT-116
  taxAmount: string; // BT-117
  categoryCode: string; // BT-118
  rate?: string; // BT-119
  exemptionReason?: string; // BT-120
  exemptionReasonCode?: string; // BT-121
  vatCategory?: VatSchemeCategory; // BT-118/BT-119 under scheme VAT; undefined: none
  /** UBL: the position (from 0) of the cac:TaxTotal holding this subtotal (BR-CO-14 checks each TaxTotal). */
  taxTotal?: number;
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
  invoicingPeriod?: Period; // BG-26 (present when the line has a period at all)
  buyerItemId?: string; // BT-156
  classifications?: Identifier[]; // BT-158 (scheme = listID)
  originCountry?: string; // BT-159
  attributes?: { name?: string; value?: string }[]; // BG-32: BT-160, BT-161
  vatCategory?: VatSchemeCategory; // BT-151/BT-152 under scheme VAT; undefined: none
  /** CII: the identifier text of every ram:AdditionalReferencedDocument of the line, whatever its type (BR-52). */
  referencedDocumentIds?: string[];
  /** Required fields read as '' whose element is absent, not merely empty (BR-22, BR-24, BR-26 test the element). */
  absent?: ('quantity' | 'netAmount' | 'netPrice')[];
}

/** BG-14 / BG-26 invoicing period. */
export interface Period {
  start?: string;
  end?: string;
  /** CII: the @format of each date; the CEN artefact compares only dates of format 102 (BR-29, BR-30). */
  startFormat?: string;
  endFormat?: string;
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
  /** The required totals read as '' whose element is absent, not merely empty. */
  absent?: ('lineNetTotal' | 'taxExclusive' | 'taxInclusive' | 'payable')[];
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
  invoicingPeriod?: Period; // BG-14
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
  vatAmounts?: { amount: string; currency?: string; taxTotal?: number }[]; // taxTotal: UBL, as in VatBreakdown
  /** Every country code element's text as written, anywhere in the document (UBL cbc:IdentificationCode, CII ram:CountryID): BR-B-01 allows split payment only when all are IT. */
  countryCodes?: string[];
  /** CII: the @format of the issue date (BR-03 reads only a date of format 102). */
  issueDateFormat?: string;
  /**
   * Parts read as '' or as an empty party whose element is absent: 'currency' (BT-5), 'seller' (UBL
   * cac:AccountingSupplierParty, CII ram:SellerTradeParty), 'totals' (BG-22); rules in their context then do not apply.
   */
  absent?: ('currency' | 'seller' | 'totals')[];
  /** Checks only the syntax can answer (cardinalities, code lists on attributes), found while parsing. */
  syntaxFindings?: Finding[];
  /** Every coded value the EN 16931 code-list rules (BR-CL-*) check, where it occurs in the document. */
  codedValues?: CodedValue[];
}

/**
 * A coded value as a code-list rule (BR-CL-*) of the CEN artefacts finds it: the artefacts match elements by name and
 * parent wherever they occur, not by business term, so the readers collect every occurrence (a duplicated one too).
 */
export interface CodedValue {
  ruleId: `BR-CL-${string}`;
  list: CodeList;
  /** Whitespace-normalized as the rule compares it (a MIME code as written); undefined: the attribute is absent. */
  value?: string;
  /** XPath of the element, or of the attribute (ending in /@name). */
  path: string;
}

/** The code lists the BR-CL rules name (their codes are in domain/rules/code-lists/). */
export type CodeList =
  | 'UNTDID 1001' // document types, invoices and credit notes (CII)
  | 'UNTDID 1001 invoice'
  | 'UNTDID 1001 credit note'
  | 'ISO 4217'
  | 'UNTDID 2005' // the VAT point date codes EN 16931 allows (UBL)
  | 'UNTDID 2475' // the VAT due date type codes EN 16931 allows (CII)
  | 'UNTDID 1153'
  | 'UNTDID 4451'
  | 'ISO 6523 ICD'
  | 'UNTDID 7143'
  | 'ISO 3166-1'
  | 'UNTDID 4461'
  | 'UNTDID 5305'
  | 'UNTDID 5189'
  | 'UNTDID 7161'
  | 'VATEX'
  | 'UNECE Rec 20/21'
  | 'MIME'
  | 'EAS';

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
