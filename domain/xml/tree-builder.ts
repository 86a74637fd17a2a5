/**
 * Builds the @xmldom/xmldom Document from parse events, the same way whichever tokenizer reads the text (the fast
 * path for the plain XML invoices are written in, or saxes for everything else). The result is the Document xmldom's
 * own parser would build: the declaration as an "xml" processing instruction, whitespace around the root kept up to
 * the last markup, adjacent text merged into one node, no node for an empty CDATA section.
 */
import { DOMImplementation } from '@xmldom/xmldom';
import type { Document, Element, Node, Text } from '@xmldom/xmldom';

const TEXT_NODE = 3;

export interface ParsedAttribute {
  /** The qualified name as written ("xmlns:cbc", "currencyID"). */
  name: string;
  /** The namespace URI, "" for none. */
  uri: string;
  value: string;
}

/**
 * The fields xmldom's insertBefore sets when it appends a node; see linkLast. xmldom types them read-only.
 */
interface Linkable {
  parentNode: Linkable | null;
  firstChild: Linkable | null;
  lastChild: Linkable | null;
  previousSibling: Linkable | null;
  nextSibling: Linkable | null;
  childNodes: { length: number; [index: number]: Linkable };
}

export class TreeBuilder {
  readonly document: Document;
  private parent: Document | Element;
  private pendingOutside = '';
  private readonly revision: { _inc: number };

  /** `declaration` is the text between "<?xml " and "?>", when the document has a declaration. */
  constructor(declaration: string | undefined) {
    this.document = new DOMImplementation().createDocument(null, '');
    this.parent = this.document;
    this.revision = this.document as unknown as { _inc: number };
    if (declaration !== undefined) {
      this.document.appendChild(this.document.createProcessingInstruction('xml', declaration));
    }
  }

  openElement(uri: string, name: string, attributes: readonly ParsedAttribute[]): void {
    const document = this.document;
    const element = document.createElementNS(uri || null, name);
    for (const attribute of attributes) {
      const node = document.createAttributeNS(attribute.uri || null, attribute.name);
      // xmldom's own parser sets both: Attr.value and nodeValue are separate fields in xmldom.
      node.value = node.nodeValue = attribute.value;
      element.setAttributeNode(node);
    }
    this.append(element);
    this.parent = element;
  }

  closeElement(): void {
    this.parent = (this.parent.parentNode as Document | Element | null) ?? this.document;
  }

  text(value: string): void {
    const parent = this.parent;
    if (parent === this.document) {
      this.pendingOutside += value;
      return;
    }
    const last = parent.lastChild;
    if (last && last.nodeType === TEXT_NODE) (last as Text).appendData(value);
    else this.linkLast(parent as Element, this.document.createTextNode(value));
  }

  cdata(value: string): void {
    if (value) this.append(this.document.createCDATASection(value));
  }

  comment(value: string): void {
    this.append(this.document.createComment(value));
  }

  processingInstruction(target: string, body: string): void {
    this.append(this.document.createProcessingInstruction(target, body));
  }

  private append(node: Node): void {
    const parent = this.parent;
    if (parent !== this.document) {
      this.linkLast(parent as Element, node);
      return;
    }
    if (this.pendingOutside) {
      parent.appendChild(this.document.createTextNode(this.pendingOutside));
      this.pendingOutside = '';
    }
    parent.appendChild(node);
  }

  /**
   * Appends a new node (never in the tree before) to an element exactly as xmldom's insertBefore(node, null) leaves
   * it: sibling links, parent, the indexed childNodes and the document's revision counter its live lists watch.
   * insertBefore's own checks (node types, a second root element) cannot fail here, and were a fifth of the parse.
   * test/domain/xml.test.ts compares the result with xmldom's parser node for node.
   */
  private linkLast(parent: Element, node: Node): void {
    const into = parent as unknown as Linkable;
    const child = node as unknown as Linkable;
    const last = into.lastChild;
    child.parentNode = into;
    child.previousSibling = last;
    child.nextSibling = null;
    if (last) last.nextSibling = child;
    else into.firstChild = child;
    into.lastChild = child;
    this.revision._inc++;
    into.childNodes[into.childNodes.length++] = child;
  }
}
