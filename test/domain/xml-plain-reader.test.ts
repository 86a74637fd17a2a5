import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_XML_LIMITS, readWithSaxes, textContent, type Element, type Node } from '../../domain/xml';
import { readPlainXml } from '../../domain/xml/plain-reader';
import { TreeBuilder } from '../../domain/xml/tree-builder';
import { makeUblInvoice } from '../support/invoice-factory';
import { corpusDir } from './corpus-support';

/** Every node with its type, names, namespace, value and attributes, and xmldom's bookkeeping around it. */
function shape(node: Node): string[] {
  const element = node as Element;
  const lines = [
    `${node.nodeType} ${node.nodeName} ${element.namespaceURI ?? '-'} ${element.prefix ?? '-'} ${element.localName ?? '-'} ${JSON.stringify(node.nodeValue)}`,
  ];
  if (node.nodeType === 1) {
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute)
        lines.push(
          `  @${attribute.nodeName} ${attribute.namespaceURI ?? '-'} ${attribute.prefix ?? '-'} ${JSON.stringify(attribute.value)} ${JSON.stringify(attribute.nodeValue)} ${attribute.ownerElement === element}`,
        );
    }
  }
  let index = 0;
  let previous: Node | null = null;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    // The indexed childNodes, the sibling links and the parent must agree, as xmldom's insertBefore leaves them.
    if (node.childNodes.item(index) !== child) lines.push(`  childNodes[${index}] differs`);
    if (child.previousSibling !== previous) lines.push(`  previousSibling of ${index} differs`);
    if (child.parentNode !== node) lines.push(`  parentNode of ${index} differs`);
    if (child.ownerDocument !== (node.ownerDocument ?? node))
      lines.push(`  ownerDocument of ${index} differs`);
    lines.push(...shape(child));
    previous = child;
    index++;
  }
  if (node.lastChild !== previous) lines.push('  lastChild differs');
  lines.push(`  ${index} children, childNodes.length ${node.childNodes.length}`);
  return lines;
}

function plain(xml: string): TreeBuilder | undefined {
  const builder = new TreeBuilder(/^\uFEFF?<\?xml\s+([\s\S]*?)\?>/.exec(xml)?.[1]);
  return readPlainXml(xml, DEFAULT_XML_LIMITS, builder) ? builder : undefined;
}

function saxes(xml: string): string[] | Error {
  try {
    return shape(readWithSaxes(xml, DEFAULT_XML_LIMITS));
  } catch (error) {
    return error as Error;
  }
}

function xmlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return xmlFiles(full);
    return /\.xml$/i.test(entry.name) ? [full] : [];
  });
}

describe('the plain XML reader builds exactly what saxes builds, or leaves the text to saxes', () => {
  it('reads a generated invoice as saxes does, namespaces, whitespace and attribute order included', () => {
    const xml = makeUblInvoice({ number: '0000000001', lines: 20 });
    const builder = plain(xml);
    expect(builder).toBeDefined();
    expect(shape(builder!.document)).toEqual(saxes(xml));
  });

  it('reads every corpus file it takes as saxes does', () => {
    const files = [
      ...xmlFiles(corpusDir),
      ...xmlFiles(path.join(__dirname, 'fixtures')),
      ...xmlFiles(path.join(__dirname, '../signature/fixtures')),
    ];
    let taken = 0;
    for (const file of files) {
      const xml = new TextDecoder().decode(fs.readFileSync(file));
      const builder = plain(xml);
      if (!builder) continue;
      taken++;
      expect({ file, shape: shape(builder.document) }).toEqual({ file, shape: saxes(xml) });
    }
    if (files.length > 20) expect(taken).toBeGreaterThan(files.length / 2);
  });

  it.each([
    [
      'declaration with encoding and standalone',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a/>\n',
    ],
    [
      'prolog comment, whitespace around the root',
      '<?xml version="1.0"?>\n<!-- c -->\n<a>t</a>\n<!--after-->\n\n',
    ],
    [
      'entities and character references',
      '<a b="&lt;&amp;&quot;&apos;&#9;&#13;&#x20AC;">x &amp; &#x1F600; &gt; y</a>',
    ],
    [
      'CDATA, empty CDATA between text, comments inside',
      '<a>x<![CDATA[<y>]]>z<![CDATA[]]>w<!--c--><b/>]</a>',
    ],
    [
      'default and prefixed namespaces, undeclared default, xml:lang',
      '<r xmlns="urn:r" xmlns:q="urn:q"><q:x q:y="1" xml:lang="bg">a</q:x><z xmlns=""><w/></z></r>',
    ],
    ['a prefix redeclared on a child', '<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2" p:c="v"/><p:d/></p:a>'],
    ['whitespace inside tags', '<a\n  b = "1"\tc=\'2\' ></a >'],
    ['text with > and ]', '<a>1 > 0 ] ]] </a>'],
  ])('takes %s', (_name, xml) => {
    const builder = plain(xml);
    expect(builder).toBeDefined();
    expect(shape(builder!.document)).toEqual(saxes(xml));
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['a processing instruction', '<a><?p x?></a>'],
    ['CRLF line ends', '<a>\r\n</a>'],
    ['a tab in an attribute (normalised by saxes)', '<a b="x\ty"/>'],
    ['a byte order mark', '\uFEFF<a/>'],
    ['a non-ASCII name', '<а/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bad character reference', '<a>&#0;</a>'],
    ['a control character', '<a>\u0001</a>'],
    [']]> in text', '<a>]]></a>'],
    ['< in an attribute', '<a b="<"/>'],
    ['a mismatched end tag', '<a></b>'],
    ['an end tag with a longer name', '<a></ab>'],
    ['an unclosed root', '<a><b/>'],
    ['two roots', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['text before the root', 'x<a/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['a duplicate expanded attribute name', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>'],
    ['an unbound prefix', '<p:a/>'],
    ['an unbound attribute prefix', '<a p:b="1"/>'],
    ['an empty prefixed declaration', '<a xmlns:p=""/>'],
    ['the xml prefix redeclared', '<a xmlns:xml="urn:x"/>'],
    ['attributes without whitespace between them', '<a b="1"c="2"/>'],
    ['-- in a comment', '<a><!-- a -- b --></a>'],
    ['a comment ending in -', '<a><!-- a ---></a>'],
    ['version 1.1', '<?xml version="1.1"?><a/>'],
    ['a declaration not at the start', ' <?xml version="1.0"?><a/>'],
    ['CDATA outside the root', '<![CDATA[x]]><a/>'],
    ['a lone surrogate', '<a>\ud800</a>'],
  ])('leaves %s to saxes', (_name, xml) => {
    expect(plain(xml)).toBeUndefined();
    const result = saxes(xml);
    // What saxes accepts here it builds as the plain reader would have; mostly it refuses.
    if (!(result instanceof Error)) expect(result.length).toBeGreaterThan(0);
  });

  it('leaves a document at any limit to saxes, which refuses it with its own message', () => {
    const builder = new TreeBuilder(undefined);
    expect(readPlainXml('<a><b><c/></b></a>', { ...DEFAULT_XML_LIMITS, maxDepth: 2 }, builder)).toBe(false);
    expect(() => readWithSaxes('<a><b><c/></b></a>', { ...DEFAULT_XML_LIMITS, maxDepth: 2 })).toThrow(
      /nested 3 levels deep/,
    );
  });
});

describe('textContent', () => {
  it('is what xmldom reads as textContent: text and CDATA below, comments and PIs left out', () => {
    const document = readWithSaxes(
      '<a>x<b>y<![CDATA[z]]><!--no--><?no pi?><c/>w</b><d>only</d><e><![CDATA[cdata]]></e><f/>&amp;</a>',
      DEFAULT_XML_LIMITS,
    );
    const nodes: Node[] = [document];
    for (let i = 0; i < nodes.length; i++)
      for (let child = nodes[i].firstChild; child; child = child.nextSibling) nodes.push(child);
    expect(nodes.length).toBeGreaterThan(10);
    for (const node of nodes) expect(textContent(node)).toBe(node.textContent ?? '');
  });
});
