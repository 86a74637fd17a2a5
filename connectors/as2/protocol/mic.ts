/**
 * The Message Integrity Check a receiver returns in `Received-Content-MIC` (RFC 4130 §7.3.1): a base64 digest of
 * the bytes the sender will digest too, with the algorithm named as RFC 4130 names it.
 */
import { createHash } from 'node:crypto';
import { digestByMic, digestByName, type MicAlgorithm } from './algorithms';

export interface Mic {
  algorithm: MicAlgorithm;
  /** base64 */
  value: string;
}

export function computeMic(bytes: Buffer, algorithm: MicAlgorithm): Mic {
  return { algorithm, value: createHash(digestByMic(algorithm).node).update(bytes).digest('base64') };
}

/** `Received-Content-MIC: <base64>, <algorithm>` */
export function formatMic(mic: Mic): string {
  return `${mic.value}, ${mic.algorithm}`;
}

/** Reads `<base64>, <algorithm>` as peers write it (`sha256`, `SHA1`, with or without a space). */
export function parseMic(text: string): Mic | undefined {
  const [value, name] = text.split(',').map((part) => part.trim());
  const digest = name ? digestByName(name) : undefined;
  return value && digest ? { algorithm: digest.mic, value } : undefined;
}

/**
 * Which digest the MIC is computed with.
 *
 * RFC 4130 §7.3: the sender lists its preferred algorithms in `signed-receipt-micalg`, to be "honored from left to
 * right", so the first one we support wins. A sender that asks for nothing but signed the message has told us its
 * digest in the signature (and the `micalg` parameter): that is the one it computed its own MIC with, so it is the
 * one it can compare. With neither, RFC 4130 gives no rule beyond SHA-1 being the algorithm every AS2 implementation
 * must support, so SHA-1 is the default: the only digest any sender is sure to compute. The gateway may set another
 * per partner.
 */
export function chooseMicAlgorithm(choice: {
  requested?: MicAlgorithm;
  signatureDigest?: MicAlgorithm;
  fallback?: MicAlgorithm;
}): MicAlgorithm {
  return choice.requested ?? choice.signatureDigest ?? choice.fallback ?? 'sha1';
}
