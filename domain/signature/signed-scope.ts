/**
 * What the signature covers, and where it sits. Guards against signature wrapping: the whole document must be
 * signed (URI="" with enveloped-signature, or every ds:Object of an enveloping signature), the SignedProperties
 * reference must resolve to this signature's own SignedProperties, and no Id may be used twice.
 */
import type { Document, Element, Node } from '@xmldom/xmldom';
import { inScopeNamespaces, isCanonicalizationMethod } from './canonicalize';
import type { IdIndex, ReferenceOutcome } from './references';
import { childElements, textOf, type ReferenceData, type SignatureStructure } from './signature-structure';
import { SIGNED_PROPERTIES_TYPE, TRANSFORM, UBL_NS, XMLDSIG_NS } from './xml-names';

export type Placement = 'ubl-extension' | 'root-last-child' | 'enveloping' | 'elsewhere';

export function placementOf(signature: Element, document: Document): Placement {
  const root = document.documentElement;
  if (signature === root) return 'enveloping';
  const chain: Array<[string, string]> = [
    [UBL_NS.sac, 'SignatureInformation'],
    [UBL_NS.sig, 'UBLDocumentSignatures'],
    [UBL_NS.ext, 'ExtensionContent'],
    [UBL_NS.ext, 'UBLExtension'],
    [UBL_NS.ext, 'UBLExtensions'],
  ];
  let node: Node | null = signature.parentNode;
  let ubl = true;
  for (const [namespace, localName] of chain) {
    const element = node as Element | null;
    if (
      !element ||
      element.nodeType !== 1 ||
      element.namespaceURI !== namespace ||
      element.localName !== localName
    ) {
      ubl = false;
      break;
    }
    node = element.parentNode;
  }
  if (ubl && node === root) return 'ubl-extension';
  if (signature.parentNode === root && childElements(root as Element).pop() === signature)
    return 'root-last-child';
  return 'elsewhere';
}

export interface ScopeResult {
  passed: boolean;
  detail: string;
}

export function checkSignedScope(
  structure: SignatureStructure,
  document: Document,
  outcomes: ReferenceOutcome[],
  ids: IdIndex,
): ScopeResult {
  const problems: string[] = [];
  const root = document.documentElement;
  const targets = new Set<Node>();
  outcomes.forEach((outcome) => {
    if ('target' in outcome) targets.add(outcome.target);
  });

  const duplicates = ids.duplicates();
  if (duplicates.length)
    problems.push(`Id ${duplicates.map((id) => `"${id}"`).join(', ')} used more than once`);

  let covered: string | undefined;
  if (structure.element === root) {
    const unsigned = structure.objects.filter((object) => !objectCovered(object, targets, structure));
    if (unsigned.length === 0) covered = 'every ds:Object of the enveloping signature is signed';
    else
      problems.push(
        `${unsigned.length} ds:Object element(s) of the signature are not covered by any reference`,
      );
  } else {
    const whole = structure.references.find((reference, index) =>
      coversWholeDocument(reference, outcomes[index], root),
    );
    if (whole) covered = `reference URI="${whole.uri}" covers the whole document except this signature`;
    else
      problems.push('no reference covers the whole document (URI="" with the enveloped-signature transform)');
  }

  if (structure.qualifyingProperties) {
    const target = structure.qualifyingProperties.getAttribute('Target');
    if (structure.id && target && target !== `#${structure.id}`) {
      problems.push(
        `xades:QualifyingProperties Target="${target}" does not name this signature (#${structure.id})`,
      );
    }
    const signedProperties = structure.signedProperties;
    structure.references.forEach((reference, index) => {
      const outcome = outcomes[index];
      if (reference.type !== SIGNED_PROPERTIES_TYPE || !('target' in outcome)) return;
      if (
        !signedProperties ||
        !contains(structure.element, outcome.target) ||
        !contains(outcome.target, signedProperties)
      ) {
        problems.push(
          `the SignedProperties reference URI="${reference.uri}" points outside this signature's QualifyingProperties`,
        );
      }
    });
    const ownTargetCovers = (outcome: ReferenceOutcome): boolean =>
      'target' in outcome &&
      contains(structure.element, outcome.target) &&
      contains(outcome.target, signedProperties as Element);
    if (signedProperties && !outcomes.some(ownTargetCovers)) {
      problems.push("this signature's xades:SignedProperties are not covered by any reference");
    }
  }

  return problems.length
    ? { passed: false, detail: problems.join('; ') }
    : {
        passed: true,
        detail: `${covered}${structure.qualifyingProperties ? "; the SignedProperties reference points at this signature's own SignedProperties" : ''}; Ids are unique`,
      };
}

function coversWholeDocument(
  reference: ReferenceData,
  outcome: ReferenceOutcome,
  root: Element | null,
): boolean {
  const wholeUri = reference.uri === '' || reference.uri === '#' || reference.uri === '#xpointer(/)';
  const rootById = 'target' in outcome && outcome.target === root;
  if (!wholeUri && !rootById) return false;
  let removesSignature = false;
  for (const transform of reference.transforms) {
    const algorithm = transform.getAttribute('Algorithm') ?? '';
    if (algorithm === TRANSFORM.envelopedSignature) removesSignature = true;
    else if (algorithm === TRANSFORM.xpath && excludesOnlySignatures(transform)) removesSignature = true;
    else if (!isCanonicalizationMethod(algorithm)) return false;
  }
  return removesSignature;
}

function excludesOnlySignatures(transform: Element): boolean {
  const expression = childElements(transform).find(
    (e) => e.localName === 'XPath' && e.namespaceURI === XMLDSIG_NS,
  );
  if (!expression) return false;
  const match = /^not\(\s*ancestor-or-self::(\w+):Signature\s*\)$/.exec(textOf(expression).trim());
  return !!match && inScopeNamespaces(expression).get(match[1]) === XMLDSIG_NS;
}

function objectCovered(object: Element, targets: Set<Node>, structure: SignatureStructure): boolean {
  if (targets.has(object)) return true;
  const content = childElements(object);
  if (content.length === 0) return false;
  return content.every((element) => {
    if (targets.has(element)) return true;
    if (element === structure.qualifyingProperties) {
      const signedProperties = structure.signedProperties;
      return (
        !!signedProperties &&
        [...targets].some((target) => contains(object, target) && contains(target, signedProperties))
      );
    }
    return false;
  });
}

function contains(ancestor: Node, node: Node): boolean {
  for (let current: Node | null = node; current; current = current.parentNode)
    if (current === ancestor) return true;
  return false;
}
