/**
 * Reads one ds:Signature (and its XAdES QualifyingProperties) from the DOM into plain data.
 * Own code rather than xadesjs's LoadXml: that parser throws on SigPolicyQualifier, CompleteCertificateRefs and
 * 1.4.1 ArchiveTimeStamp, and on any malformed base64, where the validator must instead name the defect.
 */
import type { Element, Node } from '@xmldom/xmldom';
import { XADES141_NS, XADES_NS, XMLDSIG_NS } from './xml-names';
import { textContent } from '../xml';

export interface ReferenceData {
  element: Element;
  id?: string;
  /** undefined when the URI attribute is absent. */
  uri?: string;
  type?: string;
  transforms: Element[];
  digestAlgorithm?: string;
  /** undefined when DigestValue is missing or not base64. */
  digestValue?: Buffer;
  digestValueText?: string;
}

export interface CertificateReference {
  digestAlgorithm?: string;
  digestValue?: Buffer;
  /** SigningCertificate (v1): X509IssuerName / X509SerialNumber. */
  issuerName?: string;
  serialNumber?: string;
  /** SigningCertificateV2: DER of the IssuerSerial structure (RFC 5035), base64 in the XML. */
  issuerSerialV2?: Buffer;
}

export interface TimeStampData {
  canonicalizationMethod: string;
  token?: Buffer;
}

export interface SignatureStructure {
  element: Element;
  id?: string;
  signedInfo?: Element;
  canonicalizationMethod?: string;
  inclusivePrefixes: string[];
  signatureMethod?: string;
  references: ReferenceData[];
  signatureValueElement?: Element;
  signatureValue?: Buffer;
  keyInfoCertificates: Buffer[];
  keyValue?: Element;
  objects: Element[];
  /** XAdES */
  qualifyingProperties?: Element;
  signedProperties?: Element;
  signingTime?: string;
  signingCertificates: CertificateReference[];
  signingCertificateVersion?: 1 | 2;
  signatureTimeStamps: TimeStampData[];
  certificateValues: Buffer[];
  counterSignatures: Element[];
  /** Structural defects found while reading (missing elements, bad base64). */
  defects: string[];
}

export function readSignature(element: Element): SignatureStructure {
  const defects: string[] = [];
  const structure: SignatureStructure = {
    element,
    id: attribute(element, 'Id'),
    inclusivePrefixes: [],
    references: [],
    keyInfoCertificates: [],
    objects: children(element, XMLDSIG_NS, 'Object'),
    signingCertificates: [],
    signatureTimeStamps: [],
    certificateValues: [],
    counterSignatures: [],
    defects,
  };

  const signedInfo = child(element, XMLDSIG_NS, 'SignedInfo');
  structure.signedInfo = signedInfo;
  if (!signedInfo) defects.push('ds:SignedInfo is missing');
  else {
    const c14n = child(signedInfo, XMLDSIG_NS, 'CanonicalizationMethod');
    structure.canonicalizationMethod = c14n ? attribute(c14n, 'Algorithm') : undefined;
    if (c14n) structure.inclusivePrefixes = inclusivePrefixesOf(c14n);
    if (!structure.canonicalizationMethod) defects.push('ds:CanonicalizationMethod is missing');
    const method = child(signedInfo, XMLDSIG_NS, 'SignatureMethod');
    structure.signatureMethod = method ? attribute(method, 'Algorithm') : undefined;
    if (!structure.signatureMethod) defects.push('ds:SignatureMethod is missing');
    structure.references = children(signedInfo, XMLDSIG_NS, 'Reference').map((reference, index) =>
      readReference(reference, index, defects),
    );
    if (structure.references.length === 0) defects.push('ds:SignedInfo has no ds:Reference');
  }

  const signatureValue = child(element, XMLDSIG_NS, 'SignatureValue');
  structure.signatureValueElement = signatureValue;
  if (!signatureValue) defects.push('ds:SignatureValue is missing');
  else {
    structure.signatureValue = strictBase64(textOf(signatureValue));
    if (!structure.signatureValue) defects.push('ds:SignatureValue is not valid base64');
  }

  const keyInfo = child(element, XMLDSIG_NS, 'KeyInfo');
  if (keyInfo) {
    for (const x509Data of children(keyInfo, XMLDSIG_NS, 'X509Data')) {
      for (const certificate of children(x509Data, XMLDSIG_NS, 'X509Certificate')) {
        const der = strictBase64(textOf(certificate));
        if (der) structure.keyInfoCertificates.push(der);
        else defects.push('a ds:X509Certificate in KeyInfo is not valid base64');
      }
    }
    structure.keyValue = child(keyInfo, XMLDSIG_NS, 'KeyValue');
  }

  readQualifyingProperties(structure);
  return structure;
}

function readReference(element: Element, index: number, defects: string[]): ReferenceData {
  const transformsElement = child(element, XMLDSIG_NS, 'Transforms');
  const digestMethod = child(element, XMLDSIG_NS, 'DigestMethod');
  const digestValueElement = child(element, XMLDSIG_NS, 'DigestValue');
  const label = `reference ${index + 1}${element.hasAttribute('URI') ? ` (URI="${element.getAttribute('URI')}")` : ''}`;
  const reference: ReferenceData = {
    element,
    id: attribute(element, 'Id'),
    uri: element.hasAttribute('URI') ? (element.getAttribute('URI') ?? '') : undefined,
    type: attribute(element, 'Type'),
    transforms: transformsElement ? children(transformsElement, XMLDSIG_NS, 'Transform') : [],
    digestAlgorithm: digestMethod ? attribute(digestMethod, 'Algorithm') : undefined,
  };
  if (!reference.digestAlgorithm) defects.push(`${label}: ds:DigestMethod is missing`);
  if (!digestValueElement) defects.push(`${label}: ds:DigestValue is missing`);
  else {
    reference.digestValueText = textOf(digestValueElement).trim();
    reference.digestValue = strictBase64(reference.digestValueText);
    if (!reference.digestValue) defects.push(`${label}: ds:DigestValue is not valid base64`);
  }
  return reference;
}

function readQualifyingProperties(structure: SignatureStructure): void {
  for (const object of structure.objects) {
    for (const candidate of childElements(object)) {
      if (candidate.localName !== 'QualifyingProperties' || !isXadesNamespace(candidate.namespaceURI))
        continue;
      structure.qualifyingProperties = candidate;
      break;
    }
    if (structure.qualifyingProperties) break;
  }
  const qualifying = structure.qualifyingProperties;
  if (!qualifying) return;
  const ns = qualifying.namespaceURI ?? XADES_NS;
  const signedProperties = child(qualifying, ns, 'SignedProperties');
  structure.signedProperties = signedProperties;
  const signatureProperties = signedProperties && child(signedProperties, ns, 'SignedSignatureProperties');
  if (signatureProperties) {
    const signingTime = child(signatureProperties, ns, 'SigningTime');
    if (signingTime) structure.signingTime = textOf(signingTime).trim();
    const v2 = child(signatureProperties, ns, 'SigningCertificateV2');
    const v1 = child(signatureProperties, ns, 'SigningCertificate');
    if (v2) structure.signingCertificateVersion = 2;
    else if (v1) structure.signingCertificateVersion = 1;
    for (const cert of children(v2 ?? v1, ns, 'Cert')) {
      const digest = child(cert, ns, 'CertDigest');
      // Early XAdES writers (the AT plugtest) put DigestMethod/DigestValue in the XAdES namespace.
      const method = digest && childElements(digest).find((e) => e.localName === 'DigestMethod');
      const value = digest && childElements(digest).find((e) => e.localName === 'DigestValue');
      const reference: CertificateReference = {
        digestAlgorithm: method ? attribute(method, 'Algorithm') : undefined,
        digestValue: value ? strictBase64(textOf(value)) : undefined,
      };
      const issuerSerial = child(cert, ns, 'IssuerSerial');
      if (issuerSerial) {
        const name = child(issuerSerial, XMLDSIG_NS, 'X509IssuerName');
        const serial = child(issuerSerial, XMLDSIG_NS, 'X509SerialNumber');
        reference.issuerName = name ? textOf(name).trim() : undefined;
        reference.serialNumber = serial ? textOf(serial).trim() : undefined;
      }
      const issuerSerialV2 = child(cert, ns, 'IssuerSerialV2');
      if (issuerSerialV2) reference.issuerSerialV2 = strictBase64(textOf(issuerSerialV2));
      structure.signingCertificates.push(reference);
    }
  }
  const unsigned = child(qualifying, ns, 'UnsignedProperties');
  const unsignedSignature = unsigned && child(unsigned, ns, 'UnsignedSignatureProperties');
  if (!unsignedSignature) return;
  for (const property of childElements(unsignedSignature)) {
    if (property.localName === 'SignatureTimeStamp') {
      const method = child(property, XMLDSIG_NS, 'CanonicalizationMethod');
      const encapsulated = childElements(property).find((e) => e.localName === 'EncapsulatedTimeStamp');
      structure.signatureTimeStamps.push({
        canonicalizationMethod:
          (method && attribute(method, 'Algorithm')) || 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
        token: encapsulated ? strictBase64(textOf(encapsulated)) : undefined,
      });
    } else if (property.localName === 'CertificateValues') {
      for (const value of childElements(property)) {
        if (value.localName !== 'EncapsulatedX509Certificate') continue;
        const der = strictBase64(textOf(value));
        if (der) structure.certificateValues.push(der);
      }
    } else if (property.localName === 'CounterSignature') {
      const signature = child(property, XMLDSIG_NS, 'Signature');
      if (signature) structure.counterSignatures.push(signature);
    }
  }
}

function isXadesNamespace(uri: string | null): boolean {
  return uri === XADES_NS || uri === XADES141_NS || uri === 'http://uri.etsi.org/01903/v1.1.1#';
}

export function inclusivePrefixesOf(method: Element): string[] {
  const inclusive = childElements(method).find((e) => e.localName === 'InclusiveNamespaces');
  const list = inclusive?.getAttribute('PrefixList') ?? '';
  return list.split(/\s+/).filter(Boolean);
}

/** Decodes base64 only if the text is base64 (whitespace allowed); undefined otherwise. */
export function strictBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\s]+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}

export function childElements(parent: Node): Element[] {
  const list: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) list.push(node as Element);
  }
  return list;
}

export function child(parent: Node | undefined, namespace: string, localName: string): Element | undefined {
  if (!parent) return undefined;
  return childElements(parent).find((e) => e.localName === localName && e.namespaceURI === namespace);
}

export function children(parent: Node | undefined, namespace: string, localName: string): Element[] {
  if (!parent) return [];
  return childElements(parent).filter((e) => e.localName === localName && e.namespaceURI === namespace);
}

export function textOf(node: Node): string {
  return textContent(node);
}

function attribute(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) ?? undefined) : undefined;
}
