/**
 * The EPC QR code (EPC069-12, "SEPA credit transfer QR", version 002): the lines a payer's banking app reads to
 * pre-fill a transfer, and its rendering. Bulgarian banking apps read this code; there is no Bulgarian variant.
 *
 *   BCD / 002 / 1 (UTF-8) / SCT / BIC / name / IBAN / EUR12.30 / purpose / RF reference / text / information
 *
 * Plain functions over plain data: the portal, the invoice PDF and the CLI all call the same ones.
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { generate as generateRfReference, validate as isValidRfReference } from 'node-iso11649';
import * as QRCode from 'qrcode';

/** What the payer's bank is asked to pre-fill. */
export interface EpcCreditTransfer {
  /** The beneficiary as the payer's bank shows it: at most 70 characters. */
  name: string;
  /** The beneficiary's IBAN, printed or electronic form ("BG80 BNBG 9661 …" or "BG80BNBG9661…"). */
  iban: string;
  /** The beneficiary bank's BIC: optional in version 002 inside the EEA. */
  bic?: string;
  /** Exact decimal string with at most two decimals, 0.01–999999999.99; without it the payer types the amount. */
  amount?: string;
  /** The code is for euro transfers only; anything but EUR is refused. Default EUR. */
  currency?: string;
  /** An ISO 20022 purpose code of four letters, e.g. "GDDS". */
  purpose?: string;
  /** A structured creditor reference (ISO 11649, "RF…"). Either this or `text`, never both. */
  reference?: string;
  /** Unstructured remittance text, at most 140 characters. Either this or `reference`, never both. */
  text?: string;
  /** A note shown to the payer, not sent with the transfer: at most 70 characters. */
  information?: string;
}

export type EpcQrErrorCode =
  | 'BAD_NAME'
  | 'BAD_IBAN'
  | 'BAD_BIC'
  | 'BAD_AMOUNT'
  | 'NOT_EUR'
  | 'BAD_PURPOSE'
  | 'BAD_REFERENCE'
  | 'BAD_TEXT'
  | 'REFERENCE_AND_TEXT'
  | 'BAD_INFORMATION'
  | 'TOO_LARGE'
  | 'NOT_AN_EPC_PAYLOAD';

/** Why no EPC code can be made: a sentence for the person who entered the data, and a stable code. */
export class EpcQrError extends Error {
  constructor(
    readonly code: EpcQrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EpcQrError';
  }
}

/** The standard's limit: what a version 13 QR code holds at error correction level M. */
export const EPC_MAX_PAYLOAD_BYTES = 331;
const MAX_AMOUNT_CENTS = 99_999_999_999n;
const AMOUNT = /^(\d{1,9})(?:\.(\d{1,2}))?$/;
// Tabs, line breaks and other control characters would shift every following line of the payload.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * The payload of an EPC QR code, lines joined by "\n". Trailing empty lines are left out, as the standard allows,
 * so a code with a reference ends at the reference line. Refuses, with an `EpcQrError`, anything a bank would
 * reject: a bad IBAN or BIC, a name over 70 characters, an amount out of range, a non-euro currency, a reference
 * and text together, or a payload over 331 bytes of UTF-8.
 */
export function epcQrPayload(transfer: EpcCreditTransfer): string {
  const reference = optional(transfer.reference);
  const text = optional(transfer.text);
  if (reference && text) {
    throw new EpcQrError(
      'REFERENCE_AND_TEXT',
      'an EPC QR code carries either a structured RF reference or remittance text, not both',
    );
  }
  const lines = [
    'BCD',
    '002',
    '1', // character set: UTF-8
    'SCT',
    bicLine(transfer.bic),
    nameLine(transfer.name),
    ibanLine(transfer.iban),
    amountLine(transfer.amount, transfer.currency),
    purposeLine(transfer.purpose),
    reference ? referenceLine(reference) : '',
    text ? limitedLine('BAD_TEXT', 'the remittance text', text, 140) : '',
    limitedLine('BAD_INFORMATION', 'the information for the payer', optional(transfer.information) ?? '', 70),
  ];
  while (lines[lines.length - 1] === '') lines.pop();
  const payload = lines.join('\n');
  assertSize(payload);
  return payload;
}

/**
 * An RF creditor reference (ISO 11649) made from an invoice number, e.g. "0000001234" → "RF…0000001234": what the
 * portal shows as the payment reference when the invoice names none of its own (BT-83). Separators (spaces, "/",
 * "-", ".", "_") are dropped; what remains must be 1–21 Latin letters or digits.
 */
export function creditorReference(invoiceNumber: string): string {
  const core = invoiceNumber.replace(/[\s/\-._]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{1,21}$/.test(core)) {
    throw new EpcQrError(
      'BAD_REFERENCE',
      `no RF reference can be made from invoice number "${invoiceNumber}": it needs 1–21 Latin letters or digits`,
    );
  }
  return generateRfReference(core);
}

/** The EPC code as an SVG document (error correction M, the standard's four-module quiet zone). */
export async function epcQrSvg(payload: string): Promise<string> {
  return QRCode.toString(segmentsOf(payload), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The EPC code as a PNG image; `pixelsPerModule` sets its size (a module is one black or white square). */
export async function epcQrPng(payload: string, options: { pixelsPerModule?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(segmentsOf(payload), {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 4,
    scale: options.pixelsPerModule ?? 4,
  });
}

// The whole payload as one byte-mode segment of UTF-8: what the standard describes and every banking app reads.
// (The library's default would split the text into numeric and alphanumeric runs.)
function segmentsOf(payload: string): QRCode.QRCodeSegment[] {
  if (!payload.startsWith('BCD\n')) {
    throw new EpcQrError(
      'NOT_AN_EPC_PAYLOAD',
      'only an EPC payload (made by epcQrPayload) is rendered as an EPC code',
    );
  }
  assertSize(payload);
  return [{ mode: 'byte', data: Buffer.from(payload, 'utf8') }];
}

function assertSize(payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > EPC_MAX_PAYLOAD_BYTES) {
    throw new EpcQrError(
      'TOO_LARGE',
      `the EPC QR payload is ${bytes} bytes of UTF-8, over the standard's ${EPC_MAX_PAYLOAD_BYTES}: ` +
        'shorten the name, the remittance text or the information',
    );
  }
}

function bicLine(bic: string | undefined): string {
  const value = optional(bic)?.toUpperCase();
  if (value === undefined) return '';
  if (!isValidBIC(value)) throw new EpcQrError('BAD_BIC', `"${bic}" is not a valid BIC`);
  return value;
}

function nameLine(name: string): string {
  const value = name.trim();
  if (!value) throw new EpcQrError('BAD_NAME', 'the beneficiary name is required');
  return limitedLine('BAD_NAME', 'the beneficiary name', value, 70);
}

function ibanLine(iban: string): string {
  const value = electronicFormatIBAN(iban);
  if (!value || !isValidIBAN(value)) throw new EpcQrError('BAD_IBAN', `"${iban}" is not a valid IBAN`);
  return value;
}

function amountLine(amount: string | undefined, currency = 'EUR'): string {
  if (currency.trim().toUpperCase() !== 'EUR') {
    throw new EpcQrError('NOT_EUR', `the EPC QR code is for euro transfers only, not ${currency}`);
  }
  const value = optional(amount);
  if (value === undefined) return '';
  const match = AMOUNT.exec(value);
  if (!match) {
    throw new EpcQrError('BAD_AMOUNT', `"${amount}" is not an amount with at most two decimals and a dot`);
  }
  const [, whole, fraction = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (cents < 1n || cents > MAX_AMOUNT_CENTS) {
    throw new EpcQrError('BAD_AMOUNT', `the amount must be 0.01–999999999.99 EUR, not ${amount}`);
  }
  return `EUR${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

function purposeLine(purpose: string | undefined): string {
  const value = optional(purpose)?.toUpperCase();
  if (value === undefined) return '';
  if (!/^[A-Z0-9]{4}$/.test(value)) {
    throw new EpcQrError('BAD_PURPOSE', `"${purpose}" is not a four-letter ISO 20022 purpose code`);
  }
  return value;
}

function referenceLine(reference: string): string {
  const value = reference.replace(/\s/g, '').toUpperCase();
  if (!isValidRfReference(value)) {
    throw new EpcQrError('BAD_REFERENCE', `"${reference}" is not a valid RF creditor reference (ISO 11649)`);
  }
  return value;
}

function limitedLine(code: EpcQrErrorCode, what: string, value: string, maxCharacters: number): string {
  if (CONTROL.test(value)) throw new EpcQrError(code, `${what} must be one line without control characters`);
  const length = [...value].length;
  if (length > maxCharacters) {
    throw new EpcQrError(code, `${what} has ${length} characters; at most ${maxCharacters} are allowed`);
  }
  return value;
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
