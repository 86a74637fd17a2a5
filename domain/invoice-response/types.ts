/**
 * The Peppol Invoice Response (BIS Invoice Response 3.1, transaction T111) as plain data: what the hub tells an
 * issuer became of one invoice. The code lists are the ones the official T111 rules check against.
 */
import type { Identifier } from '../invoice/model';

/** cbc:CustomizationID of BIS Invoice Response 3.1. */
export const INVOICE_RESPONSE_CUSTOMIZATION_ID = 'urn:fdc:peppol.eu:poacc:trns:invoice_response:3';
/** cbc:ProfileID of BIS Invoice Response 3.1 (rule PEPPOL-T111-B00301 fixes it). */
export const INVOICE_RESPONSE_PROFILE_ID = 'urn:fdc:peppol.eu:poacc:bis:invoice_response:3';

/** Invoice status codes (UNCL4343 subset "UNCL4343-T111"). */
export const RESPONSE_CODES = ['AB', 'IP', 'UQ', 'RE', 'AP', 'CA', 'PD'] as const;
/**
 * AB acknowledged (received, readable, passed the hub's verification), IP in process, UQ under query,
 * RE rejected (final), AP accepted, CA conditionally accepted, PD paid (final).
 */
export type ResponseCode = (typeof RESPONSE_CODES)[number];

/** The statuses that must say why (PEPPOL-T111-R001: at least one clarification code). */
export const STATUSES_NEEDING_A_REASON: ReadonlySet<ResponseCode> = new Set<ResponseCode>(['UQ', 'RE', 'CA']);

/** OpenPeppol "Status Clarification Reason" list (listID `OPStatusReason`). */
export const CLARIFICATION_REASON_CODES = [
  'NON', // no issue: the response only updates the status
  'REF', // references incorrect (e.g. the preceding invoice a credit note must name)
  'LEG', // legal information incorrect (not according to legal requirements)
  'REC', // receiver unknown
  'QUA', // item quality insufficient
  'DEL', // delivery issues
  'PRI', // prices incorrect
  'QTY', // quantity incorrect
  'ITM', // items incorrect
  'PAY', // payment terms incorrect
  'UNR', // commercial transaction not recognised
  'FIN', // finance terms incorrect
  'PPD', // partially paid: only with status PD, and with a text (PEPPOL-T111-R004, R005)
  'OTH', // other: the text says what
] as const;
export type ClarificationReasonCode = (typeof CLARIFICATION_REASON_CODES)[number];

/** OpenPeppol "Status Clarification Action" list (listID `OPStatusAction`): what the issuer is asked to do. */
export const CLARIFICATION_ACTION_CODES = [
  'NOA', // no action required
  'PIN', // provide information, without re-issuing the invoice
  'NIN', // issue a new, corrected invoice
  'CNF', // credit fully: cancel the invoice with a credit note
  'CNP', // credit partially, for the corrections only
  'CNA', // credit the amount: repay what was paid on the invoice
  'OTH', // other: the text says what
] as const;
export type ClarificationActionCode = (typeof CLARIFICATION_ACTION_CODES)[number];

/**
 * One reason for the status, e.g. one failed rule of a rejection. Each becomes one cac:Status with a code and the
 * text. A reason without a code is sent as `OTH` ("reason for status is not defined by code") with the text: the
 * BIS lets a status carry text only, but a rejection must carry at least one code (PEPPOL-T111-R001), and coding
 * every reason keeps the response uniform for the issuer's software.
 *
 * Choosing a code for the hub's own findings: a Bulgarian VAT Act finding (Art. 114 content, numbering, rates
 * and their legal ground) is `LEG`; a missing or wrong reference to the corrected invoice (BR-55, Art. 115) or
 * the order is `REF`; an unknown recipient is `REC`; an EN 16931 calculation or syntax rule (BR-CO-15 …) or a
 * failed signature has no code of its own in the list and stays `OTH`, its text naming the rule.
 */
export interface StatusReason {
  code?: ClarificationReasonCode;
  /** For a person: the rule and what is wrong, e.g. "BR-CO-15: total with VAT must equal …". */
  text: string;
}

/** What the issuer is asked to do, e.g. `NIN` after a rejection: send a corrected invoice under a new number. */
export interface RequestedAction {
  code: ClarificationActionCode;
  text?: string;
}

/** A Peppol electronic address (cbc:EndpointID); `scheme` is an EAS code, e.g. `9926` (Bulgarian VAT) or `EM`. */
export interface ElectronicAddress {
  value: string;
  scheme: string;
}

/**
 * The sender or receiver of the response. BIS 3.1 wants both the electronic address and the registered name of
 * each. The name is always known, so it is required. The address is given when known: a party without one (or
 * with an address scheme outside Peppol's EAS list, such as `EM` for e-mail, which EN 16931 has and Peppol's
 * list lacks) still gets a well-formed UBL response, but one that fails PEPPOL-T111-B00801 / B02001 (missing) or
 * B00902 / B02102 (scheme), both fatal, so it suits the hub's own channels (SFTP), not a Peppol access point.
 * A Bulgarian VAT number is a Peppol address with scheme `9926`.
 */
export interface ResponseParty {
  /** cac:PartyLegalEntity/cbc:RegistrationName. */
  name: string;
  electronicAddress?: ElectronicAddress;
  /** A party identifier (cac:PartyIdentification), scheme from the ISO 6523 ICD list. */
  identifier?: Identifier;
}

/** The invoice being answered (cac:DocumentReference). */
export interface AnsweredInvoice {
  /** BT-1. */
  number: string;
  /** BT-2, YYYY-MM-DD. */
  issueDate: string;
  /** BT-3 (UNTDID 1001): 380 invoice, 381 credit note, 383 debit note … */
  typeCode: string;
}

export interface InvoiceResponseInput {
  /** cbc:ID; deterministic, chosen by the caller (e.g. derived from the invoice id and the status). */
  id: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** HH:MM:SS, optionally with fractions and a zone (xs:time), e.g. `10:15:00+02:00`. */
  issueTime: string;
  responseCode: ResponseCode;
  /** When the status became effective (AB: verified, AP: viewed, PD: paid), YYYY-MM-DD. */
  effectiveDate: string;
  /** Why; required for UQ, RE and CA. Order is kept. */
  reasons?: StatusReason[];
  actions?: RequestedAction[];
  invoice: AnsweredInvoice;
  /** The party answering: the invoice's buyer. */
  sender: ResponseParty;
  /** The party told: the invoice's issuer (seller). */
  receiver: ResponseParty;
}
