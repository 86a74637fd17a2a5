/**
 * Invoice Response: the Peppol BIS Invoice Response 3.1 message (UBL 2.1 ApplicationResponse) that tells an issuer
 * what became of an invoice: AB acknowledged, RE rejected with every reason, AP accepted (viewed), PD paid.
 */
export { buildInvoiceResponse, UBL_NAMESPACES } from './build';
export { InvoiceResponseError, type InvoiceResponseErrorCode } from './check-input';
export * from './types';
