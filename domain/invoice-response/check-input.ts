/**
 * Refuses input that would make a response the Peppol T111 rules reject, so a bad response is caught where it is
 * made (with the field named) instead of being refused by the issuer's access point.
 */
import { CREDIT_NOTE_TYPE_CODES, INVOICE_TYPE_CODES } from '../rules/code-lists';
import {
  CLARIFICATION_ACTION_CODES,
  CLARIFICATION_REASON_CODES,
  RESPONSE_CODES,
  STATUSES_NEEDING_A_REASON,
  type InvoiceResponseInput,
  type ResponseParty,
} from './types';

export type InvoiceResponseErrorCode =
  'MISSING_VALUE' | 'INVALID_DATE' | 'INVALID_TIME' | 'INVALID_CODE' | 'MISSING_REASON';

export class InvoiceResponseError extends Error {
  override readonly name = 'InvoiceResponseError';
  constructor(
    readonly code: InvoiceResponseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function checkInvoiceResponseInput(input: InvoiceResponseInput): void {
  required('id', input.id);
  date('issueDate', input.issueDate);
  time('issueTime', input.issueTime);
  date('effectiveDate', input.effectiveDate);
  oneOf('responseCode', input.responseCode, RESPONSE_CODES);

  required('invoice.number', input.invoice.number);
  date('invoice.issueDate', input.invoice.issueDate);
  if (
    !INVOICE_TYPE_CODES.has(input.invoice.typeCode) &&
    !CREDIT_NOTE_TYPE_CODES.has(input.invoice.typeCode)
  ) {
    throw new InvoiceResponseError(
      'INVALID_CODE',
      `invoice.typeCode "${input.invoice.typeCode}" is not an invoice or credit note type of UNTDID 1001 (380, 381, 383 …)`,
    );
  }
  party('sender', input.sender);
  party('receiver', input.receiver);

  const reasons = input.reasons ?? [];
  reasons.forEach((reason, index) => {
    required(`reasons[${index}].text`, reason.text);
    if (reason.code !== undefined) oneOf(`reasons[${index}].code`, reason.code, CLARIFICATION_REASON_CODES);
    if (reason.code === 'PPD' && input.responseCode !== 'PD') {
      // PEPPOL-T111-R005: "partially paid" only clarifies a PD (paid) status.
      throw new InvoiceResponseError(
        'INVALID_CODE',
        `reasons[${index}]: PPD (partially paid) goes only with PD`,
      );
    }
  });
  (input.actions ?? []).forEach((action, index) => {
    oneOf(`actions[${index}].code`, action.code, CLARIFICATION_ACTION_CODES);
    if (action.text !== undefined) required(`actions[${index}].text`, action.text);
  });
  if (STATUSES_NEEDING_A_REASON.has(input.responseCode) && reasons.length === 0) {
    throw new InvoiceResponseError(
      'MISSING_REASON',
      `a ${input.responseCode} response must give at least one reason (PEPPOL-T111-R001)`,
    );
  }
}

function party(field: string, value: ResponseParty): void {
  required(`${field}.name`, value.name);
  if (value.electronicAddress) {
    required(`${field}.electronicAddress.value`, value.electronicAddress.value);
    // EAS codes are four digits (ISO 6523 ICD based) or two letters (EM, AN …); which of them Peppol takes is
    // its list's business (see ResponseParty), the shape is checked here so the attribute is never empty.
    if (!/^(\d{4}|[A-Z]{2})$/.test(value.electronicAddress.scheme)) {
      throw new InvoiceResponseError(
        'INVALID_CODE',
        `${field}.electronicAddress.scheme "${value.electronicAddress.scheme}" is not an EAS code (e.g. 9926, 0088)`,
      );
    }
  }
  if (value.identifier) {
    required(`${field}.identifier.value`, value.identifier.value);
    if (value.identifier.scheme !== undefined && !/^\d{4}$/.test(value.identifier.scheme)) {
      throw new InvoiceResponseError(
        'INVALID_CODE',
        `${field}.identifier.scheme "${value.identifier.scheme}" is not an ISO 6523 ICD code (four digits)`,
      );
    }
  }
}

// An empty or blank element is fatal in every Peppol document (PEPPOL-COMMON-R001).
function required(field: string, value: string | undefined): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvoiceResponseError('MISSING_VALUE', `${field} is empty`);
  }
}

function oneOf(field: string, value: string, codes: readonly string[]): void {
  if (!codes.includes(value)) {
    throw new InvoiceResponseError('INVALID_CODE', `${field} "${value}" is not one of ${codes.join(', ')}`);
  }
}

function date(field: string, value: string): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  const parsed = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (!match || !parsed || parsed.toISOString().slice(0, 10) !== value) {
    throw new InvoiceResponseError('INVALID_DATE', `${field} "${value}" is not a calendar date YYYY-MM-DD`);
  }
}

function time(field: string, value: string): void {
  const match = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/.test(value ?? '');
  if (!match) {
    throw new InvoiceResponseError('INVALID_TIME', `${field} "${value}" is not a time HH:MM:SS (xs:time)`);
  }
}
