/**
 * Reading invoice XML by short, namespace-aware paths ("cac:Party/cbc:EndpointID").
 * Walking child elements directly is several times faster than evaluating XPath, which matters when
 * thousands of invoices are verified in one run.
 */
import type { Element, Node } from '@xmldom/xmldom';
import { textContent } from '../xml';

export type Namespaces = Readonly<Record<string, string>>;

const ELEMENT_NODE = 1;

function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

/** Child elements of `parent` with the given namespace and local name ("*" matches any name). */
export function childElements(parent: Element, namespace: string | undefined, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (
      isElement(node) &&
      (localName === '*' || node.localName === localName) &&
      (namespace === undefined || node.namespaceURI === namespace)
    ) {
      found.push(node);
    }
  }
  return found;
}

type Step = { namespace: string; localName: string };

function firstAlong(element: Element, steps: Step[], index: number): Element | undefined {
  if (index === steps.length) return element;
  const { namespace, localName } = steps[index];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (
      isElement(node) &&
      (localName === '*' || node.localName === localName) &&
      node.namespaceURI === namespace
    ) {
      const found = firstAlong(node, steps, index + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Elements below `root` with the namespace and local name, in document order, as getElementsByTagNameNS returns
 * them, without its live list (a walk with a frame and a closure per node). */
export function descendantElements(root: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  const stack: Element[] = [];
  for (let node = root.lastChild; node; node = node.previousSibling) if (isElement(node)) stack.push(node);
  while (stack.length) {
    const element = stack.pop() as Element;
    if (element.localName === localName && element.namespaceURI === namespace) found.push(element);
    for (let node = element.lastChild; node; node = node.previousSibling)
      if (isElement(node)) stack.push(node);
  }
  return found;
}

/** A reader bound to one syntax's namespace prefixes. */
export class XmlReader {
  private readonly steps = new Map<string, { namespace: string; localName: string }[]>();

  constructor(private readonly namespaces: Namespaces) {}

  private compile(path: string): { namespace: string; localName: string }[] {
    let compiled = this.steps.get(path);
    if (!compiled) {
      compiled = path.split('/').map((step) => {
        const [prefix, localName] = step.split(':');
        const namespace = this.namespaces[prefix];
        if (namespace === undefined || localName === undefined)
          throw new Error(`Unknown prefix in path step "${step}"`);
        return { namespace, localName };
      });
      this.steps.set(path, compiled);
    }
    return compiled;
  }

  /** Every element reached by the path from `context`, in document order. */
  all(context: Element | undefined, path: string): Element[] {
    if (!context) return [];
    let current: Element[] = [context];
    for (const step of this.compile(path)) {
      const next: Element[] = [];
      for (const element of current) next.push(...childElements(element, step.namespace, step.localName));
      current = next;
    }
    return current;
  }

  /** The first element all() would return, found depth-first without building the lists (readers call this most). */
  one(context: Element | undefined, path: string): Element | undefined {
    return context ? firstAlong(context, this.compile(path), 0) : undefined;
  }

  /** Trimmed text of the first element on the path; undefined when the element is absent. */
  text(context: Element | undefined, path: string): string | undefined {
    const element = this.one(context, path);
    return element ? textOf(element) : undefined;
  }

  /** Trimmed texts of every element on the path. */
  texts(context: Element | undefined, path: string): string[] {
    return this.all(context, path).map(textOf);
  }

  attribute(context: Element | undefined, path: string, name: string): string | undefined {
    const element = this.one(context, path);
    return element?.hasAttribute(name) ? (element.getAttribute(name) ?? undefined) : undefined;
  }

  count(context: Element | undefined, path: string): number {
    return this.all(context, path).length;
  }
}

/** Text content with the surrounding whitespace removed (XPath normalize-space keeps inner spaces collapsed). */
export function textOf(element: Element): string {
  return textContent(element).replace(/\s+/g, ' ').trim();
}

export function attributeOf(element: Element | undefined, name: string): string | undefined {
  return element?.hasAttribute(name) ? (element.getAttribute(name) ?? undefined) : undefined;
}
