/**
 * A fast reader for plain XML: what invoices and signatures are written in (ASCII names, the five predefined
 * entities and character references, comments, CDATA, namespaces, LF line ends). It reads with indexOf and sticky
 * regular expressions instead of saxes' character-by-character state machine, and feeds the same TreeBuilder.
 *
 * It never refuses anything itself: at the first thing outside that subset, or anything that is not well-formed, or
 * any limit reached, it gives up (returns false) and parseXml reads the text again with saxes, which accepts or
 * refuses it with the exact error and position. So it only has to be right about what it accepts: everything it
 * accepts saxes accepts too, with the same events (test/domain/xml-plain-reader.test.ts compares them).
 */
import type { ParsedAttribute } from './tree-builder';
import { TreeBuilder } from './tree-builder';
import type { XmlLimits } from './index';

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** A qualified name in ASCII: an optional prefix and a local name. Anything else goes to saxes. */
const NAME = /[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?/y;
/** The XML declaration saxes accepts, in its plain form: version 1.0, optional encoding and standalone. */
const DECLARATION =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/y;
/** Characters of text that need a closer look: "&", "]" (for "]]>"), and anything but tab, LF and BMP characters
 * outside the surrogates and U+FFFE/U+FFFF. */
const TEXT_SPECIAL = /[^\t\n\x20-\x25\x27-\x5c\x5e-\ud7ff\ue000-\ufffd]/;
/** In attribute values also "<" (forbidden) and tab and LF (saxes normalises them to spaces). */
const ATTRIBUTE_SPECIAL = /[^\x20-\x25\x27-\x3b\x3d-\ud7ff\ue000-\ufffd]/;
/** Comment and CDATA content: only the characters, no markup meaning. */
const CHARACTER_SPECIAL = /[^\t\n\x20-\ud7ff\ue000-\ufffd]/;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

type Scope = Record<string, string>;

const ROOT_SCOPE: Scope = Object.assign(Object.create(null) as Scope, { xml: XML_NAMESPACE, '': '' });

/** Builds the document into `builder` and returns true, or returns false when saxes must read the text. */
export function readPlainXml(text: string, limits: XmlLimits, builder: TreeBuilder): boolean {
  const length = text.length;
  let i = 0;
  if (text.startsWith('<?xml', 0)) {
    DECLARATION.lastIndex = 0;
    if (!DECLARATION.test(text)) return false;
    i = DECLARATION.lastIndex;
  }
  const names: string[] = [];
  const scopes: Scope[] = [ROOT_SCOPE];
  let elements = 0;
  let rootClosed = false;
  const attributes: ParsedAttribute[] = [];

  while (i < length) {
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? length : lt;
    if (end > i) {
      if (names.length === 0) {
        // Outside the root only whitespace may stand.
        for (let k = i; k < end; k++) {
          const c = text.charCodeAt(k);
          if (c !== 0x20 && c !== 0x0a && c !== 0x09) return false;
        }
        builder.text(text.slice(i, end));
      } else {
        const value = textContent(text, i, end);
        if (value === undefined || value.length > limits.maxTextLength) return false;
        builder.text(value);
      }
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      if (names.length === 0) return false;
      const name = names[names.length - 1];
      if (!text.startsWith(name, lt + 2)) return false;
      let k = lt + 2 + name.length;
      k = skipWhitespace(text, k);
      if (text.charCodeAt(k) !== 0x3e /* > */) return false;
      names.pop();
      scopes.pop();
      builder.closeElement();
      if (names.length === 0) rootClosed = true;
      i = k + 1;
    } else if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        if (close === -1) return false;
        const value = text.slice(lt + 4, close);
        if (value.includes('--') || value.endsWith('-') || CHARACTER_SPECIAL.test(value)) return false;
        builder.comment(value);
        i = close + 3;
      } else if (names.length > 0 && text.startsWith('<![CDATA[', lt)) {
        const close = text.indexOf(']]>', lt + 9);
        if (close === -1) return false;
        const value = text.slice(lt + 9, close);
        if (value.length > limits.maxTextLength || CHARACTER_SPECIAL.test(value)) return false;
        builder.cdata(value);
        i = close + 3;
      } else {
        return false; // DOCTYPE and anything else: saxes decides
      }
    } else if (next === 0x3f /* ? */) {
      return false; // processing instructions are rare in invoices: saxes reads them
    } else {
      // A start tag.
      if (rootClosed) return false;
      NAME.lastIndex = lt + 1;
      if (!NAME.test(text)) return false;
      const name = text.slice(lt + 1, NAME.lastIndex);
      let k = NAME.lastIndex;
      attributes.length = 0;
      let selfClosing = false;
      for (;;) {
        const before = k;
        k = skipWhitespace(text, k);
        const c = text.charCodeAt(k);
        if (c === 0x3e /* > */) {
          k++;
          break;
        }
        if (c === 0x2f /* / */) {
          if (text.charCodeAt(k + 1) !== 0x3e) return false;
          selfClosing = true;
          k += 2;
          break;
        }
        if (k === before) return false; // attributes are separated by whitespace
        NAME.lastIndex = k;
        if (!NAME.test(text)) return false;
        const attributeName = text.slice(k, NAME.lastIndex);
        k = skipWhitespace(text, NAME.lastIndex);
        if (text.charCodeAt(k) !== 0x3d /* = */) return false;
        k = skipWhitespace(text, k + 1);
        const quote = text.charCodeAt(k);
        if (quote !== 0x22 && quote !== 0x27) return false;
        const close = text.indexOf(quote === 0x22 ? '"' : "'", k + 1);
        if (close === -1) return false;
        const value = attributeValue(text, k + 1, close);
        if (value === undefined || value.length > limits.maxAttributeLength) return false;
        for (const seen of attributes) if (seen.name === attributeName) return false;
        attributes.push({ name: attributeName, uri: '', value });
        k = close + 1;
      }
      elements++;
      if (
        names.length + 1 > limits.maxDepth ||
        elements > limits.maxElements ||
        attributes.length > limits.maxAttributesPerElement
      ) {
        return false;
      }
      const scope = declareNamespaces(scopes[scopes.length - 1], attributes);
      if (!scope) return false;
      const uri = resolveElement(name, scope);
      if (uri === undefined || !resolveAttributes(attributes, scope)) return false;
      builder.openElement(uri, name, attributes);
      if (selfClosing) {
        builder.closeElement();
        if (names.length === 0) rootClosed = true;
      } else {
        names.push(name);
        scopes.push(scope);
      }
      i = k;
    }
  }
  return rootClosed && names.length === 0;
}

function skipWhitespace(text: string, k: number): number {
  for (;;) {
    const c = text.charCodeAt(k);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09) return k;
    k++;
  }
}

/** The text between two tags with its references resolved, or undefined for anything saxes should judge. */
function textContent(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start, end);
  if (!TEXT_SPECIAL.test(raw)) return raw;
  if (raw.includes(']]>')) return undefined;
  return resolveReferences(raw, TEXT_SPECIAL, 0x5d /* ] */);
}

function attributeValue(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start, end);
  if (!ATTRIBUTE_SPECIAL.test(raw)) return raw;
  return resolveReferences(raw, ATTRIBUTE_SPECIAL, -1);
}

/**
 * Replaces entity and character references; undefined at any other special character (except `allowed`) or a
 * reference saxes would refuse or that is not a plain one.
 */
function resolveReferences(raw: string, special: RegExp, allowed: number): string | undefined {
  let out = '';
  let from = 0;
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (c === allowed || !special.test(raw[k])) continue;
    if (c !== 0x26 /* & */) return undefined;
    ENTITY.lastIndex = k;
    const match = ENTITY.exec(raw);
    if (!match) return undefined;
    let replacement: string;
    if (match[1] !== undefined) {
      replacement = PREDEFINED[match[1]];
    } else {
      const code = match[2] !== undefined ? parseInt(match[2], 10) : parseInt(match[3], 16);
      if (!isXmlCharacter(code)) return undefined;
      replacement = String.fromCodePoint(code);
    }
    out += raw.slice(from, k) + replacement;
    k = ENTITY.lastIndex - 1;
    from = ENTITY.lastIndex;
  }
  return out + raw.slice(from);
}

function isXmlCharacter(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The element's scope with its xmlns attributes applied; undefined for declarations saxes should judge. */
function declareNamespaces(parent: Scope, attributes: ParsedAttribute[]): Scope | undefined {
  let scope = parent;
  for (const attribute of attributes) {
    const name = attribute.name;
    let prefix: string;
    if (name === 'xmlns') prefix = '';
    else if (name.startsWith('xmlns:')) prefix = name.slice(6);
    else continue;
    const uri = attribute.value;
    if (
      prefix === 'xml' ||
      prefix === 'xmlns' ||
      (prefix !== '' && uri === '') ||
      uri === XML_NAMESPACE ||
      uri === XMLNS_NAMESPACE
    ) {
      return undefined;
    }
    if (scope === parent) scope = Object.create(parent) as Scope;
    scope[prefix] = uri;
  }
  return scope;
}

function resolveElement(name: string, scope: Scope): string | undefined {
  const colon = name.indexOf(':');
  if (colon === -1) return scope[''];
  const prefix = name.slice(0, colon);
  if (prefix === 'xmlns') return undefined;
  const uri = scope[prefix];
  return uri ? uri : undefined;
}

/** Sets each attribute's namespace; false for an unbound prefix or two attributes with one expanded name. */
function resolveAttributes(attributes: ParsedAttribute[], scope: Scope): boolean {
  let prefixed = 0;
  for (const attribute of attributes) {
    const name = attribute.name;
    const colon = name.indexOf(':');
    if (colon === -1) {
      if (name === 'xmlns') attribute.uri = XMLNS_NAMESPACE;
      continue;
    }
    const prefix = name.slice(0, colon);
    const uri = prefix === 'xmlns' ? XMLNS_NAMESPACE : scope[prefix];
    if (!uri) return false;
    attribute.uri = uri;
    prefixed++;
  }
  if (prefixed > 1) {
    const seen = new Set<string>();
    for (const attribute of attributes) {
      const colon = attribute.name.indexOf(':');
      if (colon === -1) continue;
      const expanded = `{${attribute.uri}}${attribute.name.slice(colon + 1)}`;
      if (seen.has(expanded)) return false;
      seen.add(expanded);
    }
  }
  return true;
}
