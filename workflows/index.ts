/** The workflow bundle's entry point: every workflow type the hub's worker runs. */
export { invoiceLifecycle } from './invoice-lifecycle';
export { sftpPickup } from './sftp-pickup';
export { deliverAs2Mdn } from './as2-mdn';
export { statementImport } from './statement-import';
export { archiveSealing } from './archive-sealing';
export { deliverWebhooks } from './webhook-delivery';
