/**
 * Dereferences ds:Reference URIs within the document and applies the transforms the corpus and real signers use:
 * enveloped-signature, XPath (1.0), XPath Filter 2.0, C14N 1.0 / 1.1 / exclusive (with or without comments), base64.
 * Only same-document references: a detached signature cannot cover an invoice.
 */
import { createHash } from 'node:crypto';
import type { Attr, Document, Element, Node } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import {
  canonicalize,
  inScopeNamespaces,
  isCanonicalizationMethod,
  type Exclusion,
  type NodeSet,
} from './canonicalize';
import { childElements, inclusivePrefixesOf, textOf, type ReferenceData } from './signature-structure';
import { TRANSFORM, XMLDSIG_NS } from './xml-names';

export const DIGEST_ALGORITHMS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmldsig-more#sha224': 'sha224',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-256': 'sha3-256',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-384': 'sha3-384',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-512': 'sha3-512',
};

/** Id attributes of the document, indexed once (the Id, ID and id spellings signers use). */
export class IdIndex {
  private readonly byId = new Map<string, Element[]>();

  constructor(document: Document) {
    const stack: Node[] = [];
    if (document.documentElement) stack.push(document.documentElement);
    while (stack.length) {
      const element = stack.pop() as Element;
      const attributes = element.attributes;
      // Most elements have no attribute at all; the spellings are indexed in this order whatever order they stand in.
      if (attributes.length) {
        let id: string | undefined;
        let upper: string | undefined;
        let lower: string | undefined;
        for (let i = 0; i < attributes.length; i++) {
          const attribute = attributes.item(i) as Attr;
          const name = attribute.nodeName;
          if (name === 'Id') id ??= attribute.value;
          else if (name === 'ID') upper ??= attribute.value;
          else if (name === 'id') lower ??= attribute.value;
        }
        if (id !== undefined) this.add(id, element);
        if (upper !== undefined) this.add(upper, element);
        if (lower !== undefined) this.add(lower, element);
      }
      for (let node = element.lastChild; node; node = node.previousSibling)
        if (node.nodeType === 1) stack.push(node);
    }
  }

  private add(id: string, element: Element): void {
    const list = this.byId.get(id);
    if (list) list.push(element);
    else this.byId.set(id, [element]);
  }

  find(id: string): Element[] {
    return this.byId.get(id) ?? [];
  }

  duplicates(): string[] {
    return [...this.byId.entries()].filter(([, elements]) => elements.length > 1).map(([id]) => id);
  }
}

export type ReferenceOutcome =
  | { status: 'match'; target: Node; detail: string }
  | { status: 'mismatch'; target: Node; detail: string }
  | { status: 'not-found'; detail: string }
  | { status: 'unsupported'; detail: string };

/** What a ds:Reference URI selects before transforms. */
export function dereference(
  uri: string | undefined,
  document: Document,
  ids: IdIndex,
): { nodeSet: NodeSet } | { error: 'not-found' | 'unsupported'; detail: string } {
  if (uri === undefined) return { error: 'unsupported', detail: 'the reference has no URI (external data)' };
  // "#" is not a valid bare name; signers that write it (the BG plugtest) mean the whole document.
  if (uri === '' || uri === '#') return { nodeSet: { apex: document, keepComments: false } };
  if (uri === '#xpointer(/)') return { nodeSet: { apex: document, keepComments: true } };
  let id: string | undefined;
  let keepComments = false;
  const xpointer = /^#xpointer\(id\(['"]([^'"]+)['"]\)\)$/.exec(uri);
  if (xpointer) {
    id = xpointer[1];
    keepComments = true;
  } else if (uri.startsWith('#')) {
    id = uri.slice(1);
  }
  if (id === undefined) return { error: 'unsupported', detail: `URI "${uri}" points outside the document` };
  const found = ids.find(id);
  if (found.length === 0) return { error: 'not-found', detail: `no element has Id "${id}"` };
  if (found.length > 1)
    return { error: 'not-found', detail: `Id "${id}" is used by ${found.length} elements` };
  return { nodeSet: { apex: found[0], keepComments } };
}

/** Canonical text stays a string up to the digest: encoding it to a Buffer first only copied it. */
type Data =
  { kind: 'nodes'; nodeSet: NodeSet } | { kind: 'octets'; bytes: Buffer } | { kind: 'text'; text: string };

/** Computes the digest of one reference and compares it with its DigestValue. */
export function checkReference(
  reference: ReferenceData,
  signature: Element,
  document: Document,
  ids: IdIndex,
): ReferenceOutcome {
  const label = describe(reference);
  const hash = reference.digestAlgorithm ? DIGEST_ALGORITHMS[reference.digestAlgorithm] : undefined;
  if (!hash)
    return {
      status: 'unsupported',
      detail: `${label}: digest algorithm ${reference.digestAlgorithm} is not supported`,
    };
  const start = dereference(reference.uri, document, ids);
  if ('error' in start) {
    return start.error === 'not-found'
      ? { status: 'not-found', detail: `${label}: ${start.detail}` }
      : { status: 'unsupported', detail: `${label}: ${start.detail}` };
  }
  let data: Data = { kind: 'nodes', nodeSet: start.nodeSet };
  for (const transform of reference.transforms) {
    const applied = applyTransform(data, transform, signature, document);
    if ('error' in applied) return { status: 'unsupported', detail: `${label}: ${applied.error}` };
    data = applied;
  }
  const digester = createHash(hash);
  if (data.kind === 'octets') digester.update(data.bytes);
  else digester.update(data.kind === 'text' ? data.text : canonicalize(data.nodeSet, TRANSFORM.c14n), 'utf8');
  const digest = digester.digest();
  const target = start.nodeSet.apex;
  if (reference.digestValue && digest.equals(reference.digestValue)) {
    return { status: 'match', target, detail: `${label}: digest matches` };
  }
  return {
    status: 'mismatch',
    target,
    detail: `${label}: digest ${digest.toString('base64')} does not match DigestValue ${reference.digestValueText ?? '(none)'}`,
  };
}

function applyTransform(
  data: Data,
  transform: Element,
  signature: Element,
  document: Document,
): Data | { error: string } {
  const algorithm = transform.getAttribute('Algorithm') ?? '';
  if (isCanonicalizationMethod(algorithm)) {
    if (data.kind !== 'nodes') return { error: `${algorithm} needs XML input` };
    const text = canonicalize(data.nodeSet, algorithm, { inclusivePrefixes: inclusivePrefixesOf(transform) });
    return { kind: 'text', text };
  }
  switch (algorithm) {
    case TRANSFORM.envelopedSignature:
      if (data.kind !== 'nodes') return { error: 'enveloped-signature needs XML input' };
      return {
        kind: 'nodes',
        nodeSet: excluding(data.nodeSet, (node) => (node === signature ? 'subtree' : false)),
      };
    case TRANSFORM.xpath:
      if (data.kind !== 'nodes') return { error: 'XPath needs XML input' };
      return xpathTransform(data.nodeSet, transform);
    case TRANSFORM.xpathFilter2:
      if (data.kind !== 'nodes') return { error: 'XPath Filter 2.0 needs XML input' };
      return xpathFilter2Transform(data.nodeSet, transform, document);
    case TRANSFORM.base64: {
      const text =
        data.kind === 'octets'
          ? data.bytes.toString('utf8')
          : data.kind === 'text'
            ? data.text
            : stringValue(data.nodeSet);
      return { kind: 'octets', bytes: Buffer.from(text.replace(/\s+/g, ''), 'base64') };
    }
    default:
      return { error: `transform ${algorithm} is not supported` };
  }
}

function excluding(nodeSet: NodeSet, more: (node: Node) => Exclusion): NodeSet {
  const previous = nodeSet.excludes;
  return {
    ...nodeSet,
    excludes: (node) => {
      const first = previous ? previous(node) : false;
      if (first === 'subtree') return first;
      return more(node) || first;
    },
  };
}

/** XPath 1.0 transform: keeps the nodes for which the expression is true. */
function xpathTransform(nodeSet: NodeSet, transform: Element): Data | { error: string } {
  const expressionElement = childElements(transform).find(
    (e) => e.localName === 'XPath' && e.namespaceURI === XMLDSIG_NS,
  );
  if (!expressionElement) return { error: 'XPath transform without ds:XPath' };
  const expression = textOf(expressionElement).trim();
  const namespaces = Object.fromEntries(inScopeNamespaces(expressionElement));
  // The common "everything but signatures" filter, evaluated structurally instead of once per node.
  const notSignature = /^not\(\s*ancestor-or-self::(\w+):Signature\s*\)$/.exec(expression);
  if (notSignature && namespaces[notSignature[1]] === XMLDSIG_NS) {
    return {
      kind: 'nodes',
      nodeSet: excluding(nodeSet, (node) => (isDsigSignature(node) ? 'subtree' : false)),
    };
  }
  const select = xpath.useNamespaces(namespaces);
  try {
    select(`boolean(${expression})`, expressionElement as unknown as globalThis.Node);
  } catch (error) {
    return {
      error: `XPath "${expression}" cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const keeps = (node: Node): boolean => {
    try {
      return select(`boolean(${expression})`, node as unknown as globalThis.Node) === true;
    } catch {
      return false;
    }
  };
  return { kind: 'nodes', nodeSet: excluding(nodeSet, (node) => (keeps(node) ? false : 'node')) };
}

/** XPath Filter 2.0 (intersect / subtract / union of subtrees selected from the whole document). */
function xpathFilter2Transform(
  nodeSet: NodeSet,
  transform: Element,
  document: Document,
): Data | { error: string } {
  const steps: Array<{ filter: string; roots: Set<Node> }> = [];
  for (const step of childElements(transform)) {
    if (step.localName !== 'XPath') continue;
    const filter = step.getAttribute('Filter') ?? '';
    if (!['intersect', 'subtract', 'union'].includes(filter))
      return { error: `XPath Filter 2.0 filter "${filter}" is unknown` };
    // No DTD, so XPath id() knows no ID attributes: select the Id/ID/id attribute instead.
    const expression = textOf(step)
      .trim()
      .replace(
        /\bid\(\s*(['"])([^'"]*)\1\s*\)/g,
        (_m, _q, id: string) => `//*[@Id='${id}' or @ID='${id}' or @id='${id}']`,
      );
    let selected: Node[];
    try {
      const result = xpath.useNamespaces(Object.fromEntries(inScopeNamespaces(step)))(
        expression,
        document as unknown as globalThis.Node,
      );
      selected = Array.isArray(result) ? (result as unknown as Node[]) : [];
    } catch (error) {
      return {
        error: `XPath Filter 2.0 "${expression}" fails: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    steps.push({ filter, roots: new Set(selected) });
  }
  const inSubtree = (node: Node, roots: Set<Node>): boolean => {
    for (let current: Node | null = node; current; current = current.parentNode)
      if (roots.has(current)) return true;
    return false;
  };
  return {
    kind: 'nodes',
    nodeSet: excluding(nodeSet, (node) => {
      let kept = true;
      for (const step of steps) {
        const inside = inSubtree(node, step.roots);
        if (step.filter === 'intersect') kept = kept && inside;
        else if (step.filter === 'subtract') kept = kept && !inside;
        else kept = kept || inside;
      }
      return kept ? false : 'node';
    }),
  };
}

function isDsigSignature(node: Node): boolean {
  const element = node as Element;
  return node.nodeType === 1 && element.localName === 'Signature' && element.namespaceURI === XMLDSIG_NS;
}

/** Text content of the node-set, in document order (input of the base64 transform). */
function stringValue(nodeSet: NodeSet): string {
  const parts: string[] = [];
  const visit = (node: Node): void => {
    const exclusion = nodeSet.excludes?.(node) ?? false;
    if (exclusion === 'subtree') return;
    if ((node.nodeType === 3 || node.nodeType === 4) && !exclusion) parts.push(node.nodeValue ?? '');
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
  };
  visit(nodeSet.apex);
  return parts.join('');
}

function describe(reference: ReferenceData): string {
  return reference.uri === undefined ? 'reference without URI' : `reference URI="${reference.uri}"`;
}
