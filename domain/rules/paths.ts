/**
 * Where each business term lives in each syntax, as XPath, so a finding can point at the element to fix.
 * Paths follow the EN 16931 syntax bindings (CEN/TS 16931-3-2 for UBL, -3-3 for CII).
 */
import type { Invoice } from '../invoice/model';

type Term = keyof typeof UBL_TERMS;

const SELLER_UBL = 'cac:AccountingSupplierParty/cac:Party';
const BUYER_UBL = 'cac:AccountingCustomerParty/cac:Party';

const UBL_TERMS = {
  'BT-1': 'cbc:ID',
  'BT-2': 'cbc:IssueDate',
  'BT-3': '{typeCode}',
  'BT-5': 'cbc:DocumentCurrencyCode',
  'BT-6': 'cbc:TaxCurrencyCode',
  'BT-7': 'cbc:TaxPointDate',
  'BT-8': 'cac:InvoicePeriod/cbc:DescriptionCode',
  'BT-9': 'cbc:DueDate',
  'BT-10': 'cbc:BuyerReference',
  'BT-23': 'cbc:ProfileID',
  'BT-24': 'cbc:CustomizationID',
  'BG-3': 'cac:BillingReference/cac:InvoiceDocumentReference',
  'BT-25': 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID',
  'BT-26': 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate',
  'BG-4': SELLER_UBL,
  'BT-27': `${SELLER_UBL}/cac:PartyLegalEntity/cbc:RegistrationName`,
  'BT-29': `${SELLER_UBL}/cac:PartyIdentification/cbc:ID`,
  'BT-30': `${SELLER_UBL}/cac:PartyLegalEntity/cbc:CompanyID`,
  'BT-31': `${SELLER_UBL}/cac:PartyTaxScheme/cbc:CompanyID`,
  'BT-32': `${SELLER_UBL}/cac:PartyTaxScheme/cbc:CompanyID`,
  'BT-34': `${SELLER_UBL}/cbc:EndpointID`,
  'BG-5': `${SELLER_UBL}/cac:PostalAddress`,
  'BT-40': `${SELLER_UBL}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`,
  'BG-7': BUYER_UBL,
  'BT-44': `${BUYER_UBL}/cac:PartyLegalEntity/cbc:RegistrationName`,
  'BT-46': `${BUYER_UBL}/cac:PartyIdentification/cbc:ID`,
  'BT-47': `${BUYER_UBL}/cac:PartyLegalEntity/cbc:CompanyID`,
  'BT-48': `${BUYER_UBL}/cac:PartyTaxScheme/cbc:CompanyID`,
  'BT-49': `${BUYER_UBL}/cbc:EndpointID`,
  'BG-8': `${BUYER_UBL}/cac:PostalAddress`,
  'BT-55': `${BUYER_UBL}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`,
  'BT-58': `${BUYER_UBL}/cac:Contact/cbc:ElectronicMail`,
  'BG-10': 'cac:PayeeParty',
  'BT-59': 'cac:PayeeParty/cac:PartyName/cbc:Name',
  'BG-11': 'cac:TaxRepresentativeParty',
  'BT-62': 'cac:TaxRepresentativeParty/cac:PartyName/cbc:Name',
  'BT-63': 'cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID',
  'BG-12': 'cac:TaxRepresentativeParty/cac:PostalAddress',
  'BT-69': 'cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode',
  'BG-13': 'cac:Delivery',
  'BT-72': 'cac:Delivery/cbc:ActualDeliveryDate',
  'BG-15': 'cac:Delivery/cac:DeliveryLocation/cac:Address',
  'BT-80': 'cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode',
  'BG-14': 'cac:InvoicePeriod',
  'BG-16': 'cac:PaymentMeans',
  'BT-81': 'cac:PaymentMeans/cbc:PaymentMeansCode',
  'BT-83': 'cac:PaymentMeans/cbc:PaymentID',
  'BT-84': 'cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID',
  'BT-87': 'cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID',
  'BG-22': 'cac:LegalMonetaryTotal',
  'BT-106': 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount',
  'BT-107': 'cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount',
  'BT-108': 'cac:LegalMonetaryTotal/cbc:ChargeTotalAmount',
  'BT-109': 'cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount',
  'BT-110': 'cac:TaxTotal/cbc:TaxAmount',
  'BT-111': 'cac:TaxTotal/cbc:TaxAmount',
  'BT-112': 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount',
  'BT-113': 'cac:LegalMonetaryTotal/cbc:PrepaidAmount',
  'BT-114': 'cac:LegalMonetaryTotal/cbc:PayableRoundingAmount',
  'BT-115': 'cac:LegalMonetaryTotal/cbc:PayableAmount',
  'BG-23': 'cac:TaxTotal/cac:TaxSubtotal',
  'BG-24': 'cac:AdditionalDocumentReference',
  'BG-20': 'cac:AllowanceCharge',
  'BG-25': '{line}',
};

const SELLER_CII = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty';
const BUYER_CII = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty';
const SETTLEMENT = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement';
const SUMMATION = `${SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation`;
const DELIVERY = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery';

const CII_TERMS: Record<Term, string> = {
  'BT-1': 'rsm:ExchangedDocument/ram:ID',
  'BT-2': 'rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString',
  'BT-3': 'rsm:ExchangedDocument/ram:TypeCode',
  'BT-5': `${SETTLEMENT}/ram:InvoiceCurrencyCode`,
  'BT-6': `${SETTLEMENT}/ram:TaxCurrencyCode`,
  'BT-7': `${SETTLEMENT}/ram:ApplicableTradeTax/ram:TaxPointDate`,
  'BT-8': `${SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode`,
  'BT-9': `${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime`,
  'BT-10': 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference',
  'BT-23': 'rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID',
  'BT-24': 'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID',
  'BG-3': `${SETTLEMENT}/ram:InvoiceReferencedDocument`,
  'BT-25': `${SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID`,
  'BT-26': `${SETTLEMENT}/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime`,
  'BG-4': SELLER_CII,
  'BT-27': `${SELLER_CII}/ram:Name`,
  'BT-29': `${SELLER_CII}/ram:ID`,
  'BT-30': `${SELLER_CII}/ram:SpecifiedLegalOrganization/ram:ID`,
  'BT-31': `${SELLER_CII}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']`,
  'BT-32': `${SELLER_CII}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']`,
  'BT-34': `${SELLER_CII}/ram:URIUniversalCommunication/ram:URIID`,
  'BG-5': `${SELLER_CII}/ram:PostalTradeAddress`,
  'BT-40': `${SELLER_CII}/ram:PostalTradeAddress/ram:CountryID`,
  'BG-7': BUYER_CII,
  'BT-44': `${BUYER_CII}/ram:Name`,
  'BT-46': `${BUYER_CII}/ram:ID`,
  'BT-47': `${BUYER_CII}/ram:SpecifiedLegalOrganization/ram:ID`,
  'BT-48': `${BUYER_CII}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']`,
  'BT-49': `${BUYER_CII}/ram:URIUniversalCommunication/ram:URIID`,
  'BG-8': `${BUYER_CII}/ram:PostalTradeAddress`,
  'BT-55': `${BUYER_CII}/ram:PostalTradeAddress/ram:CountryID`,
  'BT-58': `${BUYER_CII}/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID`,
  'BG-10': `${SETTLEMENT}/ram:PayeeTradeParty`,
  'BT-59': `${SETTLEMENT}/ram:PayeeTradeParty/ram:Name`,
  'BG-11':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty',
  'BT-62':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/ram:Name',
  'BT-63':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID',
  'BG-12':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress',
  'BT-69':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress/ram:CountryID',
  'BG-13': `${DELIVERY}/ram:ShipToTradeParty`,
  'BT-72': `${DELIVERY}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString`,
  'BG-15': `${DELIVERY}/ram:ShipToTradeParty/ram:PostalTradeAddress`,
  'BT-80': `${DELIVERY}/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID`,
  'BG-14': `${SETTLEMENT}/ram:BillingSpecifiedPeriod`,
  'BG-16': `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans`,
  'BT-81': `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`,
  'BT-83': `${SETTLEMENT}/ram:PaymentReference`,
  'BT-84': `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID`,
  'BT-87': `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:ID`,
  'BG-22': SUMMATION,
  'BT-106': `${SUMMATION}/ram:LineTotalAmount`,
  'BT-107': `${SUMMATION}/ram:AllowanceTotalAmount`,
  'BT-108': `${SUMMATION}/ram:ChargeTotalAmount`,
  'BT-109': `${SUMMATION}/ram:TaxBasisTotalAmount`,
  'BT-110': `${SUMMATION}/ram:TaxTotalAmount`,
  'BT-111': `${SUMMATION}/ram:TaxTotalAmount`,
  'BT-112': `${SUMMATION}/ram:GrandTotalAmount`,
  'BT-113': `${SUMMATION}/ram:TotalPrepaidAmount`,
  'BT-114': `${SUMMATION}/ram:RoundingAmount`,
  'BT-115': `${SUMMATION}/ram:DuePayableAmount`,
  'BG-23': `${SETTLEMENT}/ram:ApplicableTradeTax`,
  'BG-24':
    'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:AdditionalReferencedDocument',
  'BG-20': `${SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge`,
  'BG-25': 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem',
};

/** Inside an invoice line (BG-25), relative to the line element. */
const UBL_LINE_TERMS = {
  'BT-126': 'cbc:ID',
  'BT-129': '{quantity}',
  'BT-131': 'cbc:LineExtensionAmount',
  'BG-26': 'cac:InvoicePeriod',
  'BG-27': 'cac:AllowanceCharge',
  'BT-146': 'cac:Price/cbc:PriceAmount',
  'BT-147': 'cac:Price/cac:AllowanceCharge/cbc:Amount',
  'BT-148': 'cac:Price/cac:AllowanceCharge/cbc:BaseAmount',
  'BT-149': 'cac:Price/cbc:BaseQuantity',
  'BG-30': 'cac:Item/cac:ClassifiedTaxCategory',
  'BT-151': 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID',
  'BT-152': 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent',
  'BT-153': 'cac:Item/cbc:Name',
  'BT-157': 'cac:Item/cac:StandardItemIdentification/cbc:ID',
  'BT-158': 'cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode',
  'BT-159': 'cac:Item/cac:OriginCountry/cbc:IdentificationCode',
  'BG-32': 'cac:Item/cac:AdditionalItemProperty',
};

const CII_LINE_TERMS: Record<keyof typeof UBL_LINE_TERMS, string> = {
  'BT-126': 'ram:AssociatedDocumentLineDocument/ram:LineID',
  'BT-129': 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity',
  'BT-131':
    'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount',
  'BG-26': 'ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod',
  'BG-27': 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge',
  'BT-146': 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount',
  'BT-147':
    'ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount',
  'BT-148': 'ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:ChargeAmount',
  'BT-149': 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity',
  'BG-30': 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax',
  'BT-151': 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode',
  'BT-152': 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent',
  'BT-153': 'ram:SpecifiedTradeProduct/ram:Name',
  'BT-157': 'ram:SpecifiedTradeProduct/ram:GlobalID',
  'BT-158': 'ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode',
  'BT-159': 'ram:SpecifiedTradeProduct/ram:OriginTradeCountry/ram:ID',
  'BG-32': 'ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic',
};

export type HeaderTerm = Term;
export type LineTerm = keyof typeof UBL_LINE_TERMS;

/** Builds XPaths into one invoice's own document. */
export class InvoicePaths {
  readonly root: string;
  private readonly ubl: boolean;

  constructor(private readonly invoice: Invoice) {
    this.ubl = invoice.syntax === 'UBL';
    this.root = this.ubl ? `/${invoice.kind}` : '/rsm:CrossIndustryInvoice';
  }

  /** Path of a header-level business term or group. */
  of(term: HeaderTerm): string {
    const relative = (this.ubl ? UBL_TERMS : CII_TERMS)[term]
      .replace(
        '{typeCode}',
        this.invoice.kind === 'CreditNote' ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode',
      )
      .replace('{line}', this.lineElement());
    return `${this.root}/${relative}`;
  }

  /** Path of the n-th (0-based) repetition of a repeating group (BG-20, BG-23, BG-24, BG-16). */
  nth(term: HeaderTerm, index: number, child?: string): string {
    return `${this.of(term)}[${index + 1}]${child ? `/${child}` : ''}`;
  }

  line(index: number, term?: LineTerm): string {
    const base = `${this.root}/${this.lineElement()}[${index + 1}]`;
    if (!term) return base;
    const relative = (this.ubl ? UBL_LINE_TERMS : CII_LINE_TERMS)[term].replace(
      '{quantity}',
      this.invoice.kind === 'CreditNote' ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity',
    );
    return `${base}/${relative}`;
  }

  lineAllowanceCharge(lineIndex: number, index: number): string {
    return `${this.line(lineIndex, 'BG-27')}[${index + 1}]`;
  }

  /** The tax category element inside a document-level allowance/charge or VAT breakdown. */
  get ublSyntax(): boolean {
    return this.ubl;
  }

  private lineElement(): string {
    if (!this.ubl) return 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem';
    return this.invoice.kind === 'CreditNote' ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  }
}
