/**
 * A streaming XML reader for statement files, and the navigation camt.ts uses on what it reads.
 *
 * Why not domain/xml's parseXml: it builds an @xmldom Document of the whole file, which is right for invoices
 * (signatures need every node) but costs about 55 times the file's size in memory: a 39 MiB camt.053 took 2.2 GB
 * and 12 s. Here saxes (the same parser underneath) builds small plain elements, and the caller drops each entry
 * once it has read it, so memory follows the largest entry, not the file. The same protections apply: a DOCTYPE is
 * refused outright (no entity can be declared, so none can expand or reach outside), and depth and text are bounded.
 */
import { SaxesParser } from 'saxes';
import { StatementError } from './model';

export interface XmlElement {
  /** Local name (camt elements all share the document's one namespace). */
  name: string;
  namespace: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own character data (camt puts text only in leaf elements). */
  text: string;
}

export interface XmlStream {
  /** The root element has opened (no children yet): the place to refuse a document that is not the right kind. */
  root(element: XmlElement): void;
  /**
   * An element has closed, with all its content; `depth` is 1 for the root. Return true to drop it from its parent
   * once it has been used, which keeps memory bounded.
   */
  closed(element: XmlElement, parent: XmlElement | undefined, depth: number): boolean;
}

const MAX_DEPTH = 64;
const MAX_TEXT = 1024 * 1024;
const MAX_ATTRIBUTES = 64;

export function streamXml(xml: string, handlers: XmlStream): void {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  const where = (): string => `line ${parser.line}, column ${parser.column + 1}`;

  parser.on('doctype', () => {
    throw new StatementError(
      'MALFORMED',
      `The XML declares a DOCTYPE (${where()}); DTDs are refused, since a statement needs none.`,
    );
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) {
      throw new StatementError('MALFORMED', `The XML nests deeper than ${MAX_DEPTH} levels at ${where()}.`);
    }
    const attributes = Object.values(tag.attributes);
    if (attributes.length > MAX_ATTRIBUTES) {
      throw new StatementError('MALFORMED', `An element at ${where()} has ${attributes.length} attributes.`);
    }
    const element: XmlElement = {
      name: tag.local,
      namespace: tag.uri,
      attributes: new Map(attributes.map((attribute) => [attribute.local, attribute.value])),
      children: [],
      text: '',
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    stack.push(element);
    if (!parent) handlers.root(element);
  });
  parser.on('closetag', () => {
    const depth = stack.length;
    const element = stack.pop();
    const parent = stack[stack.length - 1];
    if (element && handlers.closed(element, parent, depth) && parent) parent.children.pop();
  });
  const addText = (value: string): void => {
    const current = stack[stack.length - 1];
    if (!current) return; // whitespace around the root
    if (current.text.length + value.length > MAX_TEXT) {
      throw new StatementError(
        'MALFORMED',
        `A text in the XML is longer than ${MAX_TEXT} characters (${where()}).`,
      );
    }
    current.text += value;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof StatementError) throw error;
    throw new StatementError(
      'MALFORMED',
      `The XML is not well-formed: ${error instanceof Error ? error.message : String(error)}. ` +
        'The file is damaged or cut short; export it again.',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Navigation by local name.

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((node) => node.name === name) : [];
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((node) => node.name === name);
}

export function path(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return names.reduce<XmlElement | undefined>((current, name) => child(current, name), element);
}

/** The trimmed text at a path; undefined when the element is absent or empty. */
export function text(element: XmlElement | undefined, ...names: string[]): string | undefined {
  const value = path(element, ...names)?.text.trim();
  return value ? value : undefined;
}

export function texts(element: XmlElement | undefined, name: string): string[] {
  return children(element, name)
    .map((node) => node.text.trim())
    .filter(Boolean);
}
