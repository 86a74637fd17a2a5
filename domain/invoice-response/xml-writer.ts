/**
 * Writes a small XML tree as indented UTF-8 text. Every value is escaped here, once, so the builder never deals
 * with markup: names from invoices may hold `&`, `<`, quotes or Cyrillic, and all of them come out as written.
 */

export interface XmlElement {
  name: string;
  attributes?: Record<string, string>;
  /** Text content, or child elements; an element has one or the other. */
  content: string | XmlElement[];
}

export const element = (
  name: string,
  content: string | XmlElement[],
  attributes?: Record<string, string>,
): XmlElement => ({ name, content, attributes });

export function serializeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${write(root, '')}\n`;
}

function write(node: XmlElement, indent: string): string {
  const attributes = Object.entries(node.attributes ?? {})
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  const open = `${indent}<${node.name}${attributes}>`;
  if (typeof node.content === 'string') return `${open}${escapeText(node.content)}</${node.name}>`;
  const children = node.content.map((child) => write(child, `${indent}  `)).join('\n');
  return `${open}\n${children}\n${indent}</${node.name}>`;
}

/**
 * Characters XML 1.0 cannot carry at all, even escaped (C0 controls other than tab and line ends, lone
 * surrogates, U+FFFE/U+FFFF). They become U+FFFD: a response must still reach the issuer when a reason quotes
 * a damaged value, and the replacement shows where the damage was.
 */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeText(value: string): string {
  return value
    .replace(NOT_XML_CHARACTER, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;'); // a literal CR would be normalized away by every parser
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
