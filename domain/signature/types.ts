/**
 * The contract of the signature validator (ETSI EN 319 102-1 vocabulary).
 * `verifySignature` in ./index.ts implements it; the invoice report embeds `SignatureReport`.
 */

export type Indication = 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';

/** ETSI EN 319 102-1 sub-indications the hub uses. */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'OUT_OF_BOUNDS_NOT_REVOKED'
  | 'REVOKED'
  | 'REVOKED_NO_POE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'CRYPTO_CONSTRAINTS_FAILURE';

export interface SignatureCheck {
  name: string; // e.g. "signature-value", "reference-digests", "signed-scope", "certificate-binding", "trust-chain", "qualified", "revocation", "timestamp"
  passed: boolean;
  detail: string;
}

export interface SignatureReport {
  present: boolean;
  intact: boolean;
  level: 'qualified' | 'advanced' | 'none';
  signer?: string; // subject DN (or CN) of the signing certificate
  signingTime?: string; // ISO 8601
  trustSnapshot?: string; // names the trust store used (snapshot id, folder/file + digest + TSL sequence number / issue date)
  /** Trusted lists that were not used, and why (unsigned, badly signed, unknown signer, expired). */
  trustWarnings?: TrustWarning[];
  checks: SignatureCheck[];
  /** What the verdict rests on, by SHA-256 (only when `SignatureOptions.collectTrustData` asked for it). */
  trustData?: TrustDatum[];
  indication: Indication;
  subIndication?: SubIndication;
}

export interface SignatureOptions {
  /** Trust anchors: folders of PEM/DER CA certificates and/or ETSI TS 119 612 trusted-list XML files. */
  trust?: string[];
  /**
   * Certificates (PEM/DER files) the operator allows to sign a trusted list no loaded LOTL vouches for: the EU LOTL's
   * signing certificates, or a national list's when it is loaded alone.
   */
  trustedListSigners?: string[];
  /** CRL files (DER or PEM) used for revocation, notably offline. */
  crls?: string[];
  /** No network: no OCSP and no CRL download; revocation only from `crls`. */
  offline?: boolean;
  /** Validation time for "now" checks (defaults to the current time). */
  now?: Date;
  /** Whether a signature is required; when false, an unsigned invoice is not a failure by itself. */
  requireSignature?: boolean;
  /** Receives the bytes of every piece of trust data the verdict rests on (./trust-data.ts), once each. */
  collectTrustData?: (item: TrustMaterial) => void;
}

export type TrustWarningCode =
  | 'TRUSTED_LIST_UNSIGNED'
  | 'TRUSTED_LIST_SIGNATURE_INVALID'
  | 'TRUSTED_LIST_SIGNER_UNKNOWN'
  | 'TRUSTED_LIST_EXPIRED'
  | 'TRUSTED_LIST_UNREADABLE';

/** A trusted list left out of the trust store, with the reason in English and Bulgarian. */
export interface TrustWarning {
  code: TrustWarningCode;
  /** The list's file. */
  list: string;
  message: string;
  messageBg: string;
}

/** One piece of trust data a report rests on. */
export interface TrustDatum {
  kind: 'certificate' | 'trusted-list' | 'trust-anchor' | 'crl' | 'ocsp-response';
  /** The certificate's subject, the file's name, or where the answer came from. */
  name: string;
  sha256: string;
  size: number;
  /** What it was used for: "signer: certification path", "revocation of the signing certificate". */
  purpose: string;
}

export interface TrustMaterial extends TrustDatum {
  bytes: Buffer;
}
