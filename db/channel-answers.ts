import type { PoolClient } from 'pg';
import type { Mailbox } from './deliveries';
import type { Db } from './index';

/** One answer file the hub wrote to an issuer's outbox. */
export interface ChannelAnswer {
  id: number;
  key: string;
  issuerId: string;
  mailbox: Mailbox;
  name: string;
  content: Buffer;
  deliveryId?: string;
  createdAt: Date;
}

interface AnswerRow {
  id: string;
  answer_key: string;
  issuer_id: string;
  mailbox: Mailbox;
  name: string;
  content: Buffer;
  delivery_id: string | null;
  created_at: Date;
}

const toAnswer = (row: AnswerRow): ChannelAnswer => ({
  id: Number(row.id),
  key: row.answer_key,
  issuerId: row.issuer_id,
  mailbox: row.mailbox,
  name: row.name,
  content: row.content,
  deliveryId: row.delivery_id ?? undefined,
  createdAt: row.created_at,
});

/**
 * Writes an answer once by its key (`ack:<delivery>`, `result:<invoice>`, `response:<invoice>:<code>`): a retried
 * write after a crash adds nothing. Returns false when it had been written before.
 */
export async function writeAnswer(
  db: Db | PoolClient,
  answer: {
    key: string;
    issuerId: string;
    mailbox: Mailbox;
    name: string;
    content: Buffer;
    deliveryId?: string;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into channel_answers (answer_key, issuer_id, mailbox, name, content, delivery_id)
     values ($1, $2, $3, $4, $5, $6) on conflict (answer_key) do nothing`,
    [answer.key, answer.issuerId, answer.mailbox, answer.name, answer.content, answer.deliveryId ?? null],
  );
  return rowCount === 1;
}

/** The outbox as the issuer sees it: the newest answer under each name. */
export async function listOutbox(
  db: Db,
  issuerId: string,
  mailbox: Mailbox,
): Promise<{ name: string; size: number; createdAt: Date }[]> {
  const { rows } = await db.query<{ name: string; size: number; created_at: Date }>(
    `select distinct on (name) name, octet_length(content) as size, created_at from channel_answers
      where issuer_id = $1 and mailbox = $2 order by name, id desc`,
    [issuerId, mailbox],
  );
  return rows.map((r) => ({ name: r.name, size: Number(r.size), createdAt: r.created_at }));
}

/** The newest answer under one name, without its content. */
export async function findOutboxFile(
  db: Db,
  issuerId: string,
  mailbox: Mailbox,
  name: string,
): Promise<{ size: number; createdAt: Date } | undefined> {
  const { rows } = await db.query<{ size: number; created_at: Date }>(
    `select octet_length(content) as size, created_at from channel_answers
      where issuer_id = $1 and mailbox = $2 and name = $3 order by id desc limit 1`,
    [issuerId, mailbox, name],
  );
  return rows[0] && { size: Number(rows[0].size), createdAt: rows[0].created_at };
}

export async function readOutboxFile(
  db: Db,
  issuerId: string,
  mailbox: Mailbox,
  name: string,
): Promise<ChannelAnswer | undefined> {
  const { rows } = await db.query<AnswerRow>(
    `select * from channel_answers where issuer_id = $1 and mailbox = $2 and name = $3 order by id desc limit 1`,
    [issuerId, mailbox, name],
  );
  return rows[0] && toAnswer(rows[0]);
}

/** Answers for the issuer's own server that are not written there yet, oldest first. */
export async function unpushedAnswers(db: Db, issuerId: string, limit = 200): Promise<ChannelAnswer[]> {
  const { rows } = await db.query<AnswerRow>(
    `select * from channel_answers where issuer_id = $1 and mailbox = 'pickup' and pushed_at is null
      order by id limit $2`,
    [issuerId, limit],
  );
  return rows.map(toAnswer);
}

export async function markAnswerPushed(db: Db, id: number): Promise<void> {
  await db.query('update channel_answers set pushed_at = now() where id = $1 and pushed_at is null', [id]);
}

/** Every answer written for one delivery, oldest first (tests and operators). */
export async function answersForDelivery(db: Db, deliveryId: string): Promise<ChannelAnswer[]> {
  const { rows } = await db.query<AnswerRow>(
    'select * from channel_answers where delivery_id = $1 order by id',
    [deliveryId],
  );
  return rows.map(toAnswer);
}
