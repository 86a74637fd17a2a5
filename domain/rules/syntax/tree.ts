/**
 * What the syntax rules share: a document visited once, each element with its XPath and its children grouped by
 * local name, and the XML Schema lexical forms (xs:decimal, xs:date, xs:boolean) both syntaxes' schemas require.
 */
import type { Element } from '@xmldom/xmldom';
import type { Finding } from '../../invoice/model';
import { textContent } from '../../xml';

const ELEMENT_NODE = 1;
const NONE: Element[] = [];
const NONE_GROUPED: Element[][] = [];

/** One element of the walk: where it is and its child elements by local name, in document order. */
export class Visited {
  readonly name: string;
  /** Made at the first child element: most elements are leaves. */
  private byName: Map<string, Element[]> | undefined;

  constructor(
    readonly element: Element,
    readonly path: string,
    readonly parent: Visited | undefined,
  ) {
    this.name = element.localName ?? element.nodeName;
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== ELEMENT_NODE) continue;
      const child = node as Element;
      const name = child.localName ?? child.nodeName;
      this.byName ??= new Map();
      const siblings = this.byName.get(name);
      if (siblings) siblings.push(child);
      else this.byName.set(name, [child]);
    }
  }

  /** Child elements named `name`. */
  children(name: string): Element[] {
    return this.byName?.get(name) ?? NONE;
  }

  /** Child elements by local name, each group in document order. */
  groups(): Iterable<Element[]> {
    return this.byName?.values() ?? NONE_GROUPED;
  }

  /** Elements reached from this one by a path ("cac:Item/cac:ClassifiedTaxCategory"; prefixes are not checked). */
  all(path: string): Element[] {
    const [first, ...rest] = localNames(path);
    let current = this.children(first!);
    for (const name of rest) current = current.flatMap((element) => childrenNamed(element, name));
    return current;
  }

  count(path: string): number {
    return this.all(path).length;
  }
}

const compiled = new Map<string, string[]>();
const localNames = (path: string): string[] => {
  let names = compiled.get(path);
  if (!names) {
    names = path.split('/').map((step) => step.slice(step.indexOf(':') + 1));
    compiled.set(path, names);
  }
  return names;
};

export function childrenNamed(parent: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === ELEMENT_NODE && (node as Element).localName === name) found.push(node as Element);
  return found;
}

/** Visits every element below and including `root` once, each after its parent. */
/** The XAdES signature the hub and the issuer agent put into an invoice: the signature verifier's, not the syntax rules'. */
const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#';

export function walk(root: Element, rootPath: string, visit: (visited: Visited) => void): void {
  const pending: Visited[] = [new Visited(root, rootPath, undefined)];
  for (let visited = pending.pop(); visited; visited = pending.pop()) {
    visit(visited);
    for (const siblings of visited.groups())
      for (let index = 0; index < siblings.length; index++) {
        const child = siblings[index]!;
        if (child.namespaceURI === XMLDSIG) continue;
        const step = siblings.length > 1 ? `${child.nodeName}[${index + 1}]` : child.nodeName;
        pending.push(new Visited(child, `${visited.path}/${step}`, visited));
      }
  }
}

/** The element's string value as XPath sees it: every text below it, whitespace kept. */
export const stringValue = (element: Element): string => textContent(element);

/** Collects findings of one document, each rule phrased in English and Bulgarian. */
export class SyntaxFindings {
  readonly list: Finding[] = [];

  fatal(ruleId: string, path: string, message: string, messageBg: string): void {
    this.list.push({ ruleId, severity: 'fatal', path, message, messageBg });
  }

  /** `path` (relative to `at`) may occur at most `max` times. */
  atMost(
    ruleId: string,
    at: Visited,
    path: string,
    found: number,
    max: number,
    term: string,
    termBg: string,
  ): void {
    if (found <= max) return;
    const times = max === 1 ? 'once' : `${max} times`;
    const timesBg = max === 1 ? 'веднъж' : `${max} пъти`;
    this.fatal(
      ruleId,
      `${at.path}/${path}`,
      `${term} may occur at most ${times} in ${at.path}, but ${path} occurs ${found} times. Keep ${max === 1 ? 'one' : max}.`,
      `${termBg} може да се среща най-много ${timesBg} в ${at.path}, а ${path} се среща ${found} пъти. Оставете ${max === 1 ? 'един' : max}.`,
    );
  }

  /** `path` (relative to `at`) must occur exactly once. */
  exactlyOnce(ruleId: string, at: Visited, path: string, found: number, term: string, termBg: string): void {
    if (found === 1) return;
    this.fatal(
      ruleId,
      `${at.path}/${path}`,
      found === 0
        ? `${term} is missing in ${at.path}: add exactly one ${path}.`
        : `${term} must occur exactly once in ${at.path}, but ${path} occurs ${found} times. Keep one.`,
      found === 0
        ? `Липсва ${termBg} в ${at.path}: добавете точно един ${path}.`
        : `${termBg} трябва да се среща точно веднъж в ${at.path}, а ${path} се среща ${found} пъти. Оставете един.`,
    );
  }

  /** An attribute or element the binding does not use is present. */
  notUsed(ruleId: string, path: string, what: string): void {
    this.fatal(
      ruleId,
      path,
      `${what} is not used in EN 16931 invoices: remove it from ${path}.`,
      `${what} не се използва във фактури по EN 16931: премахнете го от ${path}.`,
    );
  }
}

// XML Schema Part 2 lexical spaces, after the whitespace collapse every one of these types applies.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-](\d{2}):(\d{2}))?$/;
const BOOLEAN = /^(true|false|1|0)$/;

export const isDecimal = (value: string): boolean => DECIMAL.test(value.trim());
export const isBoolean = (value: string): boolean => BOOLEAN.test(value.trim());

/** xs:date: a real calendar day (1 to 28, 29, 30 or 31 by month and leap year), an optional time zone. */
export function isDate(value: string): boolean {
  const match = DATE.exec(value.trim());
  if (!match) return false;
  const [, yearText, monthText, dayText, zone, zoneHours, zoneMinutes] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (zone && zone !== 'Z' && (Number(zoneHours) > 14 || Number(zoneMinutes) > 59)) return false;
  return year !== 0;
}

export function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
