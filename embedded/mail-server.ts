import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { logger } from '../platform/logger';

/**
 * The built-in SMTP server used when no SMTP_URL is configured: a real SMTP listener on localhost
 * that keeps every message it receives as an .eml file, so developers and tests can read what the hub sent.
 */
export interface DevMailServer {
  url: string;
  stop(): Promise<void>;
}

export async function startDevMailServer(storeDir: string, port: number): Promise<DevMailServer> {
  fs.mkdirSync(storeDir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const name = `${Date.now().toString().padStart(14, '0')}-${crypto.randomBytes(6).toString('hex')}.eml`;
        // Write then rename, so a reader never sees half a message.
        const temporary = path.join(storeDir, `.${name}.part`);
        fs.promises
          .writeFile(temporary, raw)
          .then(() => fs.promises.rename(temporary, path.join(storeDir, name)))
          .then(() => callback(), callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', (err) => logger.warn({ component: 'dev-smtp', err }, 'dev SMTP server error'));
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface StoredMail {
  id: string;
  messageId?: string;
  to: string[];
  from: string;
  subject: string;
  date: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
  /** Attached files (the signed view receipt). */
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/** Every message in the dev store, oldest first. */
export async function readMailbox(storeDir: string): Promise<StoredMail[]> {
  let names: string[];
  try {
    names = (await fs.promises.readdir(storeDir)).filter((n) => n.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (name) => {
      const parsed = await simpleParser(await fs.promises.readFile(path.join(storeDir, name)));
      const addresses = (field: typeof parsed.to): string[] =>
        (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) =>
          a.value.map((v) => v.address ?? '').filter(Boolean),
        );
      const headers: Record<string, string> = {};
      for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.key.length + 1).trim();
      return {
        id: name.replace(/\.eml$/, ''),
        messageId: parsed.messageId,
        to: addresses(parsed.to),
        from: parsed.from?.text ?? '',
        subject: parsed.subject ?? '',
        date: (parsed.date ?? new Date(0)).toISOString(),
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : undefined,
        headers,
        attachments: parsed.attachments.map((a) => ({
          filename: a.filename ?? '',
          contentType: a.contentType,
          content: a.content,
        })),
      };
    }),
  );
}
