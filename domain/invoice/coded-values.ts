/**
 * The coded values the EN 16931 code-list rules (BR-CL-*) check, collected in one walk of the document. The
 * CEN artefacts (1.3.16) match each rule's elements by name and parent wherever they occur, not by business
 * term, so every occurrence is collected: a duplicated element, an amount's currencyID, each quantity's
 * unitCode. Which rule checks which element is each syntax's binding, one function each below; the lists
 * and the checks are in domain/rules/code-list-rules.ts.
 */
import type { Element } from '@xmldom/xmldom';
import type { CodeList, CodedValue } from './model';
import { textContent } from '../xml';

type RuleId = CodedValue['ruleId'];

/**
 * Where the walk stands: the element and its ancestors, root first. One cursor serves the whole walk, and the XPath
 * is made only for the elements a rule binds (building every element's path, set of ancestors and closures was
 * most of the walk's time).
 */
class Place {
  element: Element;
  readonly ancestors: Element[] = [];

  constructor(
    root: Element,
    private readonly rootPath: string,
    private readonly prefixes: ReadonlyMap<string, string>,
  ) {
    this.element = root;
  }

  get parent(): Element | undefined {
    return this.ancestors[this.ancestors.length - 1];
  }

  /** Whether an ancestor has this qualified name ("cac:PayeeParty"). */
  within(name: string): boolean {
    return this.ancestors.some((ancestor) => qualified(ancestor, this.prefixes) === name);
  }

  /** The element's XPath: each step its qualified name and position among same-named siblings. */
  path(): string {
    let path = this.rootPath;
    for (let depth = 1; depth <= this.ancestors.length; depth++) {
      const element = depth < this.ancestors.length ? this.ancestors[depth]! : this.element;
      const name = qualified(element, this.prefixes);
      let position = 1;
      for (let node = element.previousSibling; node; node = node.previousSibling)
        if (
          node.nodeType === 1 &&
          (node as Element).localName === element.localName &&
          qualified(node as Element, this.prefixes) === name
        )
          position++;
      path += `/${name}[${position}]`;
    }
    return path;
  }
}

/** A binding rule: the element it applies to, the value it checks and under which rule and list. */
type Binding = (place: Place) => Bound | undefined;

interface Bound {
  ruleId: RuleId;
  list: CodeList;
  value?: string;
  attribute?: string;
}

/** XPath normalize-space: XML white space collapsed and trimmed. */
const normalized = (text: string): string => text.replace(/[ \t\r\n]+/g, ' ').trim();

const textOf = (element: Element): string => normalized(textContent(element));

/** An attribute's normalized value, or undefined when the element does not carry it. */
const attributeOf = (element: Element, name: string): string | undefined =>
  element.hasAttribute(name) ? normalized(element.getAttribute(name) ?? '') : undefined;

/** A rule's value: the element's normalized text. */
const text = (element: Element, ruleId: RuleId, list: CodeList): Bound => ({
  ruleId,
  list,
  value: textOf(element),
});

/** A rule's value: an attribute the element carries (nothing to check when it does not). */
const attribute = (element: Element, ruleId: RuleId, list: CodeList, name: string): Bound | undefined =>
  element.hasAttribute(name)
    ? { ruleId, list, value: attributeOf(element, name), attribute: name }
    : undefined;

/** A rule's value: an identifier's schemeID. */
const withScheme = (scheme: string, ruleId: RuleId, list: CodeList): Bound => ({
  ruleId,
  list,
  value: scheme,
  attribute: 'schemeID',
});

/** xs:boolean of an indicator's text, as the artefacts' "= true()" casts it; undefined: no boolean at all. */
function indicator(text: string): boolean | undefined {
  const value = normalized(text);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

function children(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 1) {
      const child = node as Element;
      if (child.namespaceURI === namespace && child.localName === localName) found.push(child);
    }
  return found;
}

/**
 * Whether an allowance or charge is one by its indicators, as "[ChargeIndicator = true()]" reads them: any
 * indicator equal. (An indicator that is no boolean stops the artefacts with an error; the hub then just
 * checks no reason.)
 */
function isChargeIndicated(indicators: string[], charge: boolean): boolean {
  const values = indicators.map(indicator);
  return !values.includes(undefined) && values.includes(charge);
}

/** An attachment's MIME code, compared as written: the artefact tests the attribute for equality, unnormalized. */
const mimeCode = (element: Element): Bound | undefined =>
  element.hasAttribute('mimeCode')
    ? {
        ruleId: 'BR-CL-24',
        list: 'MIME',
        value: element.getAttribute('mimeCode') ?? '',
        attribute: 'mimeCode',
      }
    : undefined;

/**
 * An allowance or charge reason code, under the list its indicators name; BR-CL-19 takes precedence where they
 * say both (the artefact's higher template priority).
 */
function reasonCode(element: Element, indicators: string[]): Bound | undefined {
  if (isChargeIndicated(indicators, false)) return text(element, 'BR-CL-19', 'UNTDID 5189');
  return isChargeIndicated(indicators, true) ? text(element, 'BR-CL-20', 'UNTDID 7161') : undefined;
}

function walk(
  root: Element,
  rootPath: string,
  prefixes: ReadonlyMap<string, string>,
  bind: Binding,
): CodedValue[] {
  const found: CodedValue[] = [];
  const place = new Place(root, rootPath, prefixes);
  const visit = (element: Element): void => {
    place.element = element;
    const bound = bind(place);
    if (bound)
      found.push({
        ruleId: bound.ruleId,
        list: bound.list,
        value: bound.value,
        path: bound.attribute ? `${place.path()}/@${bound.attribute}` : place.path(),
      });
    place.ancestors.push(element);
    for (let node = element.firstChild; node; node = node.nextSibling)
      if (node.nodeType === 1) visit(node as Element);
    place.ancestors.pop();
  };
  visit(root);
  return found;
}

/** prefix:localName by the reader's own prefixes (the document's may differ), else the name as written. */
function qualified(element: Element, prefixes: ReadonlyMap<string, string>): string {
  const prefix = prefixes.get(element.namespaceURI ?? '');
  return prefix ? `${prefix}:${element.localName}` : element.nodeName;
}

const UBL_AMOUNTS = new Set(
  'Amount BaseAmount PriceAmount TaxAmount TaxableAmount LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount AllowanceTotalAmount ChargeTotalAmount PrepaidAmount PayableRoundingAmount PayableAmount'.split(
    ' ',
  ),
);
const UBL_QUANTITIES = new Set(['InvoicedQuantity', 'BaseQuantity', 'CreditedQuantity']);

/**
 * The UBL binding of the CEN artefacts' code-list rules (EN16931-UBL-validation, pattern UBL-model code
 * lists).
 */
export function ublCodedValues(
  root: Element,
  namespaces: { cac: string; cbc: string; Invoice: string; CreditNote: string },
): CodedValue[] {
  const { cac, cbc } = namespaces;
  const prefixes = new Map([
    [cac, 'cac'],
    [cbc, 'cbc'],
  ]);
  const isRoot = (element: Element | undefined): boolean =>
    element === root &&
    ((root.localName === 'Invoice' && root.namespaceURI === namespaces.Invoice) ||
      (root.localName === 'CreditNote' && root.namespaceURI === namespaces.CreditNote));
  const parentIs = (place: Place, localName: string): boolean =>
    place.parent?.namespaceURI === cac && place.parent.localName === localName;
  const childTexts = (element: Element | undefined, localName: string): string[] =>
    element ? children(element, cbc, localName).map((child) => child.textContent ?? '') : [];

  const bind: Binding = (place) => {
    const { element } = place;
    if (element.namespaceURI !== cbc) return undefined;
    switch (element.localName) {
      case 'InvoiceTypeCode':
        return text(element, 'BR-CL-01', 'UNTDID 1001 invoice');
      case 'CreditNoteTypeCode':
        return text(element, 'BR-CL-01', 'UNTDID 1001 credit note');
      case 'DocumentCurrencyCode':
        return text(element, 'BR-CL-04', 'ISO 4217');
      case 'TaxCurrencyCode':
        return text(element, 'BR-CL-05', 'ISO 4217');
      case 'DescriptionCode':
        return parentIs(place, 'InvoicePeriod') ? text(element, 'BR-CL-06', 'UNTDID 2005') : undefined;
      case 'Note':
        return isRoot(place.parent) ? noteSubject(element) : undefined;
      case 'CompanyID':
        return parentIs(place, 'PartyLegalEntity')
          ? attribute(element, 'BR-CL-11', 'ISO 6523 ICD', 'schemeID')
          : undefined;
      case 'ItemClassificationCode':
        return parentIs(place, 'CommodityClassification')
          ? attribute(element, 'BR-CL-13', 'UNTDID 7143', 'listID')
          : undefined;
      case 'IdentificationCode':
        if (parentIs(place, 'Country')) return text(element, 'BR-CL-14', 'ISO 3166-1');
        return parentIs(place, 'OriginCountry') ? text(element, 'BR-CL-15', 'ISO 3166-1') : undefined;
      case 'PaymentMeansCode':
        // BR-CL-16 reads BT-81 from the model, which holds each payment means' code as written.
        return undefined;
      case 'AllowanceChargeReasonCode': {
        if (!parentIs(place, 'AllowanceCharge')) return undefined;
        const indicators = childTexts(place.parent, 'ChargeIndicator');
        return reasonCode(element, indicators);
      }
      case 'TaxExemptionReasonCode':
        return text(element, 'BR-CL-22', 'VATEX');
      case 'EmbeddedDocumentBinaryObject':
        return mimeCode(element);
      case 'EndpointID':
        return attribute(element, 'BR-CL-25', 'EAS', 'schemeID');
      case 'ID':
        return ublIdentifier(place);
    }
    if (UBL_AMOUNTS.has(element.localName ?? ''))
      // Every amount names its currency: an absent currencyID fails too.
      return {
        ruleId: 'BR-CL-03',
        list: 'ISO 4217',
        value: attributeOf(element, 'currencyID'),
        attribute: 'currencyID',
      };
    if (UBL_QUANTITIES.has(element.localName ?? ''))
      return attribute(element, 'BR-CL-23', 'UNECE Rec 20/21', 'unitCode');
    return undefined;
  };

  const ublIdentifier = (place: Place): ReturnType<Binding> => {
    const { element, parent } = place;
    const scheme = attributeOf(element, 'schemeID');
    if (parentIs(place, 'TaxCategory'))
      return { ruleId: 'BR-CL-17', list: 'UNTDID 5305', value: textOf(element) };
    if (parentIs(place, 'ClassifiedTaxCategory'))
      return { ruleId: 'BR-CL-18', list: 'UNTDID 5305', value: textOf(element) };
    if (scheme === undefined) return undefined;
    if (
      (parentIs(place, 'AdditionalDocumentReference') || parentIs(place, 'DocumentReference')) &&
      childTexts(parent, 'DocumentTypeCode').includes('130')
    )
      return withScheme(scheme, 'BR-CL-07', 'UNTDID 1153');
    if (parentIs(place, 'PartyIdentification')) {
      // The seller's or payee's SEPA creditor identifier (BT-90) is a party identifier of scheme SEPA.
      const sepaAllowed = place.within('cac:AccountingSupplierParty') || place.within('cac:PayeeParty');
      return scheme === 'SEPA' && sepaAllowed ? undefined : withScheme(scheme, 'BR-CL-10', 'ISO 6523 ICD');
    }
    if (parentIs(place, 'StandardItemIdentification')) return withScheme(scheme, 'BR-CL-21', 'ISO 6523 ICD');
    if (parentIs(place, 'DeliveryLocation')) return withScheme(scheme, 'BR-CL-26', 'ISO 6523 ICD');
    return undefined;
  };

  return walk(root, `/${root.localName}`, prefixes, bind);
}

/**
 * UBL has no subject code element: the binding writes BT-21 as "#CODE#text" in the note, and the artefact
 * checks the part between the first two "#" when it is three characters long.
 */
function noteSubject(note: Element): ReturnType<Binding> {
  const text = note.textContent ?? '';
  const afterHash = text.includes('#') ? text.slice(text.indexOf('#') + 1) : undefined;
  const subject = afterHash?.includes('#') ? afterHash.slice(0, afterHash.indexOf('#')) : '';
  return subject.length === 3 ? { ruleId: 'BR-CL-08', list: 'UNTDID 4451', value: subject } : undefined;
}

const CII_QUANTITIES = new Set(['BasisQuantity', 'BilledQuantity']);

/** The CII binding of the CEN artefacts' code-list rules (EN16931-CII-validation, pattern CII code lists). */
export function ciiCodedValues(
  root: Element,
  namespaces: { rsm: string; ram: string; udt: string },
): CodedValue[] {
  const { rsm, ram, udt } = namespaces;
  const prefixes = new Map([
    [rsm, 'rsm'],
    [ram, 'ram'],
    [udt, 'udt'],
  ]);
  const parentIs = (place: Place, namespace: string, localName: string): boolean =>
    place.parent?.namespaceURI === namespace && place.parent.localName === localName;
  // The deliver-to location identifier (BT-71) is a GlobalID of the header delivery's ship-to party.
  const isHeaderDelivery = (element: Element | null | undefined): boolean =>
    element?.namespaceURI === ram && element.localName === 'ApplicableHeaderTradeDelivery';

  const bind: Binding = (place) => {
    const { element, parent } = place;
    if (element.namespaceURI !== ram) return undefined;
    switch (element.localName) {
      case 'TypeCode':
        // BR-CL-16 reads the payment means code (BT-81) from the model.
        return parentIs(place, rsm, 'ExchangedDocument')
          ? text(element, 'BR-CL-01', 'UNTDID 1001')
          : undefined;
      case 'TaxTotalAmount':
        return attribute(element, 'BR-CL-03', 'ISO 4217', 'currencyID');
      case 'InvoiceCurrencyCode':
        return text(element, 'BR-CL-04', 'ISO 4217');
      case 'TaxCurrencyCode':
        return text(element, 'BR-CL-05', 'ISO 4217');
      case 'DueDateTypeCode':
        return text(element, 'BR-CL-06', 'UNTDID 2475');
      case 'ReferenceTypeCode':
        return text(element, 'BR-CL-07', 'UNTDID 1153');
      case 'SubjectCode':
        return text(element, 'BR-CL-08', 'UNTDID 4451');
      case 'GlobalID':
        if (parentIs(place, ram, 'SpecifiedTradeProduct'))
          return attribute(element, 'BR-CL-21', 'ISO 6523 ICD', 'schemeID');
        if (
          parentIs(place, ram, 'ShipToTradeParty') &&
          isHeaderDelivery(parent?.parentNode as Element | null)
        )
          return attribute(element, 'BR-CL-26', 'ISO 6523 ICD', 'schemeID');
        return place.within('ram:ShipToTradeParty') || place.within('ram:SpecifiedTradeProduct')
          ? undefined
          : attribute(element, 'BR-CL-10', 'ISO 6523 ICD', 'schemeID');
      case 'ID':
        // Any identifier with a scheme but a tax registration's (a higher-priority template than BR-CL-15's).
        if (element.hasAttribute('schemeID'))
          return place.within('ram:SpecifiedTaxRegistration')
            ? undefined
            : attribute(element, 'BR-CL-11', 'ISO 6523 ICD', 'schemeID');
        return parentIs(place, ram, 'OriginTradeCountry')
          ? text(element, 'BR-CL-15', 'ISO 3166-1')
          : undefined;
      case 'ClassCode':
        return attribute(element, 'BR-CL-13', 'UNTDID 7143', 'listID');
      case 'CountryID':
        return text(element, 'BR-CL-14', 'ISO 3166-1');
      case 'CategoryCode':
        if (parentIs(place, ram, 'CategoryTradeTax')) return text(element, 'BR-CL-17', 'UNTDID 5305');
        return parentIs(place, ram, 'ApplicableTradeTax')
          ? text(element, 'BR-CL-18', 'UNTDID 5305')
          : undefined;
      case 'ReasonCode': {
        if (!parent || !parentIs(place, ram, 'SpecifiedTradeAllowanceCharge')) return undefined;
        const indicators = children(parent, ram, 'ChargeIndicator').flatMap((charge) =>
          children(charge, udt, 'Indicator').map((value) => value.textContent ?? ''),
        );
        return reasonCode(element, indicators);
      }
      case 'ExemptionReasonCode':
        return text(element, 'BR-CL-22', 'VATEX');
      case 'AttachmentBinaryObject':
        return mimeCode(element);
      case 'URIID':
        return parentIs(place, ram, 'URIUniversalCommunication')
          ? attribute(element, 'BR-CL-25', 'EAS', 'schemeID')
          : undefined;
    }
    if (CII_QUANTITIES.has(element.localName ?? ''))
      return attribute(element, 'BR-CL-23', 'UNECE Rec 20/21', 'unitCode');
    return undefined;
  };

  return walk(root, '/rsm:CrossIndustryInvoice', prefixes, bind);
}
