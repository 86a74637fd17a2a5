/**
 * UBL syntax rules: the fatal UBL-SR, UBL-DT and UBL-CR rules of CEN EN 16931 1.3.16 (what the binding
 * CEN/TS 16931-3-2 allows once, binary objects, fraction digits), and UBL-SCHEMA for values the UBL 2.1 schema
 * refuses (an amount that is no decimal, a date that is no date, a second element the schema allows once), which the
 * official artefacts cannot evaluate at all. The semantic model keeps only the first of repeated elements, so these
 * are read from the XML, in one walk. Run by the UBL reader; the results are invoice.syntaxFindings.
 */
import type { Element } from '@xmldom/xmldom';
import type { DocumentKind, Finding } from '../../invoice/model';
import {
  SyntaxFindings,
  type Visited,
  childrenNamed,
  isBoolean,
  isDate,
  isDecimal,
  stringValue,
  walk,
} from './tree';

// The UBL 2.1 namespaces (as in invoice/ubl.ts's UBL_NAMESPACES, not imported: that reader imports this module).
const CAC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2';
const CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';

type Limit = [ruleId: string, path: string, term: string, termBg: string];

/** Business terms the binding allows once per document (CEN/TS 16931-3-2), by their path from the root. */
const ONCE_PER_DOCUMENT: Limit[] = [
  [
    'UBL-SR-01',
    'cac:ContractDocumentReference/cbc:ID',
    'Contract reference (BT-12)',
    'Препратката към договор (BT-12)',
  ],
  [
    'UBL-SR-02',
    'cac:ReceiptDocumentReference/cbc:ID',
    'Receiving advice reference (BT-15)',
    'Препратката към известие за получаване (BT-15)',
  ],
  [
    'UBL-SR-03',
    'cac:DespatchDocumentReference/cbc:ID',
    'Despatch advice reference (BT-16)',
    'Препратката към известие за експедиция (BT-16)',
  ],
  ['UBL-SR-05', 'cac:PaymentTerms/cbc:Note', 'Payment terms (BT-20)', 'Условията за плащане (BT-20)'],
  ['UBL-SR-08', 'cac:InvoicePeriod', 'Invoicing period (BG-14)', 'Периодът на фактуриране (BG-14)'],
  [
    'UBL-SR-09',
    'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName',
    'Seller name (BT-27)',
    'Името на продавача (BT-27)',
  ],
  [
    'UBL-SR-10',
    'cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name',
    'Seller trading name (BT-28)',
    'Търговското име на продавача (BT-28)',
  ],
  [
    'UBL-SR-11',
    'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID',
    'Seller legal registration identifier (BT-30)',
    'Регистрационният номер на продавача (BT-30)',
  ],
  [
    'UBL-SR-14',
    'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm',
    'Seller additional legal information (BT-33)',
    'Допълнителната правна информация за продавача (BT-33)',
  ],
  [
    'UBL-SR-15',
    'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName',
    'Buyer name (BT-44)',
    'Името на купувача (BT-44)',
  ],
  [
    'UBL-SR-16',
    'cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID',
    'Buyer identifier (BT-46)',
    'Идентификаторът на купувача (BT-46)',
  ],
  [
    'UBL-SR-17',
    'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID',
    'Buyer legal registration identifier (BT-47)',
    'Регистрационният номер на купувача (BT-47)',
  ],
  ['UBL-SR-24', 'cac:Delivery', 'Delivery information (BG-13)', 'Информацията за доставка (BG-13)'],
  ['UBL-SR-39', 'cac:ProjectReference/cbc:ID', 'Project reference (BT-11)', 'Препратката към проект (BT-11)'],
  [
    'UBL-SR-40',
    'cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name',
    'Buyer trading name (BT-45)',
    'Търговското име на купувача (BT-45)',
  ],
  ['UBL-SR-45', 'cac:PaymentMeans/cbc:PaymentDueDate', 'Payment due date (BT-9)', 'Датата на падеж (BT-9)'],
  [
    'UBL-SR-49',
    'cac:InvoicePeriod/cbc:DescriptionCode',
    'Value added tax point date code (BT-8)',
    'Кодът на датата на данъчното събитие (BT-8)',
  ],
  [
    'UBL-SR-54',
    'cac:PaymentMeans/cac:CardAccount',
    'Payment card information (BG-18)',
    'Информацията за платежна карта (BG-18)',
  ],
  ['UBL-SR-55', 'cac:PaymentMeans/cac:PaymentMandate', 'Direct debit (BG-19)', 'Директният дебит (BG-19)'],
  [
    'UBL-SR-56',
    'cac:OriginatorDocumentReference/cbc:ID',
    'Tender or lot reference (BT-17)',
    'Препратката към търг или обособена позиция (BT-17)',
  ],
];

const ONCE_PER_LINE: Limit[] = [
  ['UBL-SR-34', 'cbc:Note', 'Invoice line note (BT-127)', 'Бележката към реда (BT-127)'],
  [
    'UBL-SR-35',
    'cac:OrderLineReference/cbc:LineID',
    'Referenced purchase order line (BT-132)',
    'Препратката към ред от поръчка (BT-132)',
  ],
  ['UBL-SR-36', 'cac:InvoicePeriod', 'Invoice line period (BG-26)', 'Периодът на реда (BG-26)'],
  [
    'UBL-SR-37',
    'cac:Price/cac:AllowanceCharge/cbc:Amount',
    'Item price discount (BT-147)',
    'Отстъпката от цената (BT-147)',
  ],
  ['UBL-SR-50', 'cac:Item/cbc:Description', 'Item description (BT-154)', 'Описанието на артикула (BT-154)'],
  [
    'UBL-SR-52',
    'cac:DocumentReference',
    'Invoice line object identifier (BT-128)',
    'Идентификаторът на обект на реда (BT-128)',
  ],
];

/**
 * The aggregates an EN 16931 invoice uses, each with the basic components the UBL 2.1 schema lets it repeat
 * (maxOccurs="unbounded" in UBL-CommonAggregateComponents-2.1.xsd and the Invoice and CreditNote schemas); every
 * other basic component of these aggregates may occur once.
 */
const REPEATABLE_BASIC: Record<string, string[]> = {
  AccountingCustomerParty: ['AdditionalAccountID'],
  AccountingSupplierParty: ['AdditionalAccountID'],
  AdditionalDocumentReference: ['XPath', 'DocumentDescription'],
  AdditionalItemProperty: ['ValueQualifier', 'ListValue'],
  Address: [],
  AddressLine: [],
  AllowanceCharge: ['AllowanceChargeReason'],
  Attachment: [],
  BillingReference: [],
  BuyersItemIdentification: [],
  CardAccount: [],
  ClassifiedTaxCategory: ['TaxExemptionReason'],
  CommodityClassification: [],
  Contact: ['Note'],
  ContractDocumentReference: ['XPath', 'DocumentDescription'],
  Country: [],
  CreditNote: ['Note'],
  CreditNoteLine: ['Note'],
  Delivery: [],
  DeliveryLocation: ['Description', 'Conditions'],
  DeliveryParty: [],
  DespatchDocumentReference: ['XPath', 'DocumentDescription'],
  DocumentReference: ['XPath', 'DocumentDescription'],
  ExternalReference: ['Description'],
  FinancialInstitutionBranch: [],
  Invoice: ['Note'],
  InvoiceDocumentReference: ['XPath', 'DocumentDescription'],
  InvoiceLine: ['Note'],
  InvoicePeriod: ['DescriptionCode', 'Description'],
  Item: ['Description', 'AdditionalInformation', 'Keyword', 'BrandName', 'ModelName'],
  LegalMonetaryTotal: [],
  OrderLineReference: [],
  OrderReference: [],
  OriginCountry: [],
  OriginatorDocumentReference: ['XPath', 'DocumentDescription'],
  Party: [],
  PartyIdentification: [],
  PartyLegalEntity: [],
  PartyName: [],
  PartyTaxScheme: ['ExemptionReason'],
  PayeeFinancialAccount: ['PaymentNote'],
  PayeeParty: [],
  PayerFinancialAccount: ['PaymentNote'],
  PaymentMandate: [],
  PaymentMeans: ['InstructionNote', 'PaymentID'],
  PaymentTerms: ['PaymentMeansID', 'Note'],
  PostalAddress: [],
  Price: ['PriceChangeReason'],
  ProjectReference: [],
  ReceiptDocumentReference: ['XPath', 'DocumentDescription'],
  SellersItemIdentification: [],
  StandardItemIdentification: [],
  TaxCategory: ['TaxExemptionReason'],
  TaxRepresentativeParty: [],
  TaxScheme: [],
  TaxSubtotal: [],
  TaxTotal: [],
};

/** Aggregates the UBL 2.1 schema allows once in their parent, for the parents where duplicating them is likely. */
const ONCE_AGGREGATES: Record<string, string[]> = {
  TaxCategory: ['TaxScheme'],
  ClassifiedTaxCategory: ['TaxScheme'],
  PartyTaxScheme: ['TaxScheme'],
  AccountingSupplierParty: ['Party'],
  AccountingCustomerParty: ['Party'],
  Party: ['PostalAddress', 'Contact'],
  PostalAddress: ['Country'],
  Address: ['Country'],
  InvoiceLine: ['Item', 'Price'],
  CreditNoteLine: ['Item', 'Price'],
  Item: [
    'SellersItemIdentification',
    'BuyersItemIdentification',
    'StandardItemIdentification',
    'OriginCountry',
  ],
  Invoice: [
    'LegalMonetaryTotal',
    'AccountingSupplierParty',
    'AccountingCustomerParty',
    'PayeeParty',
    'TaxRepresentativeParty',
    'OrderReference',
  ],
  CreditNote: [
    'LegalMonetaryTotal',
    'AccountingSupplierParty',
    'AccountingCustomerParty',
    'PayeeParty',
    'TaxRepresentativeParty',
    'OrderReference',
  ],
  PaymentMeans: ['PayeeFinancialAccount', 'CardAccount', 'PaymentMandate'],
  Delivery: ['DeliveryLocation', 'DeliveryParty'],
  DeliveryLocation: ['Address'],
  BillingReference: ['InvoiceDocumentReference', 'CreditNoteDocumentReference'],
  AdditionalDocumentReference: ['Attachment'],
  Attachment: ['ExternalReference'],
  TaxSubtotal: ['TaxCategory'],
};

const isUbl = (element: Element, namespace: string): boolean => element.namespaceURI === namespace;

/** The syntax findings of a UBL Invoice or CreditNote, `root` being its document element. */
export function ublSyntaxFindings(root: Element, kind: DocumentKind): Finding[] {
  const findings = new SyntaxFindings();
  const paymentIds = new Set<string>();
  const paymentMeansCodes = new Set<string>();
  let sepaCreditorIds = 0;
  walk(root, `/${kind}`, (visited) => {
    const { element, name } = visited;
    if (visited.parent === undefined) checkDocument(findings, visited, kind);
    else if (isUbl(element, CAC)) checkAggregate(findings, visited, kind);
    else if (isUbl(element, CBC)) checkBasic(findings, visited);
    if (name.endsWith('Amount') && !name.endsWith('PriceAmount') && !inPriceDiscount(visited))
      checkFractionDigits(findings, visited);
    if (name.endsWith('BinaryObject')) checkBinaryObject(findings, visited);
    if (isUbl(element, CBC) && name === 'PaymentID') paymentIds.add(stringValue(element));
    if (isUbl(element, CBC) && name === 'PaymentMeansCode') paymentMeansCodes.add(stringValue(element));
    if (name === 'ID' && visited.parent?.name === 'PartyIdentification' && isSepa(element)) sepaCreditorIds++;
    checkOnceInSchema(findings, visited);
  });
  const rootPath = `/${kind}`;
  if (sepaCreditorIds > 1)
    findings.fatal(
      'UBL-SR-29',
      `${rootPath}//cac:PartyIdentification/cbc:ID[@schemeID='SEPA']`,
      `The bank assigned creditor identifier (BT-90) may occur at most once, but ${sepaCreditorIds} PartyIdentification IDs have schemeID "SEPA". Keep one.`,
      `Идентификаторът на кредитора, даден от банката (BT-90), може да се среща най-много веднъж, а ${sepaCreditorIds} PartyIdentification ID са със schemeID "SEPA". Оставете един.`,
    );
  if (paymentIds.size > 1)
    findings.fatal(
      'UBL-SR-44',
      `${rootPath}/cac:PaymentMeans/cbc:PaymentID`,
      `Remittance information (BT-83) must be the same in every payment means; found ${listed(paymentIds)}.`,
      `Основанието за плащане (BT-83) трябва да е едно и също във всички начини на плащане; намерени: ${listed(paymentIds)}.`,
    );
  if (paymentMeansCodes.size > 1)
    findings.fatal(
      'UBL-SR-47',
      `${rootPath}/cac:PaymentMeans/cbc:PaymentMeansCode`,
      `All payment means must use the same payment means type code (BT-81); found ${listed(paymentMeansCodes)}.`,
      `Всички начини на плащане трябва да имат един и същ код на вид плащане (BT-81); намерени: ${listed(paymentMeansCodes)}.`,
    );
  return findings.list;
}

const listed = (values: Set<string>): string => [...values].map((value) => `"${value}"`).join(', ');

const isSepa = (id: Element): boolean => (id.getAttribute('schemeID') ?? '').toUpperCase() === 'SEPA';

/** Inside a price that carries a discount (BG-29's allowance), where amounts may have more fraction digits. */
function inPriceDiscount(visited: Visited): boolean {
  for (let ancestor = visited.parent; ancestor; ancestor = ancestor.parent)
    if (ancestor.name === 'Price' && ancestor.children('AllowanceCharge').length > 0) return true;
  return false;
}

/** The value of a tax scheme's ID as the binding compares it: upper case, "" when there is none. */
const taxSchemeIds = (partyTaxScheme: Element): string[] =>
  childrenNamed(partyTaxScheme, 'TaxScheme').map((scheme) =>
    childrenNamed(scheme, 'ID')
      .map((id) => stringValue(id).toUpperCase())
      .join(''),
  );

function checkDocument(findings: SyntaxFindings, document: Visited, kind: DocumentKind): void {
  for (const [ruleId, path, term, termBg] of ONCE_PER_DOCUMENT)
    findings.atMost(ruleId, document, path, document.count(path), 1, term, termBg);
  const references = document.children('AdditionalDocumentReference');
  const objectIds = references
    .filter((reference) =>
      childrenNamed(reference, 'DocumentTypeCode').some((code) => stringValue(code) === '130'),
    )
    .flatMap((reference) => childrenNamed(reference, 'ID')).length;
  findings.atMost(
    'UBL-SR-04',
    document,
    "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
    objectIds,
    1,
    'Invoiced object identifier (BT-18)',
    'Идентификаторът на фактурирания обект (BT-18)',
  );
  for (const [role, vatRule, otherRule, vatTerm, vatTermBg] of [
    [
      'AccountingSupplierParty',
      'UBL-SR-12',
      'UBL-SR-13',
      'Seller VAT identifier (BT-31)',
      'ДДС номерът на продавача (BT-31)',
    ],
    [
      'AccountingCustomerParty',
      'UBL-SR-18',
      undefined,
      'Buyer VAT identifier (BT-48)',
      'ДДС номерът на купувача (BT-48)',
    ],
  ] as const) {
    const schemes = document.all(`cac:${role}/cac:Party/cac:PartyTaxScheme`);
    const companyIds = (vat: boolean): number =>
      schemes
        .filter((scheme) => taxSchemeIds(scheme).some((id) => (id === 'VAT') === vat))
        .flatMap((scheme) => childrenNamed(scheme, 'CompanyID')).length;
    const path = `cac:${role}/cac:Party/cac:PartyTaxScheme/cbc:CompanyID`;
    findings.atMost(vatRule, document, path, companyIds(true), 1, vatTerm, vatTermBg);
    if (otherRule)
      findings.atMost(
        otherRule,
        document,
        path,
        companyIds(false),
        1,
        'Seller tax registration identifier (BT-32)',
        'Данъчният регистрационен номер на продавача (BT-32)',
      );
  }
  findings.atMost(
    'UBL-SR-46',
    document,
    'cac:PaymentMeans/cbc:PaymentMeansCode/@name',
    document.all('cac:PaymentMeans/cbc:PaymentMeansCode').filter((code) => code.hasAttribute('name')).length,
    1,
    'Payment means text (BT-82)',
    'Текстът за начина на плащане (BT-82)',
  );
  checkLineKind(findings, document, kind);
}

/** A CreditNote's lines are CreditNoteLine and an Invoice's InvoiceLine: the schema has no other. */
function checkLineKind(findings: SyntaxFindings, document: Visited, kind: DocumentKind): void {
  const wrongLine = kind === 'CreditNote' ? 'InvoiceLine' : 'CreditNoteLine';
  const rightLine = kind === 'CreditNote' ? 'CreditNoteLine' : 'InvoiceLine';
  const wrongLines = document.children(wrongLine).length;
  if (wrongLines > 0)
    findings.fatal(
      'UBL-SCHEMA',
      `${document.path}/cac:${wrongLine}`,
      `A UBL ${kind} must use cac:${rightLine} for its lines; found ${wrongLines} cac:${wrongLine}. Rename the element.`,
      `UBL ${kind} трябва да използва cac:${rightLine} за редовете си; намерени ${wrongLines} cac:${wrongLine}. Преименувайте елемента.`,
    );
}

/** The rules whose context is an aggregate, by its name (first match wins, as in the artefacts' one pattern). */
function checkAggregate(findings: SyntaxFindings, at: Visited, kind: DocumentKind): void {
  switch (at.name) {
    case 'PostalAddress':
    case 'Address':
      findings.atMost(
        'UBL-SR-51',
        at,
        'cac:AddressLine',
        at.count('AddressLine'),
        1,
        'Address line 3 (BT-162, BT-163, BT-164, BT-165)',
        'Третият ред на адреса (BT-162, BT-163, BT-164, BT-165)',
      );
      return;
    case 'Party':
      if (at.parent?.name === 'AccountingSupplierParty')
        findings.atMost(
          'UBL-SR-42',
          at,
          'cac:PartyTaxScheme',
          at.count('PartyTaxScheme'),
          2,
          'The seller’s tax scheme (BT-31, BT-32)',
          'Данъчната схема на продавача (BT-31, BT-32)',
        );
      return;
    case 'AdditionalDocumentReference':
      checkDocumentReference(findings, at, kind);
      return;
    case 'Delivery':
      findings.atMost(
        'UBL-SR-25',
        at,
        'cac:DeliveryParty/cac:PartyName/cbc:Name',
        at.count('DeliveryParty/PartyName/Name'),
        1,
        'Deliver to party name (BT-70)',
        'Името на получателя на доставката (BT-70)',
      );
      return;
    case 'AllowanceCharge': {
      const indicators = at.children('ChargeIndicator').map((indicator) => stringValue(indicator).trim());
      const isAllowance = indicators.some((value) => value === 'false' || value === '0');
      const isCharge = indicators.some((value) => value === 'true' || value === '1');
      if (isAllowance)
        findings.atMost(
          'UBL-SR-30',
          at,
          'cbc:AllowanceChargeReason',
          at.count('AllowanceChargeReason'),
          1,
          'Allowance reason (BT-97)',
          'Причината за отстъпката (BT-97)',
        );
      else if (isCharge)
        findings.atMost(
          'UBL-SR-31',
          at,
          'cbc:AllowanceChargeReason',
          at.count('AllowanceChargeReason'),
          1,
          'Charge reason (BT-104)',
          'Причината за надбавката (BT-104)',
        );
      return;
    }
    case 'PartyTaxScheme':
      if (at.count('TaxScheme/ID') === 0 || at.count('CompanyID') === 0)
        findings.fatal(
          'UBL-SR-53',
          at.path,
          `A party tax scheme must state both the VAT identifier (cbc:CompanyID) and its scheme (cac:TaxScheme/cbc:ID) in ${at.path}; ${at.count('CompanyID') === 0 ? 'cbc:CompanyID' : 'cac:TaxScheme/cbc:ID'} is missing.`,
          `Данъчната схема на страната трябва да съдържа и ДДС номера (cbc:CompanyID), и схемата (cac:TaxScheme/cbc:ID) в ${at.path}; липсва ${at.count('CompanyID') === 0 ? 'cbc:CompanyID' : 'cac:TaxScheme/cbc:ID'}.`,
        );
      return;
    case 'InvoiceLine':
    case 'CreditNoteLine':
      for (const [ruleId, path, term, termBg] of ONCE_PER_LINE)
        findings.atMost(ruleId, at, path, at.count(path), 1, term, termBg);
      findings.exactlyOnce(
        'UBL-SR-48',
        at,
        'cac:Item/cac:ClassifiedTaxCategory',
        at.count('Item/ClassifiedTaxCategory'),
        'The line’s VAT category (BG-30)',
        'ДДС категорията на реда (BG-30)',
      );
      return;
    case 'PayeeParty':
      checkPayee(findings, at);
      return;
    case 'PaymentMeans':
      findings.atMost(
        'UBL-SR-26',
        at,
        'cbc:PaymentID',
        at.count('PaymentID'),
        1,
        'Remittance information (BT-83)',
        'Основанието за плащане (BT-83)',
      );
      findings.atMost(
        'UBL-SR-27',
        at,
        'cbc:PaymentMeansCode',
        at.count('PaymentMeansCode'),
        1,
        'Payment means type code (BT-81)',
        'Кодът на начина на плащане (BT-81)',
      );
      findings.atMost(
        'UBL-SR-28',
        at,
        'cac:PaymentMandate/cbc:ID',
        at.count('PaymentMandate/ID'),
        1,
        'Mandate reference identifier (BT-89)',
        'Идентификаторът на мандата (BT-89)',
      );
      return;
    case 'BillingReference':
      findings.atMost(
        'UBL-SR-06',
        at,
        'cac:InvoiceDocumentReference',
        at.count('InvoiceDocumentReference'),
        1,
        'Preceding invoice reference (BG-3)',
        'Препратката към предходна фактура (BG-3)',
      );
      if (at.count('InvoiceDocumentReference/ID') === 0)
        findings.fatal(
          'UBL-SR-07',
          `${at.path}/cac:InvoiceDocumentReference/cbc:ID`,
          `A preceding invoice reference must give the preceding invoice’s number (BT-25): add cac:InvoiceDocumentReference/cbc:ID to ${at.path}.`,
          `Препратката към предходна фактура трябва да съдържа номера ѝ (BT-25): добавете cac:InvoiceDocumentReference/cbc:ID в ${at.path}.`,
        );
      return;
    case 'TaxRepresentativeParty':
      findings.atMost(
        'UBL-SR-22',
        at,
        'cac:PartyName/cbc:Name',
        at.count('PartyName/Name'),
        1,
        'Seller tax representative name (BT-62)',
        'Името на данъчния представител (BT-62)',
      );
      findings.atMost(
        'UBL-SR-23',
        at,
        'cac:PartyTaxScheme/cbc:CompanyID',
        at.count('PartyTaxScheme/CompanyID'),
        1,
        'Seller tax representative VAT identifier (BT-63)',
        'ДДС номерът на данъчния представител (BT-63)',
      );
      return;
    case 'TaxSubtotal':
      findings.atMost(
        'UBL-SR-32',
        at,
        'cac:TaxCategory/cbc:TaxExemptionReason',
        at.count('TaxCategory/TaxExemptionReason'),
        1,
        'VAT exemption reason text (BT-120)',
        'Текстът на основанието за освобождаване (BT-120)',
      );
      return;
  }
}

function checkDocumentReference(findings: SyntaxFindings, at: Visited, kind: DocumentKind): void {
  findings.atMost(
    'UBL-SR-33',
    at,
    'cbc:DocumentDescription',
    at.count('DocumentDescription'),
    1,
    'Supporting document description (BT-123)',
    'Описанието на придружаващия документ (BT-123)',
  );
  const typeCodes = at.children('DocumentTypeCode').map(stringValue);
  const hasScheme = at.children('ID').some((id) => id.hasAttribute('schemeID'));
  const allowed =
    typeCodes.includes('130') ||
    (kind === 'CreditNote' && typeCodes.includes('50')) ||
    (!hasScheme && typeCodes.length === 0);
  const found = typeCodes.length === 0 ? 'none' : `"${typeCodes.join('", "')}"`;
  if (!allowed)
    findings.fatal(
      'UBL-SR-43',
      `${at.path}/cbc:DocumentTypeCode`,
      `A supporting document reference may carry a document type code only as "130" (invoiced object identifier, BT-18)${kind === 'CreditNote' ? ' or "50" (project reference, BT-11)' : ''}, and a scheme identifier only with code 130; found type code ${found}${hasScheme ? ' with a schemeID' : ''}.`,
      `Препратка към придружаващ документ може да има код на вид документ само "130" (идентификатор на фактурирания обект, BT-18)${kind === 'CreditNote' ? ' или "50" (препратка към проект, BT-11)' : ''}, а идентификатор на схема само с код 130; намерен код ${found === 'none' ? 'няма' : found}${hasScheme ? ' със schemeID' : ''}.`,
    );
  if (!typeCodes.includes('130')) return;
  if (at.count('Attachment') > 0)
    findings.fatal(
      'UBL-CR-666',
      `${at.path}/cac:Attachment`,
      `A document reference with type code 130 is the invoiced object identifier (BT-18) and cannot carry an attachment as well: move the attachment to its own cac:AdditionalDocumentReference.`,
      `Препратка с код 130 е идентификатор на фактурирания обект (BT-18) и не може да съдържа и прикачен файл: преместете файла в отделен cac:AdditionalDocumentReference.`,
    );
  if (at.count('DocumentDescription') > 0)
    findings.fatal(
      'UBL-CR-673',
      `${at.path}/cbc:DocumentDescription`,
      `A document reference with type code 130 is the invoiced object identifier (BT-18) and cannot carry a document description: remove cbc:DocumentDescription or use another reference.`,
      `Препратка с код 130 е идентификатор на фактурирания обект (BT-18) и не може да съдържа описание на документ: премахнете cbc:DocumentDescription или използвайте друга препратка.`,
    );
}

/**
 * A payee (BG-10) is stated only when it is not the seller: its name must be there, differ from the seller's
 * name, and its name, identifier and registration number occur once each.
 */
function checkPayee(findings: SyntaxFindings, at: Visited): void {
  const names = at.all('PartyName/Name').map(stringValue);
  const sellerNames = (
    at.parent?.all('AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName') ?? []
  ).map(stringValue);
  const differsFromSeller = names.some((name) => sellerNames.some((seller) => seller !== name));
  const why = differsFromSeller
    ? ''
    : names.length === 0
      ? ' The payee has no name (BT-59).'
      : sellerNames.length === 0
        ? ' The seller has no name (BT-27) to tell the payee from.'
        : ` The payee’s name "${names[0]}" is the seller’s: leave the payee out when the seller is paid.`;
  const whyBg = differsFromSeller
    ? ''
    : names.length === 0
      ? ' Получателят на плащането няма име (BT-59).'
      : sellerNames.length === 0
        ? ' Продавачът няма име (BT-27), от което да се различи получателят на плащането.'
        : ` Името на получателя на плащането "${names[0]}" е това на продавача: пропуснете получателя, когато се плаща на продавача.`;
  const identifiers = at.all('PartyIdentification/ID').filter((id) => !isSepa(id)).length;
  for (const [ruleId, path, found, term, termBg] of [
    [
      'UBL-SR-19',
      'cac:PartyName/cbc:Name',
      names.length,
      'Payee name (BT-59)',
      'Името на получателя на плащането (BT-59)',
    ],
    [
      'UBL-SR-20',
      'cac:PartyIdentification/cbc:ID',
      identifiers,
      'Payee identifier (BT-60)',
      'Идентификаторът на получателя на плащането (BT-60)',
    ],
    [
      'UBL-SR-21',
      'cac:PartyLegalEntity/cbc:CompanyID',
      at.count('PartyLegalEntity/CompanyID'),
      'Payee legal registration identifier (BT-61)',
      'Регистрационният номер на получателя на плащането (BT-61)',
    ],
  ] as const) {
    if (found <= 1 && differsFromSeller) continue;
    findings.fatal(
      ruleId,
      `${at.path}/${path}`,
      `${term} may occur at most once, and only for a payee other than the seller; ${path} occurs ${found} times in ${at.path}.${why}`,
      `${termBg} може да се среща най-много веднъж и само за получател, различен от продавача; ${path} се среща ${found} пъти в ${at.path}.${whyBg}`,
    );
  }
}

/** UBL-DT-01: amounts have at most two fraction digits (unit prices and price discounts may have more). */
function checkFractionDigits(findings: SyntaxFindings, at: Visited): void {
  const value = stringValue(at.element);
  const point = value.indexOf('.');
  if (point < 0 || value.length - point - 1 <= 2) return;
  findings.fatal(
    'UBL-DT-01',
    at.path,
    `The amount ${at.path} is "${value.trim()}"; amounts have at most two decimals. Round it.`,
    `Сумата ${at.path} е "${value.trim()}"; сумите имат най-много два знака след десетичната точка. Закръглете я.`,
  );
}

function checkBinaryObject(findings: SyntaxFindings, at: Visited): void {
  for (const [ruleId, attribute, what, whatBg] of [
    ['UBL-DT-06', 'mimeCode', 'the MIME code (BT-125-1)', 'MIME кода (BT-125-1)'],
    ['UBL-DT-07', 'filename', 'the file name (BT-125-2)', 'името на файла (BT-125-2)'],
  ] as const)
    if (!at.element.hasAttribute(attribute))
      findings.fatal(
        ruleId,
        at.path,
        `An attached document must give ${what}: add @${attribute} to ${at.path}.`,
        `Прикаченият документ трябва да посочва ${whatBg}: добавете @${attribute} към ${at.path}.`,
      );
}

/** Lexical forms of the UBL 2.1 data types: the official artefacts stop on a value they cannot convert. */
function checkBasic(findings: SyntaxFindings, at: Visited): void {
  const { name, element } = at;
  if (/(Amount|Quantity|Percent|Numeric|Measure)$/.test(name)) {
    const value = stringValue(element);
    if (!isDecimal(value))
      refuseLexical(findings, at, 'a decimal number', 'десетично число', '"100.00"', value);
  } else if (name.endsWith('Date')) {
    const value = stringValue(element);
    if (!isDate(value))
      refuseLexical(findings, at, 'a date YYYY-MM-DD', 'дата ГГГГ-ММ-ДД', '"2026-12-02"', value);
  } else if (name.endsWith('Indicator')) {
    const value = stringValue(element);
    if (!isBoolean(value))
      refuseLexical(findings, at, '"true" or "false"', '"true" или "false"', '"true"', value);
  }
}

// Module-level rather than a closure in checkBasic: a named closure per basic component cost the walk its time.
function refuseLexical(
  findings: SyntaxFindings,
  at: Visited,
  type: string,
  typeBg: string,
  example: string,
  value: string,
): void {
  findings.fatal(
    'UBL-SCHEMA',
    at.path,
    `${at.path} must be ${type} (like ${example}), but it is "${value}".`,
    `${at.path} трябва да е ${typeBg} (например ${example}), а е "${value}".`,
  );
}

/** UBL-SCHEMA: a second basic component or aggregate where the UBL 2.1 schema allows one. */
function checkOnceInSchema(findings: SyntaxFindings, at: Visited): void {
  const onceAggregates = ONCE_AGGREGATES[at.name] ?? [];
  const repeatableBasic = REPEATABLE_BASIC[at.name];
  for (const siblings of at.groups()) {
    if (siblings.length < 2) continue;
    const child = siblings[1]!;
    const name = child.localName ?? child.nodeName;
    const once = isUbl(child, CBC)
      ? repeatableBasic !== undefined && !repeatableBasic.includes(name)
      : onceAggregates.includes(name);
    if (!once) continue;
    const count = siblings.length;
    findings.fatal(
      'UBL-SCHEMA',
      `${at.path}/${child.nodeName}[2]`,
      `${child.nodeName} may occur only once in ${at.path} (UBL 2.1 schema), but occurs ${count} times. Keep one.`,
      `${child.nodeName} може да се среща само веднъж в ${at.path} (схема UBL 2.1), а се среща ${count} пъти. Оставете един.`,
    );
  }
}
