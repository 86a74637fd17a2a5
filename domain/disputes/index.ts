/**
 * Disputes: a recipient contests an invoice, both sides write in one thread, the issuer decides, a credit note
 * closes an upheld dispute. Plain rules shared by the workflow's validators, the gateway and the portal.
 */
export * from './categories';
export * from './attachments';
export * from './rules';
