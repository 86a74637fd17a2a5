/**
 * The one error of the AS2 protocol library. Every refusal names the RFC 4130 / RFC 3798 disposition modifier the
 * negative MDN must carry (`processed/error: <disposition>`), so the gateway never has to guess from a message text.
 */

/** RFC 4130 §7.4.3 / RFC 3798 §3.2.6.3 modifiers a receiver reports for a message it could not accept. */
export type As2Disposition =
  /** The signature does not verify, or its signer is not one of the partner's certificates. */
  | 'authentication-failed'
  /** The message is not encrypted for any of our certificates, or the key or content cannot be decrypted. */
  | 'decryption-failed'
  /** The content does not match the digest the signer signed. */
  | 'integrity-check-failed'
  /** RFC 5402 §5: the zlib stream of a CompressedData is broken (or inflates past the size limit). */
  | 'decompression-failed'
  /** The agreement requires a signature or encryption the message lacks. */
  | 'insufficient-message-security'
  /** Anything else: malformed MIME or CMS, an unsupported algorithm; the message says which. */
  | 'unexpected-processing-error';

export class As2Error extends Error {
  override readonly name = 'As2Error';

  constructor(
    readonly disposition: As2Disposition,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
