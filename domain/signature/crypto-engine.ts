/**
 * xadesjs / xmldsigjs need a WebCrypto engine and, outside a browser, a DOM parser, serializer and XPath
 * engine (through xml-core). Node's webcrypto and the hub's own @xmldom/xmldom and xpath are registered once per process.
 */
import { webcrypto } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import * as xmldsigjs from 'xmldsigjs';
import * as xpath from 'xpath';

let ready = false;

export function prepareXmlSecurityLibraries(): void {
  if (ready) return;
  // Node's webcrypto matches the DOM Crypto interface the libraries declare, except for nominal lib.dom typing.
  const engine = webcrypto as unknown as Crypto;
  xmldsigjs.Application.setEngine('NodeJS', engine);
  xadesjs.Application.setEngine('NodeJS', engine);
  xadesjs.setNodeDependencies({ DOMParser, XMLSerializer, xpath });
  ready = true;
}
