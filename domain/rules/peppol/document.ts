/**
 * The UBL document as the Peppol rules read it: element presence rather than business terms, strings as written,
 * and the document-wide facts the rules share (profile, seller and buyer countries, document currency).
 * The Peppol artefact is XPath over the XML, so its verdicts turn on details the semantic model smooths over
 * (an empty element is still there, "VAT" is not "vat"); reading the XML the same way keeps the verdicts equal.
 */
import type { Element } from '@xmldom/xmldom';
import Big from 'big.js';
import { XmlReader, childElements } from '../../invoice/dom';
import type { DocumentKind, Finding } from '../../invoice/model';

export const CAC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2';
export const CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';

export const ubl = new XmlReader({ cac: CAC, cbc: CBC });

/** XPath string value: the text as written, whitespace included. */
export const stringOf = (element: Element | undefined): string => element?.textContent ?? '';

/** XPath `text()`: the element's own text nodes joined; undefined when it has none. */
export function ownText(element: Element | undefined): string | undefined {
  let text: string | undefined;
  for (let node = element?.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 3 || node.nodeType === 4) text = (text ?? '') + (node.nodeValue ?? '');
  return text;
}

/** XPath normalize-space: only space, tab, CR and LF count as whitespace. */
export const normalizeSpace = (value: string): string =>
  value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');

/** XPath fn:number on a string: the xs:double it spells, NaN otherwise. */
export function numberOf(value: string | undefined): number {
  if (value === undefined) return NaN;
  const trimmed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (/^[+-]?INF$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

/** xs:decimal of a string; undefined where the artefact would stop with a cast error. */
export function decimalOf(value: string | undefined): Big | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return undefined;
  return new Big(
    trimmed
      .replace(/^\+/, '')
      .replace(/\.$/, '')
      .replace(/^(-?)\./, '$10.'),
  );
}

/** A calendar date written YYYY-MM-DD (what `castable as xs:date` accepts at that length). */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Element children in the cac/cbc namespaces by prefixed name ("cbc:ID"). */
export function children(parent: Element | undefined, name: string): Element[] {
  if (!parent) return [];
  const [prefix, localName] = name.split(':');
  return childElements(parent, prefix === 'cac' ? CAC : CBC, localName!);
}

export const isNamed = (element: Element | null | undefined, name: string): boolean => {
  if (!element) return false;
  const [prefix, localName] = name.split(':');
  return element.localName === localName && element.namespaceURI === (prefix === 'cac' ? CAC : CBC);
};

/** An XPath to the element with positions ("/Invoice/cac:InvoiceLine[2]/cbc:ID[1]"), for findings. */
export function pathOf(element: Element): string {
  const steps: string[] = [];
  for (
    let node: Element | null = element;
    node && node.nodeType === 1;
    node = node.parentNode as Element | null
  ) {
    if (!node.parentNode || node.parentNode.nodeType !== 1) {
      steps.unshift(node.localName ?? node.nodeName);
      break;
    }
    let position = 1;
    for (let sibling = node.previousSibling; sibling; sibling = sibling.previousSibling)
      if (sibling.nodeType === 1 && sibling.nodeName === node.nodeName) position++;
    steps.unshift(`${node.nodeName}[${position}]`);
  }
  return `/${steps.join('/')}`;
}

/** The VAT-scheme tax registrations of a party: PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT'] (exact, as written). */
export const vatSchemesOf = (party: Element | undefined): Element[] =>
  ubl
    .all(party, 'cac:PartyTaxScheme')
    .filter((scheme) => ubl.all(scheme, 'cac:TaxScheme/cbc:ID').some((id) => stringOf(id) === 'VAT'));

/**
 * Where the artefact infers a country and its expression stops with an error (two VAT registrations, two
 * country codes, two parties), the patterns that use it match nothing: such a country is `undefined` here.
 */
type Inferred = string | undefined;

/** A party as the artefact's document-wide variables see it: every element at its path (usually one). */
export type Parties = Element | Element[] | undefined;
const listOf = (parties: Parties): Element[] => (Array.isArray(parties) ? parties : parties ? [parties] : []);
const countryCodesOf = (parties: Parties): Element[] =>
  listOf(parties).flatMap((party) => ubl.all(party, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode'));

/** The country prefix of a party's VAT identifier, upper-cased; null when it has none to give. */
export function vatPrefixOf(parties: Parties): Inferred | null {
  const schemes = listOf(parties).flatMap(vatSchemesOf);
  if (schemes.length > 1 || schemes.some((scheme) => children(scheme, 'cbc:CompanyID').length > 1))
    return undefined;
  const prefix = stringOf(children(schemes[0], 'cbc:CompanyID')[0]).slice(0, 2);
  return prefix === '' ? null : normalizeSpace(prefix).toUpperCase();
}

/** The party's postal country code as written; '' when it has none. */
export function postalCountryOf(parties: Parties): Inferred {
  const codes = countryCodesOf(parties);
  return codes.length > 1 ? undefined : stringOf(codes[0]);
}

/** Peppol's country of a party: its VAT prefix, else that of the next party given, else its postal country, else XX. */
export function inferredCountryOf(parties: Parties, ...fallbacks: Parties[]): Inferred {
  for (const candidate of [parties, ...fallbacks]) {
    const prefix = vatPrefixOf(candidate);
    if (prefix !== null) return prefix;
  }
  const postal = postalCountryOf(parties);
  if (postal === undefined) return undefined;
  return countryCodesOf(parties).length === 0 ? 'XX' : normalizeSpace(postal).toUpperCase();
}

/** The party's postal country is `country` (upper-cased, whitespace-normalized). */
export function postalIs(parties: Parties, country: string): boolean {
  const postal = postalCountryOf(parties);
  return postal !== undefined && normalizeSpace(postal).toUpperCase() === country;
}

/** The document-wide facts the Peppol rules are written against. */
export class PeppolDocument {
  readonly seller: Element | undefined;
  readonly buyer: Element | undefined;
  readonly taxRepresentative: Element | undefined;
  /** Every seller and buyer party (more than one only in a broken document: then no country is inferred). */
  readonly sellers: Element[];
  readonly buyers: Element[];
  /** The process number NN of "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0", or "Unknown". */
  readonly profile: string;
  /** The seller's country as Peppol infers it: VAT prefix, else the tax representative's, else the postal country. */
  readonly supplierCountry: Inferred;
  /** The buyer's country: VAT prefix, else the postal country. */
  readonly customerCountry: Inferred;
  /** The postal country codes as written (the Danish, Icelandic and Swedish rules compare these). */
  readonly supplierPostalCountry: Inferred;
  readonly customerPostalCountry: Inferred;
  readonly supplierIsGerman: boolean;
  readonly customerIsGerman: boolean;
  /** Every cbc:DocumentCurrencyCode as written (amounts must carry one of them). */
  readonly documentCurrencies: string[];

  constructor(
    readonly root: Element,
    readonly kind: DocumentKind,
  ) {
    this.seller = ubl.one(root, 'cac:AccountingSupplierParty/cac:Party');
    this.buyer = ubl.one(root, 'cac:AccountingCustomerParty/cac:Party');
    this.taxRepresentative = ubl.one(root, 'cac:TaxRepresentativeParty');
    const profileId = ubl.one(root, 'cbc:ProfileID');
    const profile = profileId
      ? /urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0/.exec(normalizeSpace(stringOf(profileId)))
      : null;
    this.profile = profile ? normalizeSpace(stringOf(profileId)).split(':')[6]! : 'Unknown';
    this.sellers = ubl.all(root, 'cac:AccountingSupplierParty/cac:Party');
    this.buyers = ubl.all(root, 'cac:AccountingCustomerParty/cac:Party');
    this.supplierCountry = inferredCountryOf(this.sellers, ubl.all(root, 'cac:TaxRepresentativeParty'));
    this.customerCountry = inferredCountryOf(this.buyers);
    this.supplierPostalCountry = postalCountryOf(this.sellers);
    this.customerPostalCountry = postalCountryOf(this.buyers);
    this.supplierIsGerman = postalIs(this.sellers, 'DE');
    this.customerIsGerman = postalIs(this.buyers, 'DE');
    this.documentCurrencies = ubl.all(root, 'cbc:DocumentCurrencyCode').map(stringOf);
  }

  /** The lines of this document kind (cac:InvoiceLine of an Invoice, cac:CreditNoteLine of a credit note). */
  get lines(): Element[] {
    return children(this.root, this.kind === 'CreditNote' ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
  }
}

/** Collects the findings of the Peppol rules, each at the element it is about. */
export class PeppolReport {
  readonly findings: Finding[] = [];

  fatal(ruleId: string, at: Element | string, message: string, messageBg: string): void {
    this.findings.push({
      ruleId,
      severity: 'fatal',
      path: typeof at === 'string' ? at : pathOf(at),
      message,
      messageBg,
    });
  }
}
