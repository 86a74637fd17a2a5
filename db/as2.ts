import type { PoolClient } from 'pg';
import { withTransaction, type Db } from './index';

/** An issuer as an AS2 trading partner: its AS2 id, what the hub requires of its messages, and its certificates. */
export interface As2Partner {
  issuerId: string;
  as2Id: string;
  requireSignature: boolean;
  requireEncryption: boolean;
  certificates: As2PartnerCertificate[];
}

export interface As2PartnerCertificate {
  usage: 'signing' | 'encryption';
  fingerprint: string;
  pem: string;
  notBefore: Date;
  notAfter: Date;
}

interface PartnerRow {
  issuer_id: string;
  as2_id: string;
  require_signature: boolean;
  require_encryption: boolean;
}

export async function setAs2Partner(
  db: Db,
  partner: Omit<As2Partner, 'certificates'>,
  certificates: As2PartnerCertificate[],
): Promise<void> {
  await withTransaction(db, async (client) => {
    await client.query(
      `insert into as2_partners (issuer_id, as2_id, require_signature, require_encryption) values ($1, $2, $3, $4)
       on conflict (issuer_id) do update set as2_id = excluded.as2_id, require_signature = excluded.require_signature,
         require_encryption = excluded.require_encryption, updated_at = now()`,
      [partner.issuerId, partner.as2Id, partner.requireSignature, partner.requireEncryption],
    );
    // Adding a certificate keeps the earlier ones: during a rollover both are valid until the old one expires.
    for (const cert of certificates) {
      await client.query(
        `insert into as2_partner_certificates (issuer_id, usage, fingerprint, pem, not_before, not_after)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [partner.issuerId, cert.usage, cert.fingerprint, cert.pem, cert.notBefore, cert.notAfter],
      );
    }
  });
}

export async function removeAs2Certificate(db: Db, issuerId: string, fingerprint: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'delete from as2_partner_certificates where issuer_id = $1 and fingerprint = $2',
    [issuerId, fingerprint],
  );
  return (rowCount ?? 0) > 0;
}

async function withCertificates(db: Db | PoolClient, row: PartnerRow | undefined) {
  if (!row) return undefined;
  const { rows } = await db.query<{
    usage: 'signing' | 'encryption';
    fingerprint: string;
    pem: string;
    not_before: Date;
    not_after: Date;
  }>('select * from as2_partner_certificates where issuer_id = $1 order by added_at', [row.issuer_id]);
  return {
    issuerId: row.issuer_id,
    as2Id: row.as2_id,
    requireSignature: row.require_signature,
    requireEncryption: row.require_encryption,
    certificates: rows.map((r) => ({
      usage: r.usage,
      fingerprint: r.fingerprint,
      pem: r.pem,
      notBefore: r.not_before,
      notAfter: r.not_after,
    })),
  } satisfies As2Partner;
}

export async function findAs2PartnerByAs2Id(db: Db, as2Id: string): Promise<As2Partner | undefined> {
  const { rows } = await db.query<PartnerRow>('select * from as2_partners where as2_id = $1', [as2Id]);
  return withCertificates(db, rows[0]);
}

export async function getAs2Partner(db: Db, issuerId: string): Promise<As2Partner | undefined> {
  const { rows } = await db.query<PartnerRow>('select * from as2_partners where issuer_id = $1', [issuerId]);
  return withCertificates(db, rows[0]);
}

/** An AS2 message the hub processed, with the MDN it answered. */
export interface ProcessedAs2Message {
  as2From: string;
  messageId: string;
  issuerId: string;
  deliveryId: string;
  mdnHeaders: Record<string, string>;
  mdnBody: Buffer;
  mdnUrl?: string;
  mdnDeliveredAt?: Date;
}

interface MessageRow {
  as2_from: string;
  message_id: string;
  issuer_id: string;
  delivery_id: string;
  mdn_headers: Record<string, string>;
  mdn_body: Buffer;
  mdn_url: string | null;
  mdn_delivered_at: Date | null;
}

const toMessage = (row: MessageRow): ProcessedAs2Message => ({
  as2From: row.as2_from,
  messageId: row.message_id,
  issuerId: row.issuer_id,
  deliveryId: row.delivery_id,
  mdnHeaders: row.mdn_headers,
  mdnBody: row.mdn_body,
  mdnUrl: row.mdn_url ?? undefined,
  mdnDeliveredAt: row.mdn_delivered_at ?? undefined,
});

export async function findAs2Message(
  db: Db,
  as2From: string,
  messageId: string,
): Promise<ProcessedAs2Message | undefined> {
  const { rows } = await db.query<MessageRow>(
    'select * from as2_messages where as2_from = $1 and message_id = $2',
    [as2From, messageId],
  );
  return rows[0] && toMessage(rows[0]);
}

/**
 * Keeps the MDN a processed message was answered with. Two copies of one message processed at once both build an
 * MDN; the first kept wins, and both answer with it.
 */
export async function recordAs2Message(db: Db, message: ProcessedAs2Message): Promise<ProcessedAs2Message> {
  await db.query(
    `insert into as2_messages (as2_from, message_id, issuer_id, delivery_id, mdn_headers, mdn_body, mdn_url)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
    [
      message.as2From,
      message.messageId,
      message.issuerId,
      message.deliveryId,
      message.mdnHeaders,
      message.mdnBody,
      message.mdnUrl ?? null,
    ],
  );
  return (await findAs2Message(db, message.as2From, message.messageId)) as ProcessedAs2Message;
}

export async function markAs2MdnDelivered(db: Db, as2From: string, messageId: string): Promise<void> {
  await db.query('update as2_messages set mdn_delivered_at = now() where as2_from = $1 and message_id = $2', [
    as2From,
    messageId,
  ]);
}
