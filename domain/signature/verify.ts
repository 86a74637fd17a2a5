/**
 * Validates the signature of an invoice the way ETSI EN 319 102-1 reports it (indication + sub-indication),
 * for XAdES baseline B / T and plain XMLDSig enveloped signatures. Never throws: whatever cannot be checked is
 * INDETERMINATE with the reason in a check's detail.
 *
 * intact = the signature value verifies + every reference digest matches + the whole document is signed +
 * the signing certificate is bound (SigningCertificate / V2). Trust, validity at signing time, key usage,
 * revocation and qualified status are judged on top.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { parseXml, XmlInputError } from '../xml';
import { identifySigner, type SignerIdentification } from './binding';
import { buildCertificationPath, type CertificationPath } from './chain';
import { describeCertificate, keyUsageOf, type Certificate } from './certificates';
import { qualifiedStatementsOf, QCP } from './qualified';
import { checkReference, IdIndex, type ReferenceOutcome } from './references';
import { checkRevocation } from './revocation';
import { checkSignedScope, placementOf } from './signed-scope';
import { readSignature, type SignatureStructure } from './signature-structure';
import { canonicalSignedInfo, SIGNATURE_ALGORITHMS } from './signature-value';
import { verifySignatureTimeStamp } from './timestamp';
import { TrustDataCollector } from './trust-data';
import { isGrantedQualifiedCa, loadTrustStore, serviceStatusAt, type TrustStore } from './trust-store';
import type { Indication, SignatureCheck, SignatureOptions, SignatureReport, SubIndication } from './types';
import { COUNTERSIGNED_SIGNATURE_TYPE, XMLDSIG_NS } from './xml-names';

interface Finding {
  indication: Exclude<Indication, 'TOTAL-PASSED'>;
  subIndication: SubIndication;
}

const KEY_USAGE = { digitalSignature: 1, nonRepudiation: 2 } as const;

export async function verifySignature(
  input: Uint8Array | Document,
  options: SignatureOptions = {},
): Promise<SignatureReport> {
  try {
    return await validate(input, options);
  } catch (error) {
    return {
      present: true,
      intact: false,
      level: 'none',
      indication: 'INDETERMINATE',
      checks: [{ name: 'validation', passed: false, detail: `validation stopped: ${message(error)}` }],
    };
  }
}

async function validate(input: Uint8Array | Document, options: SignatureOptions): Promise<SignatureReport> {
  let document: Document;
  if (input instanceof Uint8Array) {
    try {
      document = parseXml(input);
    } catch (error) {
      const detail =
        error instanceof XmlInputError ? error.message : `the document cannot be parsed: ${message(error)}`;
      return failed(false, [{ name: 'format', passed: false, detail }], 'TOTAL-FAILED', 'FORMAT_FAILURE');
    }
  } else {
    document = input;
  }
  const root = document.documentElement;
  const signatures = root ? dsigSignatures(root) : [];
  const topLevel = signatures.filter((signature) => !hasSignatureAncestor(signature));
  if (topLevel.length === 0) {
    // No ETSI sub-indication fits "nothing to validate": INDETERMINATE, with the reason in the check.
    const required = options.requireSignature !== false;
    return {
      present: false,
      intact: false,
      level: 'none',
      indication: 'INDETERMINATE',
      checks: [
        {
          name: 'signature-present',
          passed: !required,
          detail: required
            ? 'No signature: the document carries no ds:Signature, and a signature is required.'
            : 'No signature: the document carries no ds:Signature (not required here).',
        },
      ],
    };
  }

  const chosen =
    topLevel.find((signature) =>
      ['enveloping', 'ubl-extension'].includes(placementOf(signature, document)),
    ) ??
    topLevel.find((signature) => placementOf(signature, document) === 'root-last-child') ??
    topLevel[0];
  const checks: SignatureCheck[] = [];
  const findings: Finding[] = [];
  const check = (name: string, passed: boolean, detail: string, finding?: Finding): void => {
    checks.push({ name, passed, detail });
    if (!passed && finding) findings.push(finding);
  };

  const placement = placementOf(chosen, document);
  check(
    'placement',
    placement !== 'elsewhere',
    {
      'ubl-extension': 'ds:Signature is in ext:UBLExtensions/…/sac:SignatureInformation',
      'root-last-child': 'ds:Signature is the last child of the root element',
      enveloping:
        'ds:Signature is the document root (enveloping: the signed data is in its ds:Object elements)',
      elsewhere: 'ds:Signature is neither in the UBL extension nor the last child of the root element',
    }[placement] +
      (topLevel.length > 1 ? ` (${topLevel.length} signatures in the document; this one is validated)` : ''),
    { indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' },
  );

  const ids = new IdIndex(document);
  const structure = readSignature(chosen);
  const crypto = checkCryptography(structure, document, ids, check);
  const scope = checkSignedScope(structure, document, crypto.outcomes, ids);
  check('signed-scope', scope.passed, scope.detail, {
    indication: 'TOTAL-FAILED',
    subIndication: 'FORMAT_FAILURE',
  });
  const signer = crypto.signer;
  check('certificate-binding', signer.bindingHolds, signer.bindingDetail, {
    indication: 'INDETERMINATE',
    subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
  });

  const counterSignaturesIntact = checkCounterSignatures(structure, document, ids, check);
  const intact =
    crypto.digestsMatch &&
    signer.signatureValueVerified &&
    scope.passed &&
    signer.bindingHolds &&
    counterSignaturesIntact;

  // Signing time: a valid signature timestamp from a trusted TSA proves it; otherwise SigningTime is claimed.
  const now = options.now ?? new Date();
  const store = options.trust?.length
    ? loadTrustStore(options.trust, { listSigners: options.trustedListSigners, now })
    : undefined;
  const trustData = options.collectTrustData ? new TrustDataCollector(options.collectTrustData) : undefined;
  if (store?.problems.length) check('trust-store', false, store.problems.join('; '));
  if (store?.warnings.length)
    check('trusted-lists', false, store.warnings.map((warning) => warning.message).join(' '));
  let signingTime: Date | undefined;
  let signingTimeProven = false;
  for (const timeStamp of structure.signatureTimeStamps) {
    if (!structure.signatureValueElement) break;
    const outcome = verifySignatureTimeStamp(timeStamp, structure.signatureValueElement);
    if (!outcome.valid) {
      check('timestamp', false, outcome.detail, {
        indication: 'INDETERMINATE',
        subIndication: 'SIG_CONSTRAINTS_FAILURE',
      });
      continue;
    }
    const tsaPath = store
      ? buildCertificationPath(outcome.tsa, outcome.certificates, store.anchors)
      : undefined;
    if (tsaPath?.anchor) {
      trustData?.path(tsaPath, 'signature timestamp');
      signingTime = outcome.genTime;
      signingTimeProven = true;
      check(
        'timestamp',
        true,
        `${outcome.detail}; the TSA chains to a trust anchor, so genTime proves the signing time`,
      );
    } else {
      check(
        'timestamp',
        true,
        `${outcome.detail}; the TSA is not trusted, so genTime is not used as proof of signing time`,
      );
    }
  }
  const claimed = structure.signingTime ? new Date(structure.signingTime) : undefined;
  if (structure.signingTime && (!claimed || Number.isNaN(claimed.getTime()))) {
    check('signing-time', false, `xades:SigningTime "${structure.signingTime}" is not a date`, {
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
  }
  if (!signingTime && claimed && !Number.isNaN(claimed.getTime())) signingTime = claimed;
  const validationTime = signingTime ?? now;
  if (signingTime && signingTime.getTime() > now.getTime() + 5 * 60 * 1000) {
    check('signing-time', false, `the signing time ${signingTime.toISOString()} is in the future`, {
      indication: 'INDETERMINATE',
      subIndication: 'SIG_CONSTRAINTS_FAILURE',
    });
  }

  let path: CertificationPath | undefined;
  let qualified = false;
  const certificate = signer.certificate;
  if (certificate && intact) {
    path = judgeCertificate(certificate, signer, store, validationTime, signingTimeProven, check);
    if (path?.anchor) {
      trustData?.path(path, 'signer');
      await judgeRevocation(certificate, path, validationTime, signingTimeProven, options, check, trustData);
      qualified = judgeQualified(certificate, structure, path, validationTime, store, check);
    }
  } else if (!certificate && intact) {
    check('trust-chain', false, 'no certificate identifies the signer', {
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    });
  }

  const finding = findings.find((f) => f.indication === 'TOTAL-FAILED') ?? findings[0];
  const indication: Indication = finding ? finding.indication : 'TOTAL-PASSED';
  const xades = !!structure.qualifyingProperties;
  return {
    present: true,
    intact,
    level: indication === 'TOTAL-PASSED' ? (qualified && xades ? 'qualified' : 'advanced') : 'none',
    signer: certificate?.subject,
    signingTime: signingTime?.toISOString(),
    trustSnapshot: store?.snapshot ?? 'no trust anchors configured',
    ...(store?.warnings.length ? { trustWarnings: store.warnings } : {}),
    checks,
    ...(trustData && { trustData: trustData.list() }),
    indication,
    subIndication: finding?.subIndication,
  };
}

type CheckFunction = (name: string, passed: boolean, detail: string, finding?: Finding) => void;

function checkCryptography(
  structure: SignatureStructure,
  document: Document,
  ids: IdIndex,
  check: CheckFunction,
): { outcomes: ReferenceOutcome[]; digestsMatch: boolean; signer: SignerIdentification } {
  const formatDefects = structure.defects.filter(
    (d) => !/DigestValue is not valid base64|SignatureValue is not valid base64/.test(d),
  );
  if (formatDefects.length) {
    check('format', false, formatDefects.join('; '), {
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
  }
  const outcomes = structure.references.map((reference) =>
    checkReference(reference, structure.element, document, ids),
  );
  const badBase64 = structure.references.filter(
    (reference) => reference.digestValueText !== undefined && !reference.digestValue,
  );
  const digestsMatch = outcomes.length > 0 && outcomes.every((outcome) => outcome.status === 'match');
  const mismatch = outcomes.some((outcome) => outcome.status === 'mismatch') || badBase64.length > 0;
  const notFound = outcomes.some((outcome) => outcome.status === 'not-found');
  check(
    'reference-digests',
    digestsMatch,
    outcomes.map((outcome) => outcome.detail).join('; ') || 'no references',
    mismatch
      ? { indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' }
      : notFound
        ? { indication: 'INDETERMINATE', subIndication: 'SIGNED_DATA_NOT_FOUND' }
        : { indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' },
  );

  const method = structure.signatureMethod ?? '';
  let signedInfo: Buffer | undefined;
  if (structure.signedInfo && structure.canonicalizationMethod) {
    signedInfo = canonicalSignedInfo(
      structure.signedInfo,
      structure.canonicalizationMethod,
      structure.inclusivePrefixes,
    );
  }
  const signer = identifySigner(structure, signedInfo);
  if (!SIGNATURE_ALGORITHMS[method] || !signedInfo) {
    const detail = !SIGNATURE_ALGORITHMS[method]
      ? `signature algorithm ${method || '(none)'} is not supported`
      : `canonicalization ${structure.canonicalizationMethod} is not supported`;
    check('signature-value', false, detail, {
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
    });
  } else if (!structure.signatureValue) {
    check('signature-value', false, 'ds:SignatureValue is missing or not valid base64', {
      indication: 'TOTAL-FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });
  } else {
    // ETSI identifies the signing certificate before checking the value: without it the value cannot be judged.
    const noKey =
      (!!structure.qualifyingProperties && !signer.certificate) ||
      (!signer.certificate && !signer.keyValueOnly && signer.carried.length === 0 && !structure.keyValue);
    check(
      'signature-value',
      signer.signatureValueVerified,
      signer.signatureValueDetail,
      noKey
        ? { indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' }
        : { indication: 'TOTAL-FAILED', subIndication: 'SIG_CRYPTO_FAILURE' },
    );
  }
  return { outcomes, digestsMatch, signer };
}

/** XAdES counter-signatures must each verify and countersign this signature's SignatureValue. */
function checkCounterSignatures(
  structure: SignatureStructure,
  document: Document,
  ids: IdIndex,
  check: CheckFunction,
): boolean {
  if (structure.counterSignatures.length === 0) return true;
  const problems: string[] = [];
  for (const element of structure.counterSignatures) {
    const counter = readSignature(element);
    const outcomes = counter.references.map((reference) => checkReference(reference, element, document, ids));
    const countersigned = counter.references.some(
      (reference, index) =>
        reference.type === COUNTERSIGNED_SIGNATURE_TYPE &&
        'target' in outcomes[index] &&
        outcomes[index].target === structure.signatureValueElement,
    );
    const signedInfo =
      counter.signedInfo && counter.canonicalizationMethod
        ? canonicalSignedInfo(counter.signedInfo, counter.canonicalizationMethod, counter.inclusivePrefixes)
        : undefined;
    const signer = identifySigner(counter, signedInfo);
    const label = `counter-signature ${counter.id ?? ''}`.trim();
    if (!countersigned) problems.push(`${label} does not reference this signature's SignatureValue`);
    const failedReference = outcomes.find((outcome) => outcome.status !== 'match');
    if (failedReference) problems.push(`${label}: ${failedReference.detail}`);
    if (!signer.signatureValueVerified) problems.push(`${label}: ${signer.signatureValueDetail}`);
    if (!signer.bindingHolds) problems.push(`${label}: ${signer.bindingDetail}`);
  }
  const passed = problems.length === 0;
  check(
    'counter-signatures',
    passed,
    passed
      ? `${structure.counterSignatures.length} counter-signature(s) verify and countersign this signature`
      : problems.join('; '),
    { indication: 'TOTAL-FAILED', subIndication: 'SIG_CRYPTO_FAILURE' },
  );
  return passed;
}

function judgeCertificate(
  certificate: Certificate,
  signer: SignerIdentification,
  store: TrustStore | undefined,
  time: Date,
  timeProven: boolean,
  check: CheckFunction,
): CertificationPath | undefined {
  if (!store || store.anchors.length === 0) {
    check('trust-chain', false, 'no trust anchors configured: the signer cannot be trusted', {
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
    return undefined;
  }
  const intermediates = [...signer.carried, ...store.anchors.map((anchor) => anchor.certificate)];
  const path = buildCertificationPath(certificate, intermediates, store.anchors);
  if (!path.anchor) {
    check('trust-chain', false, path.problem ?? 'no chain to a trust anchor', {
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
    return path;
  }
  check(
    'trust-chain',
    true,
    `${path.certificates.map((c) => c.subject).join(' → ')} (anchor from ${path.anchor.source}${path.anchor.service ? `, trusted-list service "${path.anchor.service.name}"` : ''})`,
  );

  const at = `${time.toISOString()} (${timeProven ? 'signature timestamp' : 'claimed signing time'})`;
  const notYet = path.certificates.find((c) => c.notBefore.getTime() > time.getTime());
  const expired = path.certificates.find((c) => c.notAfter.getTime() < time.getTime());
  if (notYet) {
    check(
      'certificate-validity',
      false,
      `${describeCertificate(notYet)} is not valid before ${notYet.notBefore.toISOString()}, after the signing time ${at}`,
      {
        indication: 'TOTAL-FAILED',
        subIndication: 'NOT_YET_VALID',
      },
    );
  } else if (expired) {
    check(
      'certificate-validity',
      false,
      `${describeCertificate(expired)} expired ${expired.notAfter.toISOString()}, before the signing time ${at}`,
      timeProven
        ? { indication: 'TOTAL-FAILED', subIndication: 'EXPIRED' }
        : { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' },
    );
  } else {
    check('certificate-validity', true, `every certificate of the chain is valid at the signing time ${at}`);
  }

  const usage = keyUsageOf(certificate);
  const signs =
    usage === undefined || (usage & (KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation)) !== 0;
  check(
    'key-usage',
    signs,
    usage === undefined
      ? 'the signing certificate has no key usage extension (any use allowed)'
      : signs
        ? `key usage allows signing (${(usage & KEY_USAGE.nonRepudiation) !== 0 ? 'nonRepudiation' : 'digitalSignature'})`
        : 'the signing certificate is not for signatures: its key usage has neither nonRepudiation (contentCommitment) nor digitalSignature',
    { indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' },
  );
  return path;
}

async function judgeRevocation(
  certificate: Certificate,
  path: CertificationPath,
  time: Date,
  timeProven: boolean,
  options: SignatureOptions,
  check: CheckFunction,
  trustData: TrustDataCollector | undefined,
): Promise<void> {
  const issuer = path.certificates[1];
  if (!issuer) {
    check('revocation', true, 'the signing certificate is itself a trust anchor');
    return;
  }
  const status = await checkRevocation(certificate, issuer, {
    crlFiles: options.crls ?? [],
    offline: options.offline === true,
  });
  if (status.status !== 'unknown')
    trustData?.add(
      status.evidence.kind,
      status.source,
      status.evidence.der,
      'revocation of the signing certificate',
    );
  if (status.status === 'unknown') {
    check('revocation', false, `no revocation information: ${status.reasons.join('; ')}`, {
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
    });
  } else if (status.status === 'good') {
    check('revocation', true, `not revoked (${status.source})`);
  } else if (status.revokedAt.getTime() <= time.getTime()) {
    check(
      'revocation',
      false,
      `revoked ${status.revokedAt.toISOString()}, before the signing time ${time.toISOString()} (${status.source})`,
      {
        indication: 'TOTAL-FAILED',
        subIndication: 'REVOKED',
      },
    );
  } else {
    check(
      'revocation',
      true,
      `revoked ${status.revokedAt.toISOString()}, after the signing time ${time.toISOString()}${timeProven ? '' : ' (claimed, not proven by a timestamp)'}: the signature was made before revocation (${status.source})`,
    );
  }
}

function judgeQualified(
  certificate: Certificate,
  structure: SignatureStructure,
  path: CertificationPath,
  time: Date,
  store: TrustStore | undefined,
  check: CheckFunction,
): boolean {
  const reasons: string[] = [];
  if (!structure.qualifyingProperties) reasons.push('plain XMLDSig without XAdES is at most advanced');
  const service = path.anchor?.service ? serviceStatusAt(path.anchor, time) : undefined;
  if (!path.anchor?.service) {
    const unused = store?.warnings.map((warning) => `${warning.list}: ${warning.code}`) ?? [];
    reasons.push(
      `the chain does not lead to a trusted-list CA/QC service${unused.length ? ` (trusted lists not used: ${unused.join(', ')})` : ''}`,
    );
  } else if (!isGrantedQualifiedCa(service)) {
    reasons.push(
      `the trusted-list service "${path.anchor.service.name}" was not a granted CA/QC at ${time.toISOString()} (status ${service?.status ?? 'none yet'})`,
    );
  }
  const statements = qualifiedStatementsOf(certificate);
  if (statements.problem) reasons.push(statements.problem);
  if (!statements.compliance) reasons.push('no QcCompliance statement');
  const qscdPolicy =
    statements.policies.includes(QCP.naturalQscd) || statements.policies.includes(QCP.legalQscd);
  if (!statements.sscd && !qscdPolicy)
    reasons.push('no QcSSCD statement or QCP-n-qscd / QCP-l-qscd policy (key not on a QSCD)');
  if (statements.types.length && !statements.types.some((type) => type === 'esign' || type === 'eseal')) {
    reasons.push(`QcType ${statements.types.join(',')} is neither esign nor eseal`);
  }
  const usage = keyUsageOf(certificate);
  if (usage !== undefined && (usage & KEY_USAGE.nonRepudiation) === 0)
    reasons.push('key usage lacks nonRepudiation');
  const passed = reasons.length === 0;
  const kind = statements.types.includes('eseal')
    ? 'qualified electronic seal'
    : 'qualified electronic signature';
  check(
    'qualified',
    passed,
    passed
      ? `${kind}: QcCompliance, QcSSCD, granted CA/QC service at the signing time`
      : `not qualified: ${reasons.join('; ')}`,
  );
  return passed;
}

/**
 * Every ds:Signature element from the root down, in document order: what getElementsByTagNameNS returns, without
 * building its live list (a walk that cost as much as checking the CRL).
 */
function dsigSignatures(root: Element): Element[] {
  const found: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length) {
    const element = stack.pop() as Element;
    if (element.localName === 'Signature' && element.namespaceURI === XMLDSIG_NS) found.push(element);
    for (let node = element.lastChild; node; node = node.previousSibling)
      if (node.nodeType === 1) stack.push(node as Element);
  }
  return found;
}

function hasSignatureAncestor(element: Element): boolean {
  for (let node = element.parentNode; node; node = node.parentNode) {
    const candidate = node as Element;
    if (node.nodeType === 1 && candidate.localName === 'Signature' && candidate.namespaceURI === XMLDSIG_NS)
      return true;
  }
  return false;
}

function failed(
  present: boolean,
  checks: SignatureCheck[],
  indication: Indication,
  subIndication: SubIndication,
): SignatureReport {
  return { present, intact: false, level: 'none', checks, indication, subIndication };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
