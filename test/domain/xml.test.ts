import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { XmlInputError, parseXml, type Element, type Node } from '../../domain/xml';

function refusal(input: Uint8Array | string, limits = {}): { code: string; message: string; ms: number } {
  const started = process.hrtime.bigint();
  try {
    parseXml(input, limits);
  } catch (error) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (error instanceof XmlInputError) return { code: error.code, message: error.message, ms };
    throw error;
  }
  throw new Error('input was accepted');
}

describe('parseXml on hostile input', () => {
  it('refuses an external entity (XXE) before reading anything', () => {
    const result = refusal(
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    );
    expect(result.code).toBe('DTD_FORBIDDEN');
    expect(result.message).toMatch(/DOCTYPE/);
  });

  it('refuses billion laughs without expanding a single entity', () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY l0 "lol">' : `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`,
    ).join('');
    const before = process.memoryUsage().heapUsed;
    const result = refusal(`<?xml version="1.0"?><!DOCTYPE lolz [${entities}]><lolz>&l9;</lolz>`);
    expect(result.code).toBe('DTD_FORBIDDEN');
    expect(result.ms).toBeLessThan(200);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses deep nesting at the depth limit, quickly, even a million levels deep', () => {
    const deep = '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000);
    const result = refusal(deep);
    expect(result.code).toBe('TOO_DEEP');
    expect(result.ms).toBeLessThan(1000);
    expect(refusal('<a>'.repeat(20) + '</a>'.repeat(20), { maxDepth: 10 }).code).toBe('TOO_DEEP');
  });

  it('refuses a huge attribute and an element with too many attributes', () => {
    expect(refusal(`<a x="${'y'.repeat(1_000_000)}"/>`).code).toBe('ATTRIBUTE_TOO_LONG');
    const attributes = Array.from({ length: 500 }, (_, i) => `a${i}="1"`).join(' ');
    expect(refusal(`<a ${attributes}/>`).code).toBe('TOO_MANY_ATTRIBUTES');
  });

  it('refuses an over-long text node and input above the size limit', () => {
    expect(refusal(`<a>${'x'.repeat(2000)}</a>`, { maxTextLength: 1000 }).code).toBe('TEXT_TOO_LONG');
    expect(refusal(new Uint8Array(11 * 1024 * 1024).fill(0x20)).code).toBe('TOO_LARGE');
    expect(refusal(`<a>${'x'.repeat(5000)}</a>`, { maxBytes: 1000 }).code).toBe('TOO_LARGE');
  });

  it('refuses invalid UTF-8 and says at which byte', () => {
    const result = refusal(new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]));
    expect(result.code).toBe('INVALID_ENCODING');
    expect(result.message).toMatch(/offset 3/);
  });

  it('refuses things that are not XML at all', () => {
    expect(refusal('%PDF-1.7 binary').code).toBe('NOT_XML');
    expect(refusal(new Uint8Array([0x50, 0x4b, 0x03, 0x04])).code).toBe('NOT_XML');
    expect(refusal('   \n ').code).toBe('EMPTY');
    expect(refusal('{"invoice": 1}').code).toBe('NOT_XML');
  });

  it('refuses malformed XML, undefined entities and unbound prefixes', () => {
    expect(refusal('<a><b></a>').code).toBe('MALFORMED');
    expect(refusal('<a>&nbsp;</a>').code).toBe('MALFORMED');
    expect(refusal('<a><x:b/></a>').code).toBe('MALFORMED');
    expect(refusal('<a/><b/>').code).toBe('MALFORMED');
  });

  it('refuses an encoding it does not know', () => {
    expect(refusal(Buffer.from('<?xml version="1.0" encoding="x-unknown"?><a/>')).code).toBe(
      'UNSUPPORTED_ENCODING',
    );
  });
});

describe('parseXml on good input', () => {
  it('keeps whitespace, comments and attribute order exactly as written (canonicalization needs them)', () => {
    const xml = '<a xmlns="urn:x" b="1" a="2">\n  <c> t </c><!-- note --></a>';
    expect(new XMLSerializer().serializeToString(parseXml(xml))).toBe(xml);
  });

  it('reads UTF-8 with a BOM, UTF-16 with a BOM and a declared single-byte encoding', () => {
    expect(parseXml(Buffer.from('\ufeff<a>б</a>', 'utf8')).documentElement?.textContent).toBe('б');
    expect(parseXml(Buffer.from('\ufeff<a>б</a>', 'utf16le')).documentElement?.textContent).toBe('б');
    const latin1 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'),
      Buffer.from([0xe9]),
      Buffer.from('</a>'),
    ]);
    expect(parseXml(latin1).documentElement?.textContent).toBe('é');
  });
});

describe('parseXml builds the Document xmldom itself would build, in one pass', () => {
  /** Every node with its type, names, namespace and value, attributes included: what canonicalization reads. */
  function shape(node: Node): string[] {
    const element = node as Element;
    const lines = [
      `${node.nodeType} ${node.nodeName} ${element.namespaceURI ?? '-'} ${element.prefix ?? '-'} ${JSON.stringify(node.nodeValue)}`,
    ];
    if (node.nodeType === 1) {
      for (let i = 0; i < element.attributes.length; i++) {
        const attribute = element.attributes.item(i);
        if (attribute)
          lines.push(
            `  @${attribute.nodeName} ${attribute.namespaceURI ?? '-'} ${JSON.stringify(attribute.value)} ${JSON.stringify(attribute.nodeValue)}`,
          );
      }
    }
    for (let child = node.firstChild; child; child = child.nextSibling) lines.push(...shape(child));
    return lines;
  }

  const xmldom = (xml: string): string[] => shape(new DOMParser().parseFromString(xml, 'application/xml'));

  it.each([
    [
      'declaration, prolog comment and PI, whitespace around the root',
      '<?xml version="1.0"  encoding="UTF-8" ?>\n<!-- made by hand -->\n<?style x?>\n<a>t</a>\n<!--after-->\n\n',
    ],
    [
      'CRLF line ends in text and attributes, entities and character references',
      '<a b="x\r\ny\tz&#9;&#13;" c="&lt;&amp;&quot;">one\r\ntwo&#13;\rthree &amp; &#x20AC;</a>',
    ],
    [
      'CDATA, an empty CDATA section between text, comments and PIs inside elements',
      '<a>x<![CDATA[<y>]]>z<![CDATA[]]>w<!--c--><?p  body  ?><b/></a>',
    ],
    [
      'default and prefixed namespaces, undeclared default, xml:lang',
      '<r xmlns="urn:r" xmlns:q="urn:q"><q:x q:y="1" xml:lang="bg">a</q:x><z xmlns=""><w/></z></r>',
    ],
  ])('%s', (_name, xml) => {
    expect(shape(parseXml(xml))).toEqual(xmldom(xml));
  });

  it('refuses a DOCTYPE after prolog comments and PIs, but not a comment that merely mentions one', () => {
    const declared = refusal(
      '<?xml version="1.0"?>\n<!-- a -->\n<?p q?>\n<!DOCTYPE a [<!ENTITY e "x">]>\n<a>&e;</a>',
    );
    expect(declared.code).toBe('DTD_FORBIDDEN');
    expect(declared.message).toMatch(/line 4, column 1/);
    expect(parseXml('<!-- <!DOCTYPE a> --><?p <!DOCTYPE?><a/>').documentElement?.nodeName).toBe('a');
    expect(refusal('<!-- x -->\n<!DOCTYPE a SYSTEM "file:///etc/passwd">').code).toBe('DTD_FORBIDDEN');
  });

  it('refuses an over-long attribute among others on an element, and a DOCTYPE after the root', () => {
    expect(refusal(`<a x="1" y="${'z'.repeat(2000)}"/>`, { maxAttributeLength: 1000 }).code).toBe(
      'ATTRIBUTE_TOO_LONG',
    );
    expect(refusal('<a/><!DOCTYPE a>').code).toBe('MALFORMED');
  });
});
