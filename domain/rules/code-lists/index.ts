/**
 * The code lists the EN 16931 code-list rules (BR-CL-*) check values against (ISO, UN/CEFACT, CEF), each with
 * the codes of the CEN EN 16931 validation artefacts 1.3.16, one module per family.
 */
export { ALLOWANCE_REASON_CODES, CHARGE_REASON_CODES } from './allowances-charges';
export { MIME_CODES } from './attachments';
export { CII_COUNTRY_CODES, COUNTRY_CODES, isCountryCode } from './countries';
export { CURRENCY_CODES, isCurrencyCode } from './currencies';
export {
  CII_NOTE_SUBJECT_CODES,
  CREDIT_NOTE_TYPE_CODES,
  INVOICE_TYPE_CODES,
  REFERENCE_QUALIFIER_CODES,
  UBL_NOTE_SUBJECT_CODES,
  VAT_DUE_DATE_TYPE_CODES,
  VAT_POINT_DATE_CODES,
} from './documents';
export { EAS_CODES, ICD_CODES } from './identifier-schemes';
export { ITEM_CLASSIFICATION_CODES, UNIT_CODES } from './items';
export { PAYMENT_MEANS_CODES } from './payments';
export { VAT_CATEGORY_CODES, VAT_EXEMPTION_REASON_CODES } from './vat';
