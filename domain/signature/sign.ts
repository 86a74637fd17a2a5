/**
 * Signs an invoice with a XAdES baseline B enveloped signature (ETSI EN 319 132-1), placed the UBL 2.1 way:
 * ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/sig:UBLDocumentSignatures/sac:SignatureInformation/ds:Signature.
 * A document that is not UBL (CII has no extension point) gets the signature as the root's last child.
 *
 * Signed: the whole document (URI="" with enveloped-signature + exc-c14n) and this signature's SignedProperties
 * (SigningTime, SigningCertificateV2); SHA-256 throughout, RSA PKCS#1 v1.5 or ECDSA.
 * The key is a key file's, imported into WebCrypto, or one held on a token or service (`{ external }`): xadesjs
 * builds the same signature either way, and only the private-key operation is asked of the external key.
 */
import { verify, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import * as xmldsigjs from 'xmldsigjs';
import { parseXml, type Document, type Element } from '../xml';
import { ExternalCryptoKey, prepareXmlSecurityLibraries, type SigningKeyAlgorithm } from './crypto-engine';
import { loadSignerCredentials, type ExternalSigningKey, type SignerInput } from './signer-credentials';
import { TRANSFORM, UBL_DOCUMENT_NS_PREFIX, UBL_NS, XMLNS_NS } from './xml-names';

export type { ExternalSigningKey, SignerInput } from './signer-credentials';

export interface SignOptions {
  /** Recorded as xades:SigningTime; defaults to now. */
  signingTime?: Date;
}

/** Refused before signing: the document or the key cannot be signed as asked. */
export class SigningError extends Error {
  override readonly name = 'SigningError';
}

/** Returns the signed document as XML text. */
export async function signInvoice(
  xml: Uint8Array | string,
  signer: SignerInput,
  options: SignOptions = {},
): Promise<string> {
  prepareXmlSecurityLibraries();
  const { certificate, chain, key } = await signingKeyOf(signer);
  const document = parseXml(xml);
  const root = document.documentElement;
  if (!root) throw new SigningError('The document has no root element.');

  const slot = isUbl(root) ? ublSignatureSlot(document, root) : root;

  const signedXml = new SignedPropertiesCanonicalSignedXml();
  const certificateBase64 = certificate.toString('base64');
  // The libraries type their inputs with lib.dom; xmldom implements the same interfaces.
  const domDocument = document as unknown as globalThis.Document;
  // SHA-256 whatever the key; xmldsigjs takes the rest (the curve) from the key.
  const algorithm = { name: key.algorithm.name, hash: { name: 'SHA-256' } } as Algorithm;
  await signedXml.Sign(algorithm, key, domDocument, {
    references: [{ uri: '', hash: 'SHA-256', transforms: ['enveloped', 'exc-c14n'] }],
    x509: [certificateBase64, ...chain.map((der) => der.toString('base64'))],
    signingCertificateV2: { certificate: certificateBase64, digestAlgorithm: 'SHA-256' },
    signingTime: { value: options.signingTime ?? new Date() },
  });
  const signatureElement = signedXml.GetXml();
  if (!signatureElement) throw new SigningError('xadesjs produced no Signature element.');
  slot.appendChild(document.importNode(signatureElement as unknown as Element, true));
  return serialize(document, typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8', 0, 100));
}

/** xadesjs digests SignedProperties with inclusive C14N, which would pull in the UBL wrappers' namespaces; exc-c14n keeps it independent of placement. */
class SignedPropertiesCanonicalSignedXml extends xadesjs.SignedXml {
  protected override async ApplySignOptions(
    signature: xmldsigjs.Signature,
    algorithm: Algorithm,
    key: CryptoKey,
    options: xadesjs.OptionsXAdES,
  ): Promise<void> {
    await super.ApplySignOptions(signature, algorithm, key, options);
    signature.SignedInfo.CanonicalizationMethod.Algorithm = TRANSFORM.excC14n;
    for (const reference of signature.SignedInfo.References.GetIterator()) {
      if (reference.Type === 'http://uri.etsi.org/01903#SignedProperties') {
        const transforms = new xmldsigjs.Transforms();
        transforms.Add(new xmldsigjs.XmlDsigExcC14NTransform());
        reference.Transforms = transforms;
      }
    }
  }
}

function isUbl(root: Element): boolean {
  return (root.namespaceURI ?? '').startsWith(UBL_DOCUMENT_NS_PREFIX) && root.namespaceURI !== UBL_NS.ext;
}

/** Finds or creates ext:UBLExtensions (first child of the root) and adds a UBLExtension that will hold the signature. */
function ublSignatureSlot(document: Document, root: Element): Element {
  let extensions = firstChildElement(root, UBL_NS.ext, 'UBLExtensions');
  if (!extensions) {
    extensions = createElement(document, UBL_NS.ext, 'ext:UBLExtensions');
    const first = firstChildElement(root);
    root.insertBefore(extensions, first);
  }
  const extension = document.createElementNS(UBL_NS.ext, 'ext:UBLExtension');
  if (extensions.lookupNamespaceURI('ext') !== UBL_NS.ext)
    extension.setAttributeNS(XMLNS_NS, 'xmlns:ext', UBL_NS.ext);
  const content = document.createElementNS(UBL_NS.ext, 'ext:ExtensionContent');
  const signatures = createElement(document, UBL_NS.sig, 'sig:UBLDocumentSignatures');
  signatures.setAttributeNS(XMLNS_NS, 'xmlns:sac', UBL_NS.sac);
  signatures.setAttributeNS(XMLNS_NS, 'xmlns:cbc', UBL_NS.cbc);
  const information = document.createElementNS(UBL_NS.sac, 'sac:SignatureInformation');
  const id = document.createElementNS(UBL_NS.cbc, 'cbc:ID');
  id.appendChild(document.createTextNode('urn:oasis:names:specification:ubl:signature:1'));
  information.appendChild(id);
  signatures.appendChild(information);
  content.appendChild(signatures);
  extension.appendChild(content);
  extensions.appendChild(extension);
  return information;
}

function createElement(document: Document, namespace: string, qualifiedName: string): Element {
  const element = document.createElementNS(namespace, qualifiedName);
  const prefix = qualifiedName.split(':')[0];
  element.setAttributeNS(XMLNS_NS, `xmlns:${prefix}`, namespace);
  return element;
}

function firstChildElement(parent: Element, namespace?: string, localName?: string): Element | null {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== node.ELEMENT_NODE) continue;
    const element = node as Element;
    if (namespace === undefined || (element.namespaceURI === namespace && element.localName === localName)) {
      return element;
    }
  }
  return null;
}

/** What xadesjs signs with: a WebCrypto key imported from a key file, or a stand-in for a key held elsewhere. */
interface SigningKey {
  certificate: Buffer;
  chain: Buffer[];
  key: CryptoKey;
}

async function signingKeyOf(signer: SignerInput): Promise<SigningKey> {
  if ('external' in signer) return externalSigningKey(signer.external);
  const credentials = loadSignerCredentials(signer);
  const keyAlgorithm = signingKeyAlgorithm(credentials.privateKey);
  const pkcs8 = credentials.privateKey.export({ format: 'der', type: 'pkcs8' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, keyAlgorithm, false, ['sign']);
  return {
    certificate: credentials.certificate,
    chain: credentials.chain,
    key: key as unknown as CryptoKey,
  };
}

/** The algorithm comes from the certificate; every signature handed back is checked against it before use. */
function externalSigningKey(external: ExternalSigningKey): SigningKey {
  let publicKey: KeyObject;
  try {
    publicKey = new X509Certificate(external.certificate).publicKey;
  } catch (error) {
    throw new SigningError(`The external signer's certificate cannot be read: ${(error as Error).message}`);
  }
  const keyAlgorithm = signingKeyAlgorithm(publicKey);
  const key = new ExternalCryptoKey(keyAlgorithm, async (data) => {
    const signature = await external.sign(data);
    checkExternalSignature(keyAlgorithm, publicKey, data, signature);
    return signature;
  });
  return { certificate: external.certificate, chain: external.chain, key };
}

function checkExternalSignature(
  algorithm: SigningKeyAlgorithm,
  publicKey: KeyObject,
  data: Buffer,
  signature: Buffer,
): void {
  if (algorithm.name === 'ECDSA') {
    const expected = 2 * EC_FIELD_BYTES[algorithm.namedCurve];
    if (signature.length !== expected) {
      throw new SigningError(
        `The external signer returned ${signature.length} bytes for an ECDSA ${algorithm.namedCurve} signature; XML-DSig wants r||s of ${expected} bytes (IEEE P1363, not DER).`,
      );
    }
  }
  const key = algorithm.name === 'ECDSA' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey;
  if (!verify('sha256', data, key, signature)) {
    throw new SigningError(
      "The external signer's signature does not verify with the signing certificate's public key: the key that signed is not the certificate's.",
    );
  }
}

function signingKeyAlgorithm(key: KeyObject): SigningKeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } };
  if (type === 'ec') {
    const curve = WEBCRYPTO_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) {
      throw new SigningError(
        `The EC key uses curve ${key.asymmetricKeyDetails?.namedCurve}; signing supports P-256, P-384 and P-521.`,
      );
    }
    return { name: 'ECDSA', namedCurve: curve };
  }
  throw new SigningError(`Keys of type ${type} cannot sign invoices; use RSA or ECDSA.`);
}

const WEBCRYPTO_CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const EC_FIELD_BYTES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

function serialize(document: Document, originalStart: string): string {
  const text = new XMLSerializer().serializeToString(document);
  // The result is text (written as UTF-8), so whatever encoding the input declared, the output declares UTF-8.
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const hadDeclaration = /^\uFEFF?\s*<\?xml/.test(originalStart);
  return hadDeclaration ? `<?xml version="1.0" encoding="UTF-8"?>\n${body}` : body;
}
