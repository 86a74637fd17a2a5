/**
 * CII syntax rules: the fatal CII-SR and CII-DT rules of CEN EN 16931 1.3.16 (what the binding CEN/TS 16931-3-3
 * allows once, attributes and elements it does not use, the date format 102), and CII-SCHEMA for values the CII
 * schema refuses (an amount that is no decimal, an indicator that is no boolean, a second element where one is
 * allowed), which the official artefacts cannot evaluate at all. Read from the XML in one walk, since the semantic
 * model keeps only the first of repeated elements. Run by the CII reader; the results are invoice.syntaxFindings.
 */
import type { Element } from '@xmldom/xmldom';
import type { Finding } from '../../invoice/model';
import { SyntaxFindings, type Visited, childrenNamed, isBoolean, isDecimal, stringValue, walk } from './tree';

// The CII D16B namespaces (as in invoice/cii.ts's CII_NAMESPACES, not imported: that reader imports this module).
const RAM = 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100';
const UDT = 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100';
const QDT = 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100';

const TRANSACTION = ['CrossIndustryInvoice', 'SupplyChainTradeTransaction'];
const LINE = [...TRANSACTION, 'IncludedSupplyChainTradeLineItem'];
const PRODUCT = [...LINE, 'SpecifiedTradeProduct'];
const HEADER_SETTLEMENT = [...TRANSACTION, 'ApplicableHeaderTradeSettlement'];

/** The header totals (BG-22) the binding allows once each, with their business terms. */
const HEADER_TOTALS: [ruleId: string, element: string, term: string][] = [
  ['CII-SR-477', 'LineTotalAmount', 'Sum of invoice line net amount (BT-106)'],
  ['CII-SR-478', 'ChargeTotalAmount', 'Sum of charges on document level (BT-108)'],
  ['CII-SR-479', 'AllowanceTotalAmount', 'Sum of allowances on document level (BT-107)'],
  ['CII-SR-480', 'TaxBasisTotalAmount', 'Invoice total amount without VAT (BT-109)'],
  ['CII-SR-481', 'RoundingAmount', 'Rounding amount (BT-114)'],
  ['CII-SR-482', 'GrandTotalAmount', 'Invoice total amount with VAT (BT-112)'],
  ['CII-SR-483', 'InformationAmount', 'Information amount'],
  ['CII-SR-484', 'TotalPrepaidAmount', 'Paid amount (BT-113)'],
  ['CII-SR-485', 'TotalDiscountAmount', 'Total discount amount'],
  ['CII-SR-486', 'TotalAllowanceChargeAmount', 'Total allowance and charge amount'],
  ['CII-SR-487', 'DuePayableAmount', 'Amount due for payment (BT-115)'],
  ['CII-SR-488', 'RetailValueExcludingTaxInformationAmount', 'Retail value excluding tax'],
  ['CII-SR-489', 'TotalDepositFeeInformationAmount', 'Total deposit fee'],
  ['CII-SR-490', 'ProductValueExcludingTobaccoTaxInformationAmount', 'Product value excluding tobacco tax'],
  ['CII-SR-491', 'TotalRetailValueInformationAmount', 'Total retail value'],
  ['CII-SR-492', 'GrossLineTotalAmount', 'Gross line total amount'],
  ['CII-SR-493', 'NetLineTotalAmount', 'Net line total amount'],
  ['CII-SR-494', 'NetIncludingTaxesLineTotalAmount', 'Net line total amount including taxes'],
];

/** Identifier attributes not used (DT-001 to DT-007 on the document's own identifiers, DT-101 to DT-104 elsewhere). */
const OWN_ID_ATTRIBUTES: [string, string][] = [
  ['CII-DT-001', 'schemeName'],
  ['CII-DT-002', 'schemeAgencyName'],
  ['CII-DT-003', 'schemeDataURI'],
  ['CII-DT-004', 'schemeURI'],
  ['CII-DT-005', 'schemeID'],
  ['CII-DT-006', 'schemeAgencyID'],
  ['CII-DT-007', 'schemeVersionID'],
];
const ID_ATTRIBUTES: [string, string][] = [
  ['CII-DT-101', 'schemeName'],
  ['CII-DT-102', 'schemeAgencyName'],
  ['CII-DT-103', 'schemeDataURI'],
  ['CII-DT-104', 'schemeURI'],
];

/** Children of a referenced document the binding does not use (DT-015 to DT-030); some are allowed for a type. */
const REFERENCED_DOCUMENT_CHILDREN: [
  ruleId: string,
  child: string,
  allowedFor?: 'attachment' | 'object' | 'preceding',
][] = [
  ['CII-DT-015', 'URIID', 'attachment'],
  ['CII-DT-016', 'StatusCode'],
  ['CII-DT-017', 'CopyIndicator'],
  ['CII-DT-019', 'GlobalID'],
  ['CII-DT-020', 'RevisionID'],
  ['CII-DT-021', 'Name', 'attachment'],
  ['CII-DT-022', 'AttachmentBinaryObject', 'attachment'],
  ['CII-DT-023', 'Information'],
  ['CII-DT-024', 'ReferenceTypeCode', 'object'],
  ['CII-DT-025', 'SectionName'],
  ['CII-DT-026', 'PreviousRevisionID'],
  ['CII-DT-027', 'FormattedIssueDateTime', 'preceding'],
  ['CII-DT-028', 'EffectiveSpecifiedPeriod'],
  ['CII-DT-029', 'IssuerTradeParty'],
  ['CII-DT-030', 'AttachedSpecifiedBinaryFile'],
];

const QUANTITY_ATTRIBUTES: [string, string][] = [
  ['CII-DT-034', 'unitCodeListID'],
  ['CII-DT-035', 'unitCodeListAgencyID'],
  ['CII-DT-036', 'unitCodeListAgencyName'],
];

/** Children of the invoicing period (BG-14) the binding does not use; DateTime means a date with a time. */
const PERIOD_CHILDREN: [string, string][] = [
  ['CII-DT-068', 'StartDateTime/DateTime'],
  ['CII-DT-069', 'DurationMeasure'],
  ['CII-DT-070', 'InclusiveIndicator'],
  ['CII-DT-071', 'Description'],
  ['CII-DT-072', 'EndDateTime/DateTime'],
  ['CII-DT-073', 'CompleteDateTime'],
  ['CII-DT-074', 'OpenIndicator'],
  ['CII-DT-075', 'SeasonCode'],
  ['CII-DT-076', 'ID'],
  ['CII-DT-077', 'Name'],
  ['CII-DT-078', 'SequenceNumeric'],
  ['CII-DT-079', 'StartDateFlexibilityCode'],
  ['CII-DT-080', 'ContinuousIndicator'],
  ['CII-DT-081', 'PurposeCode'],
];

const ADDRESS_CHILDREN: [string, string][] = [
  ['CII-DT-082', 'ID'],
  ['CII-DT-083', 'PostOfficeBox'],
  ['CII-DT-084', 'BuildingName'],
  ['CII-DT-086', 'LineFour'],
  ['CII-DT-087', 'LineFive'],
  ['CII-DT-088', 'StreetName'],
  ['CII-DT-089', 'CitySubDivisionName'],
  ['CII-DT-090', 'CountryName'],
  ['CII-DT-091', 'CountrySubDivisionID'],
  ['CII-DT-092', 'AttentionOf'],
  ['CII-DT-093', 'CareOf'],
  ['CII-DT-094', 'BuildingNumber'],
  ['CII-DT-095', 'DepartmentName'],
  ['CII-DT-096', 'AdditionalStreetName'],
];

/**
 * Elements the EN 16931 CII schema lets repeat, by parent, with how often (maxOccurs above 1 in the Factur-X 1.09
 * EN 16931 profile of CII D16B); every other element may occur once. A trade party is any element named
 * *TradeParty; the seller's tax representative has one tax registration only, its VAT identifier (BT-63).
 */
const REPEATABLE: Record<string, Record<string, number>> = {
  ExchangedDocument: { IncludedNote: Infinity },
  SupplyChainTradeTransaction: { IncludedSupplyChainTradeLineItem: Infinity },
  ApplicableHeaderTradeAgreement: { AdditionalReferencedDocument: Infinity },
  ApplicableHeaderTradeSettlement: {
    SpecifiedTradeSettlementPaymentMeans: Infinity,
    ApplicableTradeTax: Infinity,
    SpecifiedTradeAllowanceCharge: Infinity,
    InvoiceReferencedDocument: Infinity,
  },
  SpecifiedLineTradeSettlement: { SpecifiedTradeAllowanceCharge: Infinity },
  SpecifiedTradeProduct: {
    ApplicableProductCharacteristic: Infinity,
    DesignatedProductClassification: Infinity,
  },
  SpecifiedTradeSettlementHeaderMonetarySummation: { TaxTotalAmount: 2 },
  TradeParty: { ID: Infinity, GlobalID: Infinity, SpecifiedTaxRegistration: 2 },
  SellerTaxRepresentativeTradeParty: { ID: Infinity, GlobalID: Infinity },
};

/** DT-097: a date in format 102 is YYYYMMDD with a month 01 to 12 and a day 01 to 31. */
const FORMAT_102 = /^\s*\d{4}(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])\s*$/;

/** The element is at exactly this path of local names from the root. */
function isAt(visited: Visited, path: readonly string[]): boolean {
  let current: Visited | undefined = visited;
  for (let index = path.length - 1; index >= 0; index--, current = current.parent)
    if (!current || current.name !== path[index]) return false;
  return current === undefined;
}

/** The syntax findings of a CII CrossIndustryInvoice, `root` being its document element. */
export function ciiSyntaxFindings(root: Element): Finding[] {
  const findings = new SyntaxFindings();
  const meansTypeCodes: string[] = [];
  const meansInformation: string[] = [];
  const dueDateTypeCodes = new Set<string>();
  let paymentReferences = 0;
  let billedUnitCode = false;
  const quantities: Visited[] = [];
  walk(root, '/rsm:CrossIndustryInvoice', (visited) => {
    const { element, name } = visited;
    if (element.namespaceURI === RAM) {
      if (name === 'TypeCode' && visited.parent?.name === 'SpecifiedTradeSettlementPaymentMeans')
        meansTypeCodes.push(stringValue(element).replace(/\s+/g, ' ').trim());
      if (name === 'Information' && visited.parent?.name === 'SpecifiedTradeSettlementPaymentMeans')
        meansInformation.push(stringValue(element).replace(/\s+/g, ' ').trim());
      if (name === 'DueDateTypeCode' && visited.parent?.name === 'ApplicableTradeTax')
        dueDateTypeCodes.add(stringValue(element));
      if (name === 'PaymentReference' && visited.parent?.name === 'ApplicableHeaderTradeSettlement')
        paymentReferences++;
      if (name === 'BilledQuantity' && isAt(visited.parent!, [...LINE, 'SpecifiedLineTradeDelivery']))
        billedUnitCode ||= element.hasAttribute('unitCode');
      if (name.endsWith('Quantity')) quantities.push(visited);
      checkRamElement(findings, visited);
      checkLexicalForm(findings, visited);
    } else if (element.namespaceURI === UDT || element.namespaceURI === QDT) checkDataType(findings, visited);
    if (visited.parent === undefined) checkDocument(findings, visited);
    else if (visited.parent.parent === undefined) checkDocumentPart(findings, visited);
    checkOnceInSchema(findings, visited);
  });
  // The quantity rules look at the whole document: a unit code is allowed once any billed quantity has one.
  for (const quantity of quantities) checkQuantity(findings, quantity, billedUnitCode);
  const rootPath = '/rsm:CrossIndustryInvoice';
  const settlementPath = `${rootPath}/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement`;
  const differing = (values: string[]): string[] => [
    ...new Set(values.filter((value) => value !== values[0])),
  ];
  if (differing(meansTypeCodes).length > 0)
    findings.fatal(
      'CII-SR-467',
      `${settlementPath}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`,
      `All payment means must use the same payment means type code (BT-81); found ${quoted(meansTypeCodes)}.`,
      `Всички начини на плащане трябва да имат един и същ код на вид плащане (BT-81); намерени: ${quoted(meansTypeCodes)}.`,
    );
  if (differing(meansInformation).length > 0)
    findings.fatal(
      'CII-SR-468',
      `${settlementPath}/ram:SpecifiedTradeSettlementPaymentMeans/ram:Information`,
      `All payment means must have the same payment means text (BT-82); found ${quoted(meansInformation)}.`,
      `Всички начини на плащане трябва да имат един и същ текст за начина на плащане (BT-82); намерени: ${quoted(meansInformation)}.`,
    );
  if (paymentReferences > 1)
    findings.fatal(
      'CII-SR-469',
      `${settlementPath}/ram:PaymentReference`,
      `Remittance information (BT-83) may occur at most once, but ram:PaymentReference occurs ${paymentReferences} times. Keep one.`,
      `Основанието за плащане (BT-83) може да се среща най-много веднъж, а ram:PaymentReference се среща ${paymentReferences} пъти. Оставете едно.`,
    );
  if (dueDateTypeCodes.size > 1)
    findings.fatal(
      'CII-SR-462',
      `${settlementPath}/ram:ApplicableTradeTax/ram:DueDateTypeCode`,
      `The value added tax point date code (BT-8) must be the same in every VAT breakdown; found ${quoted([...dueDateTypeCodes])}.`,
      `Кодът на датата на данъчното събитие (BT-8) трябва да е един и същ във всички разбивки по ДДС; намерени: ${quoted([...dueDateTypeCodes])}.`,
    );
  return findings.list;
}

const quoted = (values: string[]): string => [...new Set(values)].map((value) => `"${value}"`).join(', ');

function checkDocument(findings: SyntaxFindings, root: Visited): void {
  for (const [ruleId, attribute] of [
    ['CII-DT-013', 'languageID'],
    ['CII-DT-014', 'languageLocaleID'],
  ] as const)
    if (root.element.hasAttribute(attribute))
      findings.notUsed(ruleId, `${root.path}/@${attribute}`, `@${attribute}`);
}

/** The document context (BG-2) names its specification once; the document has one type code (BT-3). */
function checkDocumentPart(findings: SyntaxFindings, at: Visited): void {
  if (at.name === 'ExchangedDocumentContext') {
    const parameter = 'ram:GuidelineSpecifiedDocumentContextParameter';
    const term = 'Specification identifier (BT-24)';
    const termBg = 'Идентификаторът на спецификацията (BT-24)';
    findings.exactlyOnce('CII-SR-009', at, parameter, at.count(parameter), term, termBg);
    findings.exactlyOnce(
      'CII-SR-010',
      at,
      `${parameter}/ram:ID`,
      at.count(`${parameter}/ram:ID`),
      term,
      termBg,
    );
  } else if (at.name === 'ExchangedDocument')
    findings.exactlyOnce(
      'CII-SR-014',
      at,
      'ram:TypeCode',
      at.count('TypeCode'),
      'Invoice type code (BT-3)',
      'Кодът на вида фактура (BT-3)',
    );
}

/** The rules whose context is a ram element (first match wins, as in the artefacts' one pattern). */
function checkRamElement(findings: SyntaxFindings, at: Visited): void {
  const { name, element } = at;
  switch (name) {
    case 'SpecifiedTradeProduct':
      if (!isAt(at, PRODUCT)) break;
      if (at.count('GlobalID') > 0 && !at.children('GlobalID').some((id) => id.hasAttribute('schemeID')))
        findings.fatal(
          'CII-SR-046',
          `${at.path}/ram:GlobalID/@schemeID`,
          `The item standard identifier (BT-157) needs its scheme identifier (BT-157-1): add @schemeID to ${at.path}/ram:GlobalID.`,
          `Стандартният идентификатор на артикула (BT-157) изисква идентификатор на схема (BT-157-1): добавете @schemeID към ${at.path}/ram:GlobalID.`,
        );
      if (at.count('OriginTradeCountry') > 0)
        findings.exactlyOnce(
          'CII-SR-090',
          at,
          'ram:OriginTradeCountry/ram:ID',
          at.count('OriginTradeCountry/ID'),
          'Item country of origin (BT-159)',
          'Държавата на произход на артикула (BT-159)',
        );
      return;
    case 'ApplicableProductCharacteristic':
      if (!isAt(at, [...PRODUCT, name])) break;
      findings.exactlyOnce(
        'CII-SR-069',
        at,
        'ram:Description',
        at.count('Description'),
        'Item attribute name (BT-160)',
        'Името на характеристиката на артикула (BT-160)',
      );
      findings.exactlyOnce(
        'CII-SR-072',
        at,
        'ram:Value',
        at.count('Value'),
        'Item attribute value (BT-161)',
        'Стойността на характеристиката на артикула (BT-161)',
      );
      return;
    case 'SpecifiedLineTradeAgreement': {
      if (!isAt(at, [...LINE, name])) break;
      const netPrices = at.count('NetPriceProductTradePrice/ChargeAmount');
      findings.exactlyOnce(
        'CII-SR-439',
        at,
        'ram:NetPriceProductTradePrice/ram:ChargeAmount',
        netPrices,
        'Item net price (BT-146)',
        'Нетната цена на артикула (BT-146)',
      );
      findings.atMost(
        'CII-SR-441',
        at,
        'ram:NetPriceProductTradePrice/ram:ChargeAmount',
        netPrices,
        1,
        'Item net price (BT-146)',
        'Нетната цена на артикула (BT-146)',
      );
      return;
    }
    case 'SpecifiedTradeAllowanceCharge':
      if (at.count('ChargeIndicator') === 0)
        findings.fatal(
          'CII-SR-463',
          `${at.path}/ram:ChargeIndicator`,
          `An allowance or charge (BG-20, BG-21) must say which it is: add ram:ChargeIndicator to ${at.path}.`,
          `Отстъпката или надбавката (BG-20, BG-21) трябва да посочва какво е: добавете ram:ChargeIndicator в ${at.path}.`,
        );
      findings.atMost(
        'CII-SR-471',
        at,
        'ram:RateApplicablePercent',
        at.count('RateApplicablePercent'),
        1,
        'Allowance or charge VAT rate',
        'ДДС ставката на отстъпката или надбавката',
      );
      findings.atMost(
        'CII-SR-472',
        at,
        'ram:CategoryTradeTax',
        at.count('CategoryTradeTax'),
        1,
        'Allowance or charge VAT category (BT-95, BT-102)',
        'ДДС категорията на отстъпката или надбавката (BT-95, BT-102)',
      );
      findings.atMost(
        'CII-SR-473',
        at,
        'ram:ActualAmount',
        at.count('ActualAmount'),
        1,
        'Allowance or charge amount (BT-92, BT-99, BT-136, BT-141)',
        'Сумата на отстъпката или надбавката (BT-92, BT-99, BT-136, BT-141)',
      );
      return;
    case 'AppliedTradeAllowanceCharge':
      if (at.parent?.name !== 'GrossPriceProductTradePrice') break;
      findings.atMost(
        'CII-SR-440',
        at,
        'ram:ActualAmount',
        at.count('ActualAmount'),
        1,
        'Item price discount (BT-147)',
        'Отстъпката от цената (BT-147)',
      );
      return;
    case 'ApplicableHeaderTradeAgreement':
      if (!isAt(at, [...TRANSACTION, name])) break;
      for (const [ruleId, path, term, termBg] of [
        [
          'CII-SR-455',
          'ram:SellerTradeParty/ram:DefinedTradeContact',
          'Seller contact (BG-6)',
          'Лицето за контакт на продавача (BG-6)',
        ],
        [
          'CII-SR-456',
          'ram:BuyerTradeParty/ram:DefinedTradeContact',
          'Buyer contact (BG-9)',
          'Лицето за контакт на купувача (BG-9)',
        ],
        [
          'CII-SR-459',
          'ram:SellerTradeParty/ram:URIUniversalCommunication',
          'Seller electronic address (BT-34)',
          'Електронният адрес на продавача (BT-34)',
        ],
        [
          'CII-SR-460',
          'ram:BuyerTradeParty/ram:URIUniversalCommunication',
          'Buyer electronic address (BT-49)',
          'Електронният адрес на купувача (BT-49)',
        ],
      ] as const)
        findings.atMost(ruleId, at, path, at.count(path), 1, term, termBg);
      return;
    case 'ApplicableHeaderTradeSettlement':
      if (!isAt(at, HEADER_SETTLEMENT)) break;
      findings.atMost(
        'CII-SR-461',
        at,
        'ram:ApplicableTradeTax/ram:TaxPointDate',
        at.count('ApplicableTradeTax/TaxPointDate'),
        1,
        'Value added tax point date (BT-7)',
        'Датата на данъчното събитие (BT-7)',
      );
      at.children('SpecifiedTradeSettlementPaymentMeans').forEach((means, index) => {
        const code = childrenNamed(means, 'TypeCode')
          .map((typeCode) => stringValue(typeCode).replace(/\s+/g, ' ').trim())
          .join(' ');
        if (code !== '30' && code !== '58') return;
        const hasAccount = childrenNamed(means, 'PayeePartyCreditorFinancialAccount').some(
          (account) =>
            childrenNamed(account, 'IBANID').length + childrenNamed(account, 'ProprietaryID').length > 0,
        );
        if (!hasAccount)
          findings.fatal(
            'CII-SR-470',
            `${at.path}/ram:SpecifiedTradeSettlementPaymentMeans[${index + 1}]/ram:PayeePartyCreditorFinancialAccount`,
            `A credit transfer (payment means code ${code}) needs the payment account identifier (BT-84): add ram:PayeePartyCreditorFinancialAccount/ram:IBANID or ram:ProprietaryID.`,
            `Кредитният превод (код на начин на плащане ${code}) изисква идентификатор на платежната сметка (BT-84): добавете ram:PayeePartyCreditorFinancialAccount/ram:IBANID или ram:ProprietaryID.`,
          );
      });
      return;
    case 'SpecifiedTradeSettlementHeaderMonetarySummation':
      if (!isAt(at, [...HEADER_SETTLEMENT, name])) break;
      for (const [ruleId, child, term] of HEADER_TOTALS)
        findings.atMost(ruleId, at, `ram:${child}`, at.count(child), 1, term, term);
      return;
    case 'BillingSpecifiedPeriod':
      for (const [ruleId, path] of PERIOD_CHILDREN)
        if (at.count(path) > 0) findings.notUsed(ruleId, `${at.path}/ram:${path}`, `ram:${path}`);
      return;
    case 'PostalTradeAddress':
      for (const [ruleId, child] of ADDRESS_CHILDREN)
        if (at.count(child) > 0) findings.notUsed(ruleId, `${at.path}/ram:${child}`, `ram:${child}`);
      return;
    case 'TypeCode':
      for (const [ruleId, attribute] of [
        ['CII-DT-008', 'name'],
        ['CII-DT-009', 'listURI'],
      ] as const)
        if (element.hasAttribute(attribute))
          findings.notUsed(ruleId, `${at.path}/@${attribute}`, `@${attribute}`);
      return;
  }
  if (isOwnIdentifier(at)) {
    for (const [ruleId, attribute] of OWN_ID_ATTRIBUTES)
      if (element.hasAttribute(attribute))
        findings.notUsed(ruleId, `${at.path}/@${attribute}`, `@${attribute}`);
  } else if (name.endsWith('ID')) {
    for (const [ruleId, attribute] of ID_ATTRIBUTES)
      if (element.hasAttribute(attribute))
        findings.notUsed(ruleId, `${at.path}/@${attribute}`, `@${attribute}`);
  } else if (name.endsWith('ReferencedDocument')) checkReferencedDocument(findings, at);
  else if (name.endsWith('Amount') && name !== 'TaxTotalAmount') {
    for (const [ruleId, attribute] of [
      ['CII-DT-031', 'currencyID'],
      ['CII-DT-032', 'currencyCodeListVersionID'],
    ] as const)
      if (element.hasAttribute(attribute))
        findings.notUsed(ruleId, `${at.path}/@${attribute}`, `@${attribute}`);
  } else if (name.endsWith('TradeTax')) {
    const typeCodes = at.children('TypeCode').map(stringValue);
    if (typeCodes.length > 0 && !typeCodes.includes('VAT'))
      findings.fatal(
        'CII-DT-037',
        `${at.path}/ram:TypeCode`,
        `The tax type code must be "VAT", but it is "${typeCodes.join('", "')}" in ${at.path}.`,
        `Кодът на вида данък трябва да е "VAT", а е "${typeCodes.join('", "')}" в ${at.path}.`,
      );
  }
}

/** The document's own identifiers: specification (BT-24), invoice number (BT-1), line (BT-126), seller's item id (BT-155). */
function isOwnIdentifier(at: Visited): boolean {
  return (
    (at.name === 'ID' &&
      isAt(at, [
        'CrossIndustryInvoice',
        'ExchangedDocumentContext',
        'GuidelineSpecifiedDocumentContextParameter',
        'ID',
      ])) ||
    (at.name === 'ID' && isAt(at, ['CrossIndustryInvoice', 'ExchangedDocument', 'ID'])) ||
    (at.name === 'LineID' && isAt(at, [...LINE, 'AssociatedDocumentLineDocument', 'LineID'])) ||
    (at.name === 'SellerAssignedID' && isAt(at, [...PRODUCT, 'SellerAssignedID']))
  );
}

function checkReferencedDocument(findings: SyntaxFindings, at: Visited): void {
  const typeCodes = at.children('TypeCode').map(stringValue);
  const additional = at.name === 'AdditionalReferencedDocument';
  const allowed = {
    attachment: additional && typeCodes.includes('916'),
    object: additional && typeCodes.includes('130'),
    preceding: at.name === 'InvoiceReferencedDocument',
  };
  for (const [ruleId, child, allowedFor] of REFERENCED_DOCUMENT_CHILDREN)
    if (at.count(child) > 0 && !(allowedFor && allowed[allowedFor]))
      findings.notUsed(
        ruleId,
        `${at.path}/ram:${child}`,
        `ram:${child} in ram:${at.name}${allowedFor ? ` (${allowedFor === 'attachment' ? 'only for an attached document, type code 916' : allowedFor === 'object' ? 'only for the invoiced object identifier, type code 130' : 'only for a preceding invoice'})` : ''}`,
      );
  if (typeCodes.length > 0 && !(additional && typeCodes.some((code) => ['50', '130', '916'].includes(code))))
    findings.notUsed(
      'CII-DT-018',
      `${at.path}/ram:TypeCode`,
      `ram:TypeCode "${typeCodes.join('", "')}" in ram:${at.name} (a type code is used only in ram:AdditionalReferencedDocument, as 50, 130 or 916)`,
    );
}

function checkQuantity(findings: SyntaxFindings, at: Visited, billedUnitCode: boolean): void {
  if (at.element.hasAttribute('unitCode') && !billedUnitCode)
    findings.notUsed(
      'CII-DT-033',
      `${at.path}/@unitCode`,
      '@unitCode (without a unit code on the billed quantity)',
    );
  for (const [ruleId, attribute] of QUANTITY_ATTRIBUTES)
    if (at.element.hasAttribute(attribute))
      findings.notUsed(ruleId, `${at.path}/@${attribute}`, `@${attribute}`);
}

/** udt and qdt values: dates in format 102 (DT-097), indicators. */
function checkDataType(findings: SyntaxFindings, at: Visited): void {
  const format = at.element.getAttribute('format');
  if (at.name === 'DateTimeString' && at.element.namespaceURI === UDT && format === '102') {
    const value = stringValue(at.element);
    if (!FORMAT_102.test(value))
      findings.fatal(
        'CII-DT-097',
        at.path,
        `A date in format 102 must be YYYYMMDD (like "20261202"), but ${at.path} is "${value}".`,
        `Дата във формат 102 трябва да е ГГГГММДД (например "20261202"), а ${at.path} е "${value}".`,
      );
  } else if ((at.name === 'DateTimeString' || at.name === 'DateString') && format === '102') {
    if (!FORMAT_102.test(stringValue(at.element)))
      refuse(findings, at, 'a date YYYYMMDD', 'дата ГГГГММДД', '"20261202"');
  } else if (at.name === 'Indicator' && !isBoolean(stringValue(at.element)))
    refuse(findings, at, '"true" or "false"', '"true" или "false"', '"true"');
}

function refuse(findings: SyntaxFindings, at: Visited, type: string, typeBg: string, example: string): void {
  const value = stringValue(at.element);
  findings.fatal(
    'CII-SCHEMA',
    at.path,
    `${at.path} must be ${type} (like ${example}), but it is "${value}".`,
    `${at.path} трябва да е ${typeBg} (например ${example}), а е "${value}".`,
  );
}

/** CII-SCHEMA: amounts, quantities and percentages are decimals in the CII schema. */
function checkLexicalForm(findings: SyntaxFindings, at: Visited): void {
  if (/(Amount|Quantity|Percent)$/.test(at.name) && !isDecimal(stringValue(at.element)))
    refuse(findings, at, 'a decimal number', 'десетично число', '"100.00"');
}

/** CII-SCHEMA: an element repeated more often than the EN 16931 CII schema allows in its parent. */
function checkOnceInSchema(findings: SyntaxFindings, at: Visited): void {
  const repeatable =
    REPEATABLE[at.name] ?? (at.name.endsWith('TradeParty') ? REPEATABLE.TradeParty : undefined) ?? {};
  for (const siblings of at.groups()) {
    const max = repeatable[siblings[0]!.localName ?? ''] ?? 1;
    if (siblings.length <= max) continue;
    const child = siblings[max]!;
    const allowed = max === 1 ? 'only once' : `at most ${max} times`;
    const allowedBg = max === 1 ? 'само веднъж' : `най-много ${max} пъти`;
    findings.fatal(
      'CII-SCHEMA',
      `${at.path}/${child.nodeName}[${max + 1}]`,
      `${child.nodeName} may occur ${allowed} in ${at.path} (EN 16931 CII schema), but occurs ${siblings.length} times. Remove the extra ones.`,
      `${child.nodeName} може да се среща ${allowedBg} в ${at.path} (схема CII по EN 16931), а се среща ${siblings.length} пъти. Премахнете излишните.`,
    );
  }
}
