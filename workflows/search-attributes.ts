import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes the lifecycle sets, so operators can find an invoice's workflow in the Temporal UI. */
export const InvoiceNumber = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
export const IssuerId = defineSearchAttributeKey('IssuerId', SearchAttributeType.KEYWORD);
export const RecipientEmail = defineSearchAttributeKey('RecipientEmail', SearchAttributeType.KEYWORD);
export const InvoiceStatus = defineSearchAttributeKey('InvoiceStatus', SearchAttributeType.KEYWORD);
/** How the invoice arrived: api, sftp, sftp-pickup, as2. */
export const Channel = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);

export const HUB_SEARCH_ATTRIBUTES = [InvoiceNumber, IssuerId, RecipientEmail, InvoiceStatus, Channel];
