/**
 * UN/CEFACT Cross Industry Invoice D16B -> the EN 16931 model (binding: CEN/TS 16931-3-3).
 * Dates in format 102 (YYYYMMDD) become ISO dates like the UBL ones, so rules and summaries see one form.
 */
import type { Element } from '@xmldom/xmldom';
import { ciiCodedValues } from './coded-values';
import { XmlReader, attributeOf, textOf } from './dom';
import type {
  AllowanceCharge,
  DocumentKind,
  Identifier,
  Invoice,
  InvoiceLine,
  Party,
  PaymentInstructions,
  PostalAddress,
  Period,
  SupportingDocument,
  VatBreakdown,
  VatSchemeCategory,
} from './model';

import { CREDIT_NOTE_TYPE_CODES } from '../rules/code-lists';
import { ciiSyntaxFindings } from '../rules/syntax/cii';

export const CII_NAMESPACES = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
} as const;

const cii = new XmlReader(CII_NAMESPACES);

function date(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  const value = textOf(element);
  const format = attributeOf(element, 'format');
  if ((format === undefined || format === '102') && /^\d{8}$/.test(value))
    return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  return value;
}

function identifier(element: Element | undefined): Identifier | undefined {
  if (!element) return undefined;
  return { value: textOf(element), scheme: attributeOf(element, 'schemeID') };
}

/** Of the taxes, the first whose type code is VAT (upper-cased, as the CEN artefact compares it), as written. */
function vatSchemeCategory(taxes: Element[]): VatSchemeCategory | undefined {
  const ofVat = taxes.filter(
    (tax) => (cii.one(tax, 'ram:TypeCode')?.textContent ?? '').toUpperCase() === 'VAT',
  );
  const tax = ofVat.find((candidate) => cii.one(candidate, 'ram:CategoryCode')) ?? ofVat[0];
  return tax
    ? { code: cii.text(tax, 'ram:CategoryCode'), rate: cii.text(tax, 'ram:RateApplicablePercent') }
    : undefined;
}

function address(element: Element | undefined): PostalAddress | undefined {
  if (!element) return undefined;
  return {
    line1: cii.text(element, 'ram:LineOne'),
    line2: cii.text(element, 'ram:LineTwo'),
    line3: cii.text(element, 'ram:LineThree'),
    city: cii.text(element, 'ram:CityName'),
    postCode: cii.text(element, 'ram:PostcodeCode'),
    subdivision: cii.text(element, 'ram:CountrySubDivisionName'),
    countryCode: cii.text(element, 'ram:CountryID'),
  };
}

function party(element: Element | undefined): Party {
  const registrations = cii.all(element, 'ram:SpecifiedTaxRegistration/ram:ID');
  const contact = cii.one(element, 'ram:DefinedTradeContact');
  return {
    name: cii.text(element, 'ram:Name'),
    tradingName: cii.text(element, 'ram:SpecifiedLegalOrganization/ram:TradingBusinessName'),
    identifiers: [...cii.all(element, 'ram:ID'), ...cii.all(element, 'ram:GlobalID')].map(
      (id) => identifier(id) as Identifier,
    ),
    legalRegistrationId: identifier(cii.one(element, 'ram:SpecifiedLegalOrganization/ram:ID')),
    vatId: registrations.find((id) => attributeOf(id, 'schemeID') === 'VA')?.textContent?.trim(),
    taxRegistrationId: registrations.find((id) => attributeOf(id, 'schemeID') === 'FC')?.textContent?.trim(),
    additionalLegalInfo: cii.text(element, 'ram:Description'),
    // A communication group without its URIID is an electronic address with neither value nor scheme.
    electronicAddress:
      identifier(cii.one(element, 'ram:URIUniversalCommunication/ram:URIID')) ??
      (cii.one(element, 'ram:URIUniversalCommunication') ? { value: '' } : undefined),
    address: address(cii.one(element, 'ram:PostalTradeAddress')),
    contact: contact
      ? {
          name: cii.text(contact, 'ram:PersonName') ?? cii.text(contact, 'ram:DepartmentName'),
          phone: cii.text(contact, 'ram:TelephoneUniversalCommunication/ram:CompleteNumber'),
          email: cii.text(contact, 'ram:EmailURIUniversalCommunication/ram:URIID'),
        }
      : undefined,
  };
}

function allowanceCharge(element: Element): AllowanceCharge {
  return {
    isCharge: cii.text(element, 'ram:ChargeIndicator/udt:Indicator') === 'true',
    amount: cii.text(element, 'ram:ActualAmount') ?? '',
    baseAmount: cii.text(element, 'ram:BasisAmount'),
    percentage: cii.text(element, 'ram:CalculationPercent'),
    vatCategoryCode: cii.text(element, 'ram:CategoryTradeTax/ram:CategoryCode'),
    vatRate: cii.text(element, 'ram:CategoryTradeTax/ram:RateApplicablePercent'),
    reason: cii.text(element, 'ram:Reason'),
    reasonCode: cii.text(element, 'ram:ReasonCode'),
    vatCategory: vatSchemeCategory(cii.all(element, 'ram:CategoryTradeTax')),
    absent: [
      ...(cii.one(element, 'ram:ActualAmount') ? [] : (['amount'] as const)),
      ...(cii.one(element, 'ram:ChargeIndicator/udt:Indicator') ? [] : (['isCharge'] as const)),
    ],
  };
}

function vatBreakdown(tax: Element): VatBreakdown {
  return {
    taxableAmount: cii.text(tax, 'ram:BasisAmount') ?? '',
    taxAmount: cii.text(tax, 'ram:CalculatedAmount') ?? '',
    categoryCode: cii.text(tax, 'ram:CategoryCode') ?? '',
    rate: cii.text(tax, 'ram:RateApplicablePercent'),
    exemptionReason: cii.text(tax, 'ram:ExemptionReason'),
    exemptionReasonCode: cii.text(tax, 'ram:ExemptionReasonCode'),
    vatCategory: vatSchemeCategory([tax]),
  };
}

function period(element: Element | undefined): Period | undefined {
  if (!element) return undefined;
  const start = cii.one(element, 'ram:StartDateTime/udt:DateTimeString');
  const end = cii.one(element, 'ram:EndDateTime/udt:DateTimeString');
  // A date element without its DateTimeString reads as an empty date: the period still has that end.
  return {
    start: date(start) ?? (cii.one(element, 'ram:StartDateTime') ? '' : undefined),
    end: date(end) ?? (cii.one(element, 'ram:EndDateTime') ? '' : undefined),
    startFormat: attributeOf(start, 'format'),
    endFormat: attributeOf(end, 'format'),
  };
}

function invoiceLine(element: Element): InvoiceLine {
  const product = cii.one(element, 'ram:SpecifiedTradeProduct');
  const agreement = cii.one(element, 'ram:SpecifiedLineTradeAgreement');
  const settlement = cii.one(element, 'ram:SpecifiedLineTradeSettlement');
  const quantity = cii.one(element, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity');
  const linePeriod = period(cii.one(settlement, 'ram:BillingSpecifiedPeriod'));
  const objectReference = cii
    .all(settlement, 'ram:AdditionalReferencedDocument')
    .find((reference) => cii.text(reference, 'ram:TypeCode') === '130');
  return {
    id: cii.text(element, 'ram:AssociatedDocumentLineDocument/ram:LineID') ?? '',
    note: cii.text(element, 'ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content'),
    quantity: quantity ? textOf(quantity) : '',
    unitCode: attributeOf(quantity, 'unitCode'),
    netAmount:
      cii.text(settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount') ?? '',
    buyerAccountingReference: cii.text(settlement, 'ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID'),
    periodStart: linePeriod?.start,
    periodEnd: linePeriod?.end,
    invoicingPeriod: linePeriod,
    orderLineReference: cii.text(agreement, 'ram:BuyerOrderReferencedDocument/ram:LineID'),
    objectIdentifier: objectReference
      ? {
          value: cii.text(objectReference, 'ram:IssuerAssignedID') ?? '',
          scheme: cii.text(objectReference, 'ram:ReferenceTypeCode'),
        }
      : undefined,
    allowanceCharges: cii.all(settlement, 'ram:SpecifiedTradeAllowanceCharge').map(allowanceCharge),
    netPrice: cii.text(agreement, 'ram:NetPriceProductTradePrice/ram:ChargeAmount') ?? '',
    priceDiscount: cii.text(
      agreement,
      'ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount',
    ),
    grossPrice: cii.text(agreement, 'ram:GrossPriceProductTradePrice/ram:ChargeAmount'),
    priceBaseQuantity: cii.text(agreement, 'ram:NetPriceProductTradePrice/ram:BasisQuantity'),
    priceBaseQuantityUnitCode: cii.attribute(
      agreement,
      'ram:NetPriceProductTradePrice/ram:BasisQuantity',
      'unitCode',
    ),
    vatCategoryCode: cii.text(settlement, 'ram:ApplicableTradeTax/ram:CategoryCode'),
    vatRate: cii.text(settlement, 'ram:ApplicableTradeTax/ram:RateApplicablePercent'),
    itemName: cii.text(product, 'ram:Name') ?? '',
    itemDescription: cii.text(product, 'ram:Description'),
    sellerItemId: cii.text(product, 'ram:SellerAssignedID'),
    buyerItemId: cii.text(product, 'ram:BuyerAssignedID'),
    standardItemId: identifier(cii.one(product, 'ram:GlobalID')),
    classifications: cii
      .all(product, 'ram:DesignatedProductClassification/ram:ClassCode')
      .map((code) => ({ value: textOf(code), scheme: attributeOf(code, 'listID') })),
    originCountry: cii.text(product, 'ram:OriginTradeCountry/ram:ID'),
    attributes: cii.all(product, 'ram:ApplicableProductCharacteristic').map((characteristic) => ({
      name: cii.text(characteristic, 'ram:Description'),
      value: cii.text(characteristic, 'ram:Value'),
    })),
    vatCategory: vatSchemeCategory(cii.all(settlement, 'ram:ApplicableTradeTax')),
    referencedDocumentIds: cii
      .all(settlement, 'ram:AdditionalReferencedDocument')
      .map((reference) => cii.text(reference, 'ram:IssuerAssignedID') ?? ''),
    absent: [
      ...(quantity ? [] : (['quantity'] as const)),
      ...(cii.one(settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount')
        ? []
        : (['netAmount'] as const)),
      ...(cii.one(agreement, 'ram:NetPriceProductTradePrice/ram:ChargeAmount')
        ? []
        : (['netPrice'] as const)),
    ],
  };
}

function paymentMeans(element: Element, settlement: Element | undefined): PaymentInstructions {
  const card = cii.one(element, 'ram:ApplicableTradeSettlementFinancialCard');
  const mandateReference = cii.text(settlement, 'ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID');
  const debitedAccountId = cii.text(element, 'ram:PayerPartyDebtorFinancialAccount/ram:IBANID');
  return {
    meansCode: cii.text(element, 'ram:TypeCode'),
    meansText: cii.text(element, 'ram:Information'),
    remittanceInformation: cii.text(settlement, 'ram:PaymentReference'),
    creditTransfers: cii.all(element, 'ram:PayeePartyCreditorFinancialAccount').map((account) => ({
      accountId: cii.text(account, 'ram:IBANID') || cii.text(account, 'ram:ProprietaryID') || '',
      accountName: cii.text(account, 'ram:AccountName'),
      serviceProviderId: cii.text(element, 'ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID'),
      absent: cii.one(account, 'ram:IBANID') || cii.one(account, 'ram:ProprietaryID') ? [] : ['accountId'],
    })),
    card: card
      ? {
          primaryAccountNumber: cii.text(card, 'ram:ID') ?? '',
          holderName: cii.text(card, 'ram:CardholderName'),
        }
      : undefined,
    directDebit:
      mandateReference || debitedAccountId
        ? { mandateReference, creditorId: cii.text(settlement, 'ram:CreditorReferenceID'), debitedAccountId }
        : undefined,
  };
}

function supportingDocument(element: Element): SupportingDocument {
  const binary = cii.one(element, 'ram:AttachmentBinaryObject');
  return {
    id: cii.text(element, 'ram:IssuerAssignedID') ?? '',
    scheme: cii.text(element, 'ram:ReferenceTypeCode'),
    typeCode: cii.text(element, 'ram:TypeCode'),
    description: cii.text(element, 'ram:Name'),
    externalUri: cii.text(element, 'ram:URIID'),
    attachment: binary
      ? { mimeCode: attributeOf(binary, 'mimeCode'), filename: attributeOf(binary, 'filename') }
      : undefined,
  };
}

export function readCii(root: Element): Invoice {
  const document = cii.one(root, 'rsm:ExchangedDocument');
  const transaction = cii.one(root, 'rsm:SupplyChainTradeTransaction');
  const agreement = cii.one(transaction, 'ram:ApplicableHeaderTradeAgreement');
  const delivery = cii.one(transaction, 'ram:ApplicableHeaderTradeDelivery');
  const settlement = cii.one(transaction, 'ram:ApplicableHeaderTradeSettlement');
  const summation = cii.one(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = cii.text(settlement, 'ram:InvoiceCurrencyCode') ?? '';
  const vatCurrency = cii.text(settlement, 'ram:TaxCurrencyCode');
  // Every summation's VAT totals: the CEN artefact counts them all (BR-CO-14, BR-CO-15).
  const vatAmounts = cii
    .all(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount')
    .map((amount) => ({ amount: textOf(amount), currency: attributeOf(amount, 'currencyID') }));
  const typeCode = cii.text(document, 'ram:TypeCode') ?? '';
  // The CII root is the same for invoices and credit notes: the type code (BT-3) tells them apart.
  const kind: DocumentKind = CREDIT_NOTE_TYPE_CODES.has(typeCode) ? 'CreditNote' : 'Invoice';
  const taxes = cii.all(settlement, 'ram:ApplicableTradeTax');
  const documents = cii.all(agreement, 'ram:AdditionalReferencedDocument').map(supportingDocument);
  const invoicedObject = documents.find((reference) => reference.typeCode === '130');
  const shipTo = cii.one(delivery, 'ram:ShipToTradeParty');
  const means = cii
    .all(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans')
    .map((element) => paymentMeans(element, settlement));
  const payee = cii.one(settlement, 'ram:PayeeTradeParty');
  const taxRepresentative = cii.one(agreement, 'ram:SellerTaxRepresentativeTradeParty');
  const singleVatTotal =
    vatAmounts.length === 1 && vatAmounts[0].currency === undefined ? vatAmounts[0].amount : undefined;

  return {
    syntax: 'CII',
    kind,
    customizationId: cii.text(
      root,
      'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID',
    ),
    profileId: cii.text(
      root,
      'rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID',
    ),
    number: cii.text(document, 'ram:ID') ?? '',
    issueDate: date(cii.one(document, 'ram:IssueDateTime/udt:DateTimeString')) ?? '',
    issueDateFormat: cii.attribute(document, 'ram:IssueDateTime/udt:DateTimeString', 'format'),
    typeCode,
    currency,
    vatCurrency,
    taxPointDate: taxes.map((tax) => date(cii.one(tax, 'ram:TaxPointDate/udt:DateString'))).find(Boolean),
    taxPointDateCode: taxes.map((tax) => cii.text(tax, 'ram:DueDateTypeCode')).find(Boolean),
    dueDate: date(
      cii.one(settlement, 'ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString'),
    ),
    buyerReference: cii.text(agreement, 'ram:BuyerReference'),
    notes: cii.all(document, 'ram:IncludedNote').map((note) => {
      const subject = cii.text(note, 'ram:SubjectCode');
      const content = (cii.one(note, 'ram:Content')?.textContent ?? '').trim();
      return subject ? `#${subject}#${content}` : content;
    }),
    orderReference: cii.text(agreement, 'ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID'),
    salesOrderReference: cii.text(agreement, 'ram:SellerOrderReferencedDocument/ram:IssuerAssignedID'),
    contractReference: cii.text(agreement, 'ram:ContractReferencedDocument/ram:IssuerAssignedID'),
    projectReference: cii.text(agreement, 'ram:SpecifiedProcuringProject/ram:ID'),
    receivingAdviceReference: cii.text(
      delivery,
      'ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID',
    ),
    despatchAdviceReference: cii.text(delivery, 'ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID'),
    tenderReference: documents.find((reference) => reference.typeCode === '50')?.id,
    invoicedObject: invoicedObject ? { value: invoicedObject.id, scheme: invoicedObject.scheme } : undefined,
    buyerAccountingReference: cii.text(settlement, 'ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID'),
    precedingInvoices: cii.all(settlement, 'ram:InvoiceReferencedDocument').map((reference) => ({
      number: cii.text(reference, 'ram:IssuerAssignedID') ?? '',
      issueDate: date(cii.one(reference, 'ram:FormattedIssueDateTime/qdt:DateTimeString')),
    })),
    seller: party(cii.one(agreement, 'ram:SellerTradeParty')),
    buyer: party(cii.one(agreement, 'ram:BuyerTradeParty')),
    payee: payee ? party(payee) : undefined,
    taxRepresentative: taxRepresentative ? party(taxRepresentative) : undefined,
    delivery:
      shipTo || cii.one(delivery, 'ram:ActualDeliverySupplyChainEvent')
        ? {
            date: date(
              cii.one(
                delivery,
                'ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString',
              ),
            ),
            locationId: identifier(cii.one(shipTo, 'ram:ID') ?? cii.one(shipTo, 'ram:GlobalID')),
            address: address(cii.one(shipTo, 'ram:PostalTradeAddress')),
            partyName: cii.text(shipTo, 'ram:Name'),
          }
        : undefined,
    invoicingPeriod: period(cii.one(settlement, 'ram:BillingSpecifiedPeriod')),
    payment: means[0],
    paymentMeans: means,
    paymentTerms: cii.text(settlement, 'ram:SpecifiedTradePaymentTerms/ram:Description'),
    allowanceCharges: cii.all(settlement, 'ram:SpecifiedTradeAllowanceCharge').map(allowanceCharge),
    totals: {
      lineNetTotal: cii.text(summation, 'ram:LineTotalAmount') ?? '',
      allowanceTotal: cii.text(summation, 'ram:AllowanceTotalAmount'),
      chargeTotal: cii.text(summation, 'ram:ChargeTotalAmount'),
      taxExclusive: cii.text(summation, 'ram:TaxBasisTotalAmount') ?? '',
      vatTotal: vatAmounts.find((amount) => amount.currency === currency)?.amount ?? singleVatTotal,
      vatTotalInAccountingCurrency:
        vatCurrency && vatCurrency !== currency
          ? vatAmounts.find((amount) => amount.currency === vatCurrency)?.amount
          : undefined,
      taxInclusive: cii.text(summation, 'ram:GrandTotalAmount') ?? '',
      prepaid: cii.text(summation, 'ram:TotalPrepaidAmount'),
      rounding: cii.text(summation, 'ram:RoundingAmount'),
      payable: cii.text(summation, 'ram:DuePayableAmount') ?? '',
      absent: (
        [
          ['lineNetTotal', 'ram:LineTotalAmount'],
          ['taxExclusive', 'ram:TaxBasisTotalAmount'],
          ['taxInclusive', 'ram:GrandTotalAmount'],
          ['payable', 'ram:DuePayableAmount'],
        ] as const
      )
        .filter(([, path]) => !cii.one(summation, path))
        .map(([field]) => field),
    },
    vatAmounts,
    vatBreakdown: taxes.map(vatBreakdown),
    lines: cii.all(transaction, 'ram:IncludedSupplyChainTradeLineItem').map(invoiceLine),
    absent: [
      ...(cii.one(settlement, 'ram:InvoiceCurrencyCode') ? [] : (['currency'] as const)),
      ...(cii.one(agreement, 'ram:SellerTradeParty') ? [] : (['seller'] as const)),
      ...(summation ? [] : (['totals'] as const)),
    ],
    supportingDocuments: documents.filter(
      (reference) => reference.typeCode !== '130' && reference.typeCode !== '50',
    ),
    countryCodes: Array.from(root.getElementsByTagNameNS(CII_NAMESPACES.ram, 'CountryID')).map(
      (code) => code.textContent ?? '',
    ),
    codedValues: ciiCodedValues(root, CII_NAMESPACES),
    syntaxFindings: ciiSyntaxFindings(root),
  };
}
