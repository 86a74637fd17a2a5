/**
 * XML canonicalization (Canonical XML 1.0 and 1.1, Exclusive XML Canonicalization, with or without comments)
 * over a DOM subtree with an optional node filter, the "document subset" the XMLDSig transforms produce.
 *
 * The project has its own because xmldsigjs's canonicalizer mis-renders inclusive namespace axes (the W3C
 * phaos sample with both a default and a ds: prefix fails) and its enveloped-signature transform only drops
 * signatures that are direct children of the root, which is never the case in a UBL invoice.
 * One pass over the tree, no XPath: the verifier canonicalizes whole invoices.
 */
import type { Attr, Element, Node } from '@xmldom/xmldom';
import { TRANSFORM, XML_NS, XMLNS_NS } from './xml-names';

export type CanonicalizationMethod =
  | typeof TRANSFORM.c14n
  | typeof TRANSFORM.c14nWithComments
  | typeof TRANSFORM.c14n11
  | typeof TRANSFORM.c14n11WithComments
  | typeof TRANSFORM.excC14n
  | typeof TRANSFORM.excC14nWithComments;

export const CANONICALIZATION_METHODS: readonly string[] = [
  TRANSFORM.c14n,
  TRANSFORM.c14nWithComments,
  TRANSFORM.c14n11,
  TRANSFORM.c14n11WithComments,
  TRANSFORM.excC14n,
  TRANSFORM.excC14nWithComments,
];

export function isCanonicalizationMethod(algorithm: string): algorithm is CanonicalizationMethod {
  return CANONICALIZATION_METHODS.includes(algorithm);
}

/** 'subtree': the node and all below it are out; 'node': only the node (an element's tags and attributes) is out. */
export type Exclusion = false | 'node' | 'subtree';

/** Which nodes of the subtree belong to the node-set. */
export interface NodeSet {
  /** The document or element whose subtree is (a superset of) the node-set. */
  apex: Node;
  /** Elements, texts, comments, PIs left out (attributes and namespaces follow their element). */
  excludes?: (node: Node) => Exclusion;
  /** false when the dereferenced URI drops comments (URI="" and bare-name #id do). */
  keepComments: boolean;
}

export interface CanonicalizeOptions {
  /** Exclusive c14n: prefixes handled the inclusive way (ec:InclusiveNamespaces PrefixList). */
  inclusivePrefixes?: string[];
}

const NODE = { element: 1, text: 3, cdata: 4, pi: 7, comment: 8, document: 9 } as const;

export function canonicalize(
  nodeSet: NodeSet,
  method: CanonicalizationMethod,
  options: CanonicalizeOptions = {},
): string {
  const exclusive = method === TRANSFORM.excC14n || method === TRANSFORM.excC14nWithComments;
  const version11 = method === TRANSFORM.c14n11 || method === TRANSFORM.c14n11WithComments;
  const withComments = nodeSet.keepComments && method.endsWith('#WithComments');
  const writer = new CanonicalWriter(
    exclusive,
    version11,
    withComments,
    nodeSet.excludes,
    options.inclusivePrefixes ?? [],
  );
  return writer.write(nodeSet.apex);
}

type NamespaceContext = Map<string, string>;

class CanonicalWriter {
  private readonly out: string[] = [];

  constructor(
    private readonly exclusive: boolean,
    private readonly version11: boolean,
    private readonly withComments: boolean,
    private readonly excludes: ((node: Node) => Exclusion) | undefined,
    private readonly inclusivePrefixes: string[],
  ) {}

  write(apex: Node): string {
    if (apex.nodeType === NODE.document) {
      let afterRoot = false;
      for (let child = apex.firstChild; child; child = child.nextSibling) {
        const exclusion = this.excluded(child);
        if (exclusion === 'subtree') continue;
        if (child.nodeType === NODE.element) {
          this.element(child as Element, new Map(), new Map(), true);
          afterRoot = true;
        } else if (exclusion) {
          continue;
        } else if (
          child.nodeType === NODE.comment ||
          (child.nodeType === NODE.pi && child.nodeName !== 'xml')
        ) {
          // xmldom keeps the XML declaration as a processing instruction named "xml"; it is not part of the data model.
          const text = this.outsideNode(child);
          if (text) this.out.push(afterRoot ? `\n${text}` : `${text}\n`);
        }
      }
    } else if (apex.nodeType === NODE.element) {
      const element = apex as Element;
      this.element(element, new Map(), new Map(), true);
    } else {
      this.child(apex, new Map(), new Map());
    }
    return this.out.join('');
  }

  private excluded(node: Node): Exclusion {
    if (node.nodeType === NODE.comment && !this.withComments) return 'subtree';
    return this.excludes ? this.excludes(node) : false;
  }

  private outsideNode(node: Node): string {
    if (node.nodeType === NODE.comment) return `<!--${node.nodeValue ?? ''}-->`;
    const data = node.nodeValue ?? '';
    return `<?${node.nodeName}${data ? ` ${data}` : ''}?>`;
  }

  /**
   * @param rendered namespaces in effect in the output (prefix -> URI; '' is the default namespace)
   * @param inScopeOfOutputParent inclusive c14n: in-scope namespaces of the nearest output ancestor
   * @param isApex the element's parent is not in the output (start of the subset)
   */
  private element(
    element: Element,
    rendered: NamespaceContext,
    inScopeOfOutputParent: NamespaceContext,
    isApex: boolean,
  ): void {
    const exclusion = this.excluded(element);
    if (exclusion === 'subtree') return;
    if (exclusion === 'node') {
      // The element is out but its content may be in: each child starts a new subset apex.
      for (let child = element.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === NODE.element)
          this.element(child as Element, rendered, inScopeOfOutputParent, true);
        else this.child(child, rendered, inScopeOfOutputParent);
      }
      return;
    }
    const name = element.nodeName;
    const inScope = isApex ? inScopeNamespaces(element) : extendInScope(inScopeOfOutputParent, element);
    const attributes: Attr[] = [];
    const own = element.attributes;
    for (let i = 0; i < own.length; i++) {
      const attribute = own.item(i);
      if (attribute && !isNamespaceDeclaration(attribute)) attributes.push(attribute);
    }
    const declarations: Array<[string, string]> = [];

    if (this.exclusive && attributes.length === 0 && this.inclusivePrefixes.length === 0) {
      // The common case, an element without attributes: only its own prefix is visibly utilized.
      const prefix = element.prefix ?? '';
      const uri = inScope.get(prefix) ?? '';
      if ((rendered.get(prefix) ?? '') !== uri) declarations.push([prefix, uri]);
    } else if (this.exclusive) {
      const utilized = new Set<string>([element.prefix ?? '']);
      for (const attribute of attributes) {
        if (attribute.prefix && attribute.prefix !== 'xml') utilized.add(attribute.prefix);
      }
      for (const prefix of this.inclusivePrefixes) {
        const key = prefix === '#default' ? '' : prefix;
        if (inScope.has(key)) utilized.add(key);
      }
      for (const prefix of utilized) {
        const uri = inScope.get(prefix) ?? '';
        if ((rendered.get(prefix) ?? '') !== uri) declarations.push([prefix, uri]);
      }
    } else {
      for (const [prefix, uri] of inScope) {
        if ((rendered.get(prefix) ?? '') !== uri) declarations.push([prefix, uri]);
      }
      // A default namespace in effect in the output but undeclared here must be undeclared explicitly.
      if (!inScope.has('') && (rendered.get('') ?? '') !== '') declarations.push(['', '']);
    }
    // Copied only when this element renders a declaration: most elements of an invoice declare nothing.
    let nextRendered = rendered;
    if (declarations.length) {
      nextRendered = new Map(rendered);
      for (const [prefix, uri] of declarations) nextRendered.set(prefix, uri);
    }
    if (declarations.length > 1) declarations.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

    if (isApex && !this.exclusive) attributes.push(...this.inheritedXmlAttributes(element, attributes));
    if (attributes.length > 1) attributes.sort(compareAttributes);

    let tag = '<' + name;
    for (const [prefix, uri] of declarations) {
      tag += prefix ? ` xmlns:${prefix}="${escapeAttribute(uri)}"` : ` xmlns="${escapeAttribute(uri)}"`;
    }
    for (const attribute of attributes) tag += ` ${attribute.nodeName}="${escapeAttribute(attribute.value)}"`;
    this.out.push(tag + '>');
    for (let child = element.firstChild; child; child = child.nextSibling)
      this.child(child, nextRendered, inScope);
    this.out.push(`</${name}>`);
  }

  private child(node: Node, rendered: NamespaceContext, inScope: NamespaceContext): void {
    if (node.nodeType !== NODE.element && this.excluded(node)) return;
    switch (node.nodeType) {
      case NODE.element:
        this.element(node as Element, rendered, inScope, false);
        break;
      case NODE.text:
      case NODE.cdata:
        this.out.push(escapeText(node.nodeValue ?? ''));
        break;
      case NODE.comment:
      case NODE.pi:
        this.out.push(this.outsideNode(node));
        break;
      default:
        break;
    }
  }

  /** Canonical XML: an apex element inherits xml:* attributes of its ancestors (1.1: not xml:id, and not xml:base, whose fix-up is left out). */
  private inheritedXmlAttributes(element: Element, own: Attr[]): Attr[] {
    const seen = new Set(own.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
    const inherited: Attr[] = [];
    for (
      let parent = element.parentNode;
      parent && parent.nodeType === NODE.element;
      parent = parent.parentNode
    ) {
      for (const attribute of attributesOf(parent as Element)) {
        if (attribute.namespaceURI !== XML_NS || seen.has(attribute.localName)) continue;
        if (this.version11 && (attribute.localName === 'id' || attribute.localName === 'base')) continue;
        seen.add(attribute.localName);
        inherited.push(attribute);
      }
    }
    return inherited;
  }
}

function attributesOf(element: Element): Attr[] {
  const list: Attr[] = [];
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes.item(i);
    if (attribute) list.push(attribute);
  }
  return list;
}

function isNamespaceDeclaration(attribute: Attr): boolean {
  return (
    attribute.namespaceURI === XMLNS_NS ||
    attribute.nodeName === 'xmlns' ||
    attribute.nodeName.startsWith('xmlns:')
  );
}

/** In-scope namespaces of an element: its declarations and its ancestors', nearest first (xml prefix excluded). */
export function inScopeNamespaces(element: Element): NamespaceContext {
  const chain: Element[] = [];
  for (let node: Node | null = element; node && node.nodeType === NODE.element; node = node.parentNode) {
    chain.push(node as Element);
  }
  let context: NamespaceContext = new Map();
  for (let i = chain.length - 1; i >= 0; i--) context = extendInScope(context, chain[i]);
  return context;
}

function extendInScope(parent: NamespaceContext, element: Element): NamespaceContext {
  let context = parent;
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes.item(i);
    if (!attribute || !isNamespaceDeclaration(attribute)) continue;
    const prefix = attribute.nodeName === 'xmlns' ? '' : attribute.nodeName.slice(6);
    if (prefix === 'xml') continue;
    if (context === parent) context = new Map(parent);
    if (prefix === '' && attribute.value === '') context.delete('');
    else context.set(prefix, attribute.value);
  }
  // Elements built through the DOM API may lack an explicit declaration for their own namespace.
  const ownPrefix = element.prefix ?? '';
  const ownUri = element.namespaceURI ?? '';
  if (ownUri && context.get(ownPrefix) !== ownUri) {
    if (context === parent) context = new Map(parent);
    context.set(ownPrefix, ownUri);
  }
  return context;
}

function compareAttributes(a: Attr, b: Attr): number {
  const aUri = a.namespaceURI ?? '';
  const bUri = b.namespaceURI ?? '';
  if (aUri !== bUri) {
    if (!aUri) return -1;
    if (!bUri) return 1;
    return aUri < bUri ? -1 : 1;
  }
  const aName = a.localName ?? a.nodeName;
  const bName = b.localName ?? b.nodeName;
  return aName < bName ? -1 : aName > bName ? 1 : 0;
}

const TEXT_ESCAPES = /[&<>\r]/;
const ATTRIBUTE_ESCAPES = /[&<"\t\n\r]/;

function escapeText(text: string): string {
  if (!TEXT_ESCAPES.test(text)) return text;
  return text.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;',
  );
}

function escapeAttribute(text: string): string {
  if (!ATTRIBUTE_ESCAPES.test(text)) return text;
  return text.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '"'
          ? '&quot;'
          : c === '\t'
            ? '&#x9;'
            : c === '\n'
              ? '&#xA;'
              : '&#xD;',
  );
}
