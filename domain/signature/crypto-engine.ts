/**
 * xadesjs / xmldsigjs need a WebCrypto engine and, outside a browser, a DOM parser, serializer and XPath
 * engine (through xml-core). The engine registered once per process is Node's webcrypto, except that
 * `subtle.sign` hands an `ExternalCryptoKey` to the holder of that key; the hub's own @xmldom/xmldom and xpath
 * serve the DOM.
 */
import { webcrypto } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import * as xmldsigjs from 'xmldsigjs';
import * as xpath from 'xpath';

/** The WebCrypto algorithm of a signing key; invoices are signed with SHA-256 whatever the key. */
export type SigningKeyAlgorithm =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: { name: 'SHA-256' } }
  | { name: 'ECDSA'; namedCurve: 'P-256' | 'P-384' | 'P-521' };

/**
 * Stands in for a CryptoKey whose private half is held elsewhere. xmldsigjs reads only `algorithm` from the key
 * it signs with and passes the key on to the engine's `subtle.sign`, so xadesjs builds exactly the signature it
 * builds with a key it holds; only the private-key operation goes to `signWithKey`.
 */
export class ExternalCryptoKey implements CryptoKey {
  readonly type = 'private';
  readonly extractable = false;
  readonly usages: KeyUsage[] = ['sign'];

  constructor(
    readonly algorithm: SigningKeyAlgorithm,
    /** SHA-256 and the key's algorithm; ECDSA as raw r||s. */
    readonly signWithKey: (data: Buffer) => Promise<Buffer>,
  ) {}
}

let ready = false;

export function prepareXmlSecurityLibraries(): void {
  if (ready) return;
  // The engine matches the DOM Crypto interface the libraries declare, except for nominal lib.dom typing.
  const engine = xmlSecurityEngine() as unknown as Crypto;
  xmldsigjs.Application.setEngine('NodeJS', engine);
  xadesjs.Application.setEngine('NodeJS', engine);
  xadesjs.setNodeDependencies({ DOMParser, XMLSerializer, xpath });
  ready = true;
}

function xmlSecurityEngine() {
  // Node's SubtleCrypto methods refuse any other `this`, so every member but `sign` is bound to the original.
  const subtle = new Proxy(webcrypto.subtle, {
    get(target, property) {
      if (property === 'sign') return signRoutingExternalKeys;
      const member: unknown = Reflect.get(target, property, target);
      return typeof member === 'function' ? member.bind(target) : member;
    },
  });
  return {
    subtle,
    getRandomValues: <T extends ArrayBufferView | null>(array: T): T =>
      webcrypto.getRandomValues(array as never) as T,
    randomUUID: () => webcrypto.randomUUID(),
  };
}

async function signRoutingExternalKeys(
  algorithm: webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams,
  key: webcrypto.CryptoKey | ExternalCryptoKey,
  data: webcrypto.BufferSource,
): Promise<ArrayBuffer> {
  if (!(key instanceof ExternalCryptoKey)) return webcrypto.subtle.sign(algorithm, key, data);
  const requested: { name: string; hash?: string | { name: string } } =
    typeof algorithm === 'string' ? { name: algorithm } : algorithm;
  const hashName = typeof requested.hash === 'string' ? requested.hash : requested.hash?.name;
  if (requested.name !== key.algorithm.name || hashName?.toUpperCase() !== 'SHA-256') {
    throw new Error(
      `An external ${key.algorithm.name} key signs with SHA-256 only; ${requested.name} with ${hashName} was asked.`,
    );
  }
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  const signature = await key.signWithKey(Buffer.from(bytes));
  return new Uint8Array(signature).buffer;
}
