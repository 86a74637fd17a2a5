/**
 * UBL 2.1 Invoice and CreditNote -> the EN 16931 model (binding: CEN/TS 16931-3-2).
 * Missing elements stay missing (undefined, or "" for fields the model requires) so the rules can say
 * exactly what is absent; nothing is defaulted or guessed.
 */
import type { Element } from '@xmldom/xmldom';
import { ublCodedValues } from './coded-values';
import { ublSyntaxFindings } from '../rules/syntax/ubl';
import { checkPeppolDocument, isPeppol } from '../rules/peppol';
import { XmlReader, attributeOf, childElements, descendantElements, textOf } from './dom';
import { textContent } from '../xml';
import type {
  AllowanceCharge,
  DocumentKind,
  Identifier,
  Invoice,
  InvoiceLine,
  Party,
  PaymentInstructions,
  PostalAddress,
  SupportingDocument,
  VatBreakdown,
  VatSchemeCategory,
} from './model';

export const UBL_NAMESPACES = {
  Invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  CreditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

const ubl = new XmlReader({ cac: UBL_NAMESPACES.cac, cbc: UBL_NAMESPACES.cbc });

function identifier(element: Element | undefined): Identifier | undefined {
  if (!element) return undefined;
  return { value: textOf(element), scheme: attributeOf(element, 'schemeID') };
}

function isVatScheme(taxScheme: Element): boolean {
  return (ubl.text(taxScheme, 'cac:TaxScheme/cbc:ID') ?? '').toUpperCase() === 'VAT';
}

/** Of the tax categories, the first of scheme VAT that has a code (else the first of scheme VAT), as written. */
function vatSchemeCategory(categories: Element[]): VatSchemeCategory | undefined {
  const ofVat = categories.filter(isVatScheme);
  const category = ofVat.find((candidate) => ubl.one(candidate, 'cbc:ID')) ?? ofVat[0];
  return category
    ? { code: ubl.text(category, 'cbc:ID'), rate: ubl.text(category, 'cbc:Percent') }
    : undefined;
}

function address(element: Element | undefined): PostalAddress | undefined {
  if (!element) return undefined;
  return {
    line1: ubl.text(element, 'cbc:StreetName'),
    line2: ubl.text(element, 'cbc:AdditionalStreetName'),
    line3: ubl.text(element, 'cac:AddressLine/cbc:Line'),
    city: ubl.text(element, 'cbc:CityName'),
    postCode: ubl.text(element, 'cbc:PostalZone'),
    subdivision: ubl.text(element, 'cbc:CountrySubentity'),
    countryCode: ubl.text(element, 'cac:Country/cbc:IdentificationCode'),
  };
}

/** `namedByLegalEntity`: seller and buyer are named by their registration name (BT-27/BT-44), payee and tax representative by PartyName. */
function party(element: Element | undefined, namedByLegalEntity: boolean): Party {
  const identifiers = ubl
    .all(element, 'cac:PartyIdentification/cbc:ID')
    .filter((id) => (attributeOf(id, 'schemeID') ?? '').toUpperCase() !== 'SEPA')
    .map((id) => identifier(id) as Identifier);
  const taxSchemes = ubl.all(element, 'cac:PartyTaxScheme');
  const vatScheme = taxSchemes.find(isVatScheme);
  const otherScheme = taxSchemes.find((scheme) => !isVatScheme(scheme));
  const contact = ubl.one(element, 'cac:Contact');
  return {
    name: namedByLegalEntity
      ? ubl.text(element, 'cac:PartyLegalEntity/cbc:RegistrationName')
      : ubl.text(element, 'cac:PartyName/cbc:Name'),
    tradingName: namedByLegalEntity ? ubl.text(element, 'cac:PartyName/cbc:Name') : undefined,
    identifiers,
    legalRegistrationId: identifier(ubl.one(element, 'cac:PartyLegalEntity/cbc:CompanyID')),
    vatId: ubl.text(vatScheme, 'cbc:CompanyID'),
    taxRegistrationId: ubl.text(otherScheme, 'cbc:CompanyID'),
    additionalLegalInfo: ubl.text(element, 'cac:PartyLegalEntity/cbc:CompanyLegalForm'),
    electronicAddress: identifier(ubl.one(element, 'cbc:EndpointID')),
    address: address(ubl.one(element, 'cac:PostalAddress')),
    contact: contact
      ? {
          name: ubl.text(contact, 'cbc:Name'),
          phone: ubl.text(contact, 'cbc:Telephone'),
          email: ubl.text(contact, 'cbc:ElectronicMail'),
        }
      : undefined,
  };
}

function allowanceCharge(element: Element): AllowanceCharge {
  const category = ubl.one(element, 'cac:TaxCategory');
  return {
    isCharge: ubl.text(element, 'cbc:ChargeIndicator') === 'true',
    amount: ubl.text(element, 'cbc:Amount') ?? '',
    baseAmount: ubl.text(element, 'cbc:BaseAmount'),
    percentage: ubl.text(element, 'cbc:MultiplierFactorNumeric'),
    vatCategoryCode: ubl.text(category, 'cbc:ID'),
    vatRate: ubl.text(category, 'cbc:Percent'),
    reason: ubl.text(element, 'cbc:AllowanceChargeReason'),
    reasonCode: ubl.text(element, 'cbc:AllowanceChargeReasonCode'),
    vatCategory: vatSchemeCategory(ubl.all(element, 'cac:TaxCategory')),
    absent: [
      ...(ubl.one(element, 'cbc:Amount') ? [] : (['amount'] as const)),
      ...(ubl.one(element, 'cbc:ChargeIndicator') ? [] : (['isCharge'] as const)),
    ],
  };
}

function vatBreakdown(subtotal: Element): VatBreakdown {
  const category = ubl.one(subtotal, 'cac:TaxCategory');
  return {
    taxableAmount: ubl.text(subtotal, 'cbc:TaxableAmount') ?? '',
    taxAmount: ubl.text(subtotal, 'cbc:TaxAmount') ?? '',
    categoryCode: ubl.text(category, 'cbc:ID') ?? '',
    rate: ubl.text(category, 'cbc:Percent'),
    exemptionReason: ubl.text(category, 'cbc:TaxExemptionReason'),
    exemptionReasonCode: ubl.text(category, 'cbc:TaxExemptionReasonCode'),
    vatCategory: vatSchemeCategory(ubl.all(subtotal, 'cac:TaxCategory')),
  };
}

function invoiceLine(element: Element): InvoiceLine {
  const quantity = ubl.one(
    element,
    element.localName === 'CreditNoteLine' ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity',
  );
  const period = ubl.one(element, 'cac:InvoicePeriod');
  const priceDiscount = ubl.one(element, 'cac:Price/cac:AllowanceCharge');
  const category = ubl.one(element, 'cac:Item/cac:ClassifiedTaxCategory');
  const objectReference = ubl
    .all(element, 'cac:DocumentReference')
    .find((reference) => ubl.text(reference, 'cbc:DocumentTypeCode') === '130');
  return {
    id: ubl.text(element, 'cbc:ID') ?? '',
    note: ubl.text(element, 'cbc:Note'),
    quantity: quantity ? textOf(quantity) : '',
    unitCode: attributeOf(quantity, 'unitCode'),
    netAmount: ubl.text(element, 'cbc:LineExtensionAmount') ?? '',
    buyerAccountingReference: ubl.text(element, 'cbc:AccountingCost'),
    periodStart: ubl.text(period, 'cbc:StartDate'),
    periodEnd: ubl.text(period, 'cbc:EndDate'),
    invoicingPeriod: period
      ? { start: ubl.text(period, 'cbc:StartDate'), end: ubl.text(period, 'cbc:EndDate') }
      : undefined,
    orderLineReference: ubl.text(element, 'cac:OrderLineReference/cbc:LineID'),
    objectIdentifier: identifier(ubl.one(objectReference, 'cbc:ID')),
    allowanceCharges: ubl.all(element, 'cac:AllowanceCharge').map(allowanceCharge),
    netPrice: ubl.text(element, 'cac:Price/cbc:PriceAmount') ?? '',
    priceDiscount: ubl.text(priceDiscount, 'cbc:Amount'),
    grossPrice: ubl.text(priceDiscount, 'cbc:BaseAmount'),
    priceBaseQuantity: ubl.text(element, 'cac:Price/cbc:BaseQuantity'),
    priceBaseQuantityUnitCode: ubl.attribute(element, 'cac:Price/cbc:BaseQuantity', 'unitCode'),
    vatCategoryCode: ubl.text(category, 'cbc:ID'),
    vatRate: ubl.text(category, 'cbc:Percent'),
    itemName: ubl.text(element, 'cac:Item/cbc:Name') ?? '',
    itemDescription: ubl.text(element, 'cac:Item/cbc:Description'),
    sellerItemId: ubl.text(element, 'cac:Item/cac:SellersItemIdentification/cbc:ID'),
    buyerItemId: ubl.text(element, 'cac:Item/cac:BuyersItemIdentification/cbc:ID'),
    standardItemId: identifier(ubl.one(element, 'cac:Item/cac:StandardItemIdentification/cbc:ID')),
    classifications: ubl
      .all(element, 'cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode')
      .map((code) => ({ value: textOf(code), scheme: attributeOf(code, 'listID') })),
    originCountry: ubl.text(element, 'cac:Item/cac:OriginCountry/cbc:IdentificationCode'),
    attributes: ubl
      .all(element, 'cac:Item/cac:AdditionalItemProperty')
      .map((property) => ({ name: ubl.text(property, 'cbc:Name'), value: ubl.text(property, 'cbc:Value') })),
    vatCategory: vatSchemeCategory(ubl.all(element, 'cac:Item/cac:ClassifiedTaxCategory')),
    absent: [
      ...(quantity ? [] : (['quantity'] as const)),
      ...(ubl.one(element, 'cbc:LineExtensionAmount') ? [] : (['netAmount'] as const)),
      ...(ubl.one(element, 'cac:Price/cbc:PriceAmount') ? [] : (['netPrice'] as const)),
    ],
  };
}

function paymentMeans(element: Element, sepaCreditorId: string | undefined): PaymentInstructions {
  const card = ubl.one(element, 'cac:CardAccount');
  const mandate = ubl.one(element, 'cac:PaymentMandate');
  return {
    meansCode: ubl.text(element, 'cbc:PaymentMeansCode'),
    meansText: ubl.attribute(element, 'cbc:PaymentMeansCode', 'name'),
    remittanceInformation: ubl.text(element, 'cbc:PaymentID'),
    creditTransfers: ubl.all(element, 'cac:PayeeFinancialAccount').map((account) => ({
      accountId: ubl.text(account, 'cbc:ID') ?? '',
      accountName: ubl.text(account, 'cbc:Name'),
      serviceProviderId: ubl.text(account, 'cac:FinancialInstitutionBranch/cbc:ID'),
      absent: ubl.one(account, 'cbc:ID') ? [] : ['accountId'],
    })),
    card: card
      ? {
          primaryAccountNumber: ubl.text(card, 'cbc:PrimaryAccountNumberID') ?? '',
          holderName: ubl.text(card, 'cbc:HolderName'),
        }
      : undefined,
    directDebit: mandate
      ? {
          mandateReference: ubl.text(mandate, 'cbc:ID'),
          creditorId: sepaCreditorId,
          debitedAccountId: ubl.text(mandate, 'cac:PayerFinancialAccount/cbc:ID'),
        }
      : undefined,
  };
}

function supportingDocument(element: Element): SupportingDocument {
  const binary = ubl.one(element, 'cac:Attachment/cbc:EmbeddedDocumentBinaryObject');
  return {
    id: ubl.text(element, 'cbc:ID') ?? '',
    scheme: ubl.attribute(element, 'cbc:ID', 'schemeID'),
    typeCode: ubl.text(element, 'cbc:DocumentTypeCode'),
    description: ubl.text(element, 'cbc:DocumentDescription'),
    externalUri: ubl.text(element, 'cac:Attachment/cac:ExternalReference/cbc:URI'),
    attachment: binary
      ? { mimeCode: attributeOf(binary, 'mimeCode'), filename: attributeOf(binary, 'filename') }
      : undefined,
  };
}

function sepaCreditorIdOf(root: Element): string | undefined {
  for (const path of [
    'cac:PayeeParty/cac:PartyIdentification/cbc:ID',
    'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID',
  ]) {
    const sepa = ubl
      .all(root, path)
      .find((id) => (attributeOf(id, 'schemeID') ?? '').toUpperCase() === 'SEPA');
    if (sepa) return textOf(sepa);
  }
  return undefined;
}

export function readUbl(root: Element, kind: DocumentKind): Invoice {
  const currency = ubl.text(root, 'cbc:DocumentCurrencyCode') ?? '';
  const vatCurrency = ubl.text(root, 'cbc:TaxCurrencyCode');
  const vatAmounts = ubl.all(root, 'cac:TaxTotal').flatMap((taxTotal, index) =>
    ubl.all(taxTotal, 'cbc:TaxAmount').map((amount) => ({
      amount: textOf(amount),
      currency: attributeOf(amount, 'currencyID'),
      taxTotal: index,
    })),
  );
  const totals = ubl.one(root, 'cac:LegalMonetaryTotal');
  const period = ubl.one(root, 'cac:InvoicePeriod');
  const delivery = ubl.one(root, 'cac:Delivery');
  const payee = ubl.one(root, 'cac:PayeeParty');
  const taxRepresentative = ubl.one(root, 'cac:TaxRepresentativeParty');
  const sepaCreditorId = sepaCreditorIdOf(root);
  const means = ubl.all(root, 'cac:PaymentMeans').map((element) => paymentMeans(element, sepaCreditorId));
  const documents = ubl.all(root, 'cac:AdditionalDocumentReference').map(supportingDocument);
  const invoicedObject = documents.find((document) => document.typeCode === '130');
  // A CreditNote has no ProjectReference; the binding carries BT-11 as a document reference of type 50.
  const projectReference =
    ubl.text(root, 'cac:ProjectReference/cbc:ID') ??
    documents.find((document) => kind === 'CreditNote' && document.typeCode === '50')?.id;

  return {
    syntax: 'UBL',
    kind,
    customizationId: ubl.text(root, 'cbc:CustomizationID'),
    profileId: ubl.text(root, 'cbc:ProfileID'),
    number: ubl.text(root, 'cbc:ID') ?? '',
    issueDate: ubl.text(root, 'cbc:IssueDate') ?? '',
    typeCode: ubl.text(root, kind === 'CreditNote' ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode') ?? '',
    currency,
    vatCurrency,
    taxPointDate: ubl.text(root, 'cbc:TaxPointDate'),
    taxPointDateCode: ubl.text(period, 'cbc:DescriptionCode'),
    dueDate: ubl.text(root, 'cbc:DueDate') ?? ubl.text(root, 'cac:PaymentMeans/cbc:PaymentDueDate'),
    buyerReference: ubl.text(root, 'cbc:BuyerReference'),
    notes: ubl.all(root, 'cbc:Note').map((note) => (note.textContent ?? '').trim()),
    orderReference: ubl.text(root, 'cac:OrderReference/cbc:ID'),
    salesOrderReference: ubl.text(root, 'cac:OrderReference/cbc:SalesOrderID'),
    contractReference: ubl.text(root, 'cac:ContractDocumentReference/cbc:ID'),
    projectReference,
    receivingAdviceReference: ubl.text(root, 'cac:ReceiptDocumentReference/cbc:ID'),
    despatchAdviceReference: ubl.text(root, 'cac:DespatchDocumentReference/cbc:ID'),
    tenderReference: ubl.text(root, 'cac:OriginatorDocumentReference/cbc:ID'),
    invoicedObject: invoicedObject ? { value: invoicedObject.id, scheme: invoicedObject.scheme } : undefined,
    buyerAccountingReference: ubl.text(root, 'cbc:AccountingCost'),
    // A BillingReference without an InvoiceDocumentReference still counts, so BR-55 can say the number is missing.
    precedingInvoices: ubl.all(root, 'cac:BillingReference').map((billing) => ({
      number: ubl.text(billing, 'cac:InvoiceDocumentReference/cbc:ID') ?? '',
      issueDate: ubl.text(billing, 'cac:InvoiceDocumentReference/cbc:IssueDate'),
      ...(ubl.one(billing, 'cac:InvoiceDocumentReference/cbc:ID') ? {} : { absent: ['number' as const] }),
    })),
    seller: party(ubl.one(root, 'cac:AccountingSupplierParty/cac:Party'), true),
    buyer: party(ubl.one(root, 'cac:AccountingCustomerParty/cac:Party'), true),
    payee: payee ? party(payee, false) : undefined,
    taxRepresentative: taxRepresentative ? party(taxRepresentative, false) : undefined,
    delivery: delivery
      ? {
          date: ubl.text(delivery, 'cbc:ActualDeliveryDate'),
          locationId: identifier(ubl.one(delivery, 'cac:DeliveryLocation/cbc:ID')),
          address: address(ubl.one(delivery, 'cac:DeliveryLocation/cac:Address')),
          partyName: ubl.text(delivery, 'cac:DeliveryParty/cac:PartyName/cbc:Name'),
        }
      : undefined,
    invoicingPeriod: period
      ? { start: ubl.text(period, 'cbc:StartDate'), end: ubl.text(period, 'cbc:EndDate') }
      : undefined,
    payment: means[0],
    paymentMeans: means,
    paymentTerms: ubl.text(root, 'cac:PaymentTerms/cbc:Note'),
    allowanceCharges: ubl.all(root, 'cac:AllowanceCharge').map(allowanceCharge),
    totals: {
      lineNetTotal: ubl.text(totals, 'cbc:LineExtensionAmount') ?? '',
      allowanceTotal: ubl.text(totals, 'cbc:AllowanceTotalAmount'),
      chargeTotal: ubl.text(totals, 'cbc:ChargeTotalAmount'),
      taxExclusive: ubl.text(totals, 'cbc:TaxExclusiveAmount') ?? '',
      vatTotal: vatAmounts.find((amount) => amount.currency === currency)?.amount,
      vatTotalInAccountingCurrency:
        vatCurrency && vatCurrency !== currency
          ? vatAmounts.find((amount) => amount.currency === vatCurrency)?.amount
          : undefined,
      taxInclusive: ubl.text(totals, 'cbc:TaxInclusiveAmount') ?? '',
      prepaid: ubl.text(totals, 'cbc:PrepaidAmount'),
      rounding: ubl.text(totals, 'cbc:PayableRoundingAmount'),
      payable: ubl.text(totals, 'cbc:PayableAmount') ?? '',
      absent: (
        [
          ['lineNetTotal', 'cbc:LineExtensionAmount'],
          ['taxExclusive', 'cbc:TaxExclusiveAmount'],
          ['taxInclusive', 'cbc:TaxInclusiveAmount'],
          ['payable', 'cbc:PayableAmount'],
        ] as const
      )
        .filter(([, path]) => !ubl.one(totals, path))
        .map(([field]) => field),
    },
    vatAmounts,
    vatBreakdown: ubl
      .all(root, 'cac:TaxTotal')
      .flatMap((taxTotal, index) =>
        ubl
          .all(taxTotal, 'cac:TaxSubtotal')
          .map((subtotal) => ({ ...vatBreakdown(subtotal), taxTotal: index })),
      ),
    lines: lineElements(root).map(invoiceLine),
    absent: [
      ...(ubl.one(root, 'cbc:DocumentCurrencyCode') ? [] : (['currency'] as const)),
      ...(ubl.one(root, 'cac:AccountingSupplierParty') ? [] : (['seller'] as const)),
      ...(totals ? [] : (['totals'] as const)),
    ],
    supportingDocuments: documents,
    countryCodes: descendantElements(root, UBL_NAMESPACES.cbc, 'IdentificationCode').map((code) =>
      textContent(code),
    ),
    codedValues: ublCodedValues(root, UBL_NAMESPACES),
    syntaxFindings: [
      ...ublSyntaxFindings(root, kind),
      ...(isPeppol(ubl.text(root, 'cbc:CustomizationID')) ? checkPeppolDocument(root, kind) : []),
    ],
  };
}

/** Lines in document order; a line of the other document kind is read too (and reported by rules/syntax/ubl.ts). */
function lineElements(root: Element): Element[] {
  return childElements(root, UBL_NAMESPACES.cac, '*').filter(
    (element) => element.localName === 'InvoiceLine' || element.localName === 'CreditNoteLine',
  );
}
