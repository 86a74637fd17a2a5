/**
 * The sender's receipt request, `Disposition-Notification-Options` (RFC 4130 §7.3, RFC 3798 §2.2):
 *
 *   signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1
 *
 * Each parameter is `name=importance, value *("," value)`; importance is "required" or "optional".
 */
import { digestByName, type MicAlgorithm } from './algorithms';

export type Importance = 'required' | 'optional';

export interface DispositionOption {
  importance: Importance;
  /** Lower-case, as listed. */
  values: string[];
}

export interface DispositionNotificationOptions {
  signedReceiptProtocol?: DispositionOption;
  signedReceiptMicalg?: DispositionOption;
  /** Every parameter, including unknown ones, by lower-case name. */
  parameters: Record<string, DispositionOption>;
  /** A signed receipt is requested when the protocol names pkcs7-signature. */
  signedReceiptRequested: boolean;
  /** The first listed MIC algorithm we support (md5 is skipped), if any. */
  micAlgorithm?: MicAlgorithm;
}

export function parseDispositionNotificationOptions(
  header: string | undefined,
): DispositionNotificationOptions {
  const parameters: Record<string, DispositionOption> = {};
  for (const parameter of (header ?? '').split(';')) {
    const equals = parameter.indexOf('=');
    if (equals < 0) continue;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    const values = parameter
      .slice(equals + 1)
      .split(',')
      .map((value) => value.trim().replace(/^"|"$/g, '').toLowerCase())
      .filter(Boolean);
    // Some senders leave the importance out; RFC 3798 makes it mandatory, so assume the lenient reading.
    const importance: Importance = values[0] === 'required' ? 'required' : 'optional';
    if (values[0] === 'required' || values[0] === 'optional') values.shift();
    if (name) parameters[name] = { importance, values };
  }
  const signedReceiptProtocol = parameters['signed-receipt-protocol'];
  const signedReceiptMicalg = parameters['signed-receipt-micalg'];
  const micAlgorithm = signedReceiptMicalg?.values
    .map((value) => digestByName(value)?.mic)
    .find((mic): mic is MicAlgorithm => mic !== undefined);
  return {
    signedReceiptProtocol,
    signedReceiptMicalg,
    parameters,
    signedReceiptRequested: !!signedReceiptProtocol?.values.includes('pkcs7-signature'),
    micAlgorithm,
  };
}
