/**
 * Seeded mutations of valid invoices, one change each, as an issuer's software gets things wrong: an element
 * deleted, blanked or duplicated, a code or attribute changed, an amount nudged, a VAT category swapped. The same
 * seed gives the same mutation, so a difference found once can be found again.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';

export type MutationKind =
  'delete' | 'blank' | 'duplicate' | 'code' | 'attribute' | 'amount' | 'vat-category';
export const MUTATION_KINDS: readonly MutationKind[] = [
  'delete',
  'blank',
  'duplicate',
  'code',
  'attribute',
  'amount',
  'vat-category',
];

export interface Mutation {
  kind: MutationKind;
  /** Where, as a readable path (local names with positions). */
  path: string;
  /** What was done, in a few words. */
  change: string;
  xml: string;
}

/** mulberry32: small, fast and good enough to pick elements reproducibly. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)]!;

/** Codes a mutation writes instead: valid ones of the same list, and values no list has. */
const CODE_POOL = [
  ...'380 381 383 384 386 389 326 751 875 71 1 30 31 42 48 49 57 58 59 ZZZ 10 95 100 102 64 ABL ADR AAA FC LU EA H87 C62 KGM XPP MTR'.split(
    ' ',
  ),
  ...'EUR BGN USD SEK NOK DKK GBP XXX ABC eur'.split(' '),
  ...'BG DE SE NO NL FR IT ES XI EL GR 1A ZZ'.split(' '),
  ...'0088 0007 0192 0208 9930 9925 EM 0002 9999 ABC'.split(' '),
  ...'VAT vat GST VATEX-EU-AE VATEX-EU-O VATEX-EU-IC VATEX-EU-G VATEX-EU-79-C NOPE'.split(' '),
  '',
  ' ',
  'application/pdf',
  'text/xml',
];
const VAT_CATEGORIES = 'S Z E AE K G O L M B'.split(' ');
const ATTRIBUTE_POOL = [...CODE_POOL, 'EUR', 'SEK', 'C62', 'EA', '0088', '0192', 'EM', '9930', 'urn:x'];

/** Elements a mutation may touch: everything below the root except the signature and its extension. */
function candidates(document: Document): Element[] {
  const found: Element[] = [];
  const walk = (element: Element): void => {
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      const child = node as Element;
      if (child.localName === 'UBLExtensions' || child.localName === 'Signature') continue;
      found.push(child);
      walk(child);
    }
  };
  walk(document.documentElement!);
  return found;
}

const isLeaf = (element: Element): boolean => {
  for (let node = element.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) return false;
  return true;
};

function pathOf(element: Element): string {
  const steps: string[] = [];
  for (
    let node: Element | null = element;
    node && node.nodeType === 1;
    node = node.parentNode as Element | null
  ) {
    let position = 1;
    for (let sibling = node.previousSibling; sibling; sibling = sibling.previousSibling)
      if (sibling.nodeType === 1 && (sibling as Element).localName === node.localName) position++;
    steps.unshift(`${node.localName}[${position}]`);
  }
  return `/${steps.join('/')}`;
}

const AMOUNT = /^-?\d+(\.\d+)?$/;

function nudged(value: string, next: () => number): string {
  const number = Number(value);
  const decimals = value.includes('.') ? value.split('.')[1]!.length : 0;
  const choice = Math.floor(next() * 5);
  if (choice === 0) return (number + 0.01).toFixed(Math.max(decimals, 2));
  if (choice === 1) return (number - 0.01).toFixed(Math.max(decimals, 2));
  if (choice === 2) return (number * 10).toFixed(decimals);
  if (choice === 3) return (-number).toFixed(decimals);
  return number.toFixed(decimals + 1 + Math.floor(next() * 3));
}

const isVatCategory = (element: Element): boolean => {
  const parent = element.parentNode as Element | null;
  if (element.localName === 'CategoryCode') return true; // CII: ram:CategoryCode
  return (
    element.localName === 'ID' &&
    !!parent &&
    /^(ClassifiedTaxCategory|TaxCategory)$/.test(parent.localName ?? '') &&
    !element.hasAttribute('schemeAgencyID')
  );
};

/** One mutation of a parsed-once invoice: returns undefined when the kind found nothing to change. */
export function mutate(xml: string, kind: MutationKind, seed: number): Mutation | undefined {
  const next = random(seed);
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const elements = candidates(document);
  const leaves = elements.filter(isLeaf);
  let target: Element | undefined;
  let change = '';
  switch (kind) {
    case 'delete': {
      target = pick(elements, next);
      change = 'deleted';
      break;
    }
    case 'blank': {
      target = pick(leaves, next);
      change = `"${target.textContent}" blanked`;
      break;
    }
    case 'duplicate': {
      target = pick(elements, next);
      change = 'duplicated';
      break;
    }
    case 'code': {
      const codes = leaves.filter((element) => /(Code|ID)$/.test(element.localName ?? ''));
      if (codes.length === 0) return undefined;
      target = pick(codes, next);
      const value = pick(CODE_POOL, next);
      change = `"${target.textContent}" → "${value}"`;
      target.textContent = value;
      break;
    }
    case 'attribute': {
      const withAttributes = elements.filter((element) =>
        Array.from(element.attributes).some((attribute) => !attribute.name.startsWith('xmlns')),
      );
      if (withAttributes.length === 0) return undefined;
      target = pick(withAttributes, next);
      const attribute = pick(
        Array.from(target.attributes).filter((candidate) => !candidate.name.startsWith('xmlns')),
        next,
      );
      if (next() < 0.25) {
        change = `@${attribute.name} removed`;
        target.removeAttribute(attribute.name);
      } else {
        const value = pick(ATTRIBUTE_POOL, next);
        change = `@${attribute.name} "${attribute.value}" → "${value}"`;
        target.setAttribute(attribute.name, value);
      }
      break;
    }
    case 'amount': {
      const amounts = leaves.filter((element) => AMOUNT.test((element.textContent ?? '').trim()));
      if (amounts.length === 0) return undefined;
      target = pick(amounts, next);
      const before = (target.textContent ?? '').trim();
      const after = nudged(before, next);
      change = `${before} → ${after}`;
      target.textContent = after;
      break;
    }
    case 'vat-category': {
      const categories = leaves.filter(isVatCategory);
      if (categories.length === 0) return undefined;
      target = pick(categories, next);
      const before = (target.textContent ?? '').trim();
      const after = pick(
        VAT_CATEGORIES.filter((category) => category !== before),
        next,
      );
      change = `VAT category ${before} → ${after}`;
      target.textContent = after;
      break;
    }
  }
  const path = pathOf(target);
  if (kind === 'delete') target.parentNode!.removeChild(target);
  if (kind === 'blank') target.textContent = '';
  if (kind === 'duplicate') target.parentNode!.insertBefore(target.cloneNode(true), target.nextSibling);
  return { kind, path, change, xml: new XMLSerializer().serializeToString(document) };
}
