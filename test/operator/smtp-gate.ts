import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/**
 * A real SMTP server for the operator tests that answers RCPT TO as told: refuses an address for good (550),
 * defers it (451, so the sender retries), or accepts and keeps the message.
 */
export interface SmtpGate {
  url: string;
  refuse(address: string): void;
  defer(address: string): void;
  accept(address: string): void;
  /** Messages accepted so far, by recipient. */
  received(address: string): { subject: string; text: string }[];
  /** RCPT TO commands seen for the address (each send attempt is one). */
  attempts(address: string): number;
  stop(): Promise<void>;
}

export async function startSmtpGate(): Promise<SmtpGate> {
  const answers = new Map<string, 'refuse' | 'defer'>();
  const attempts = new Map<string, number>();
  const messages: { to: string[]; subject: string; text: string }[] = [];
  const key = (address: string) => address.toLowerCase();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = key(address.address);
      attempts.set(to, (attempts.get(to) ?? 0) + 1);
      const answer = answers.get(to);
      if (answer === 'refuse') {
        const error = Object.assign(new Error('5.1.1 no such user here'), { responseCode: 550 });
        return callback(error);
      }
      if (answer === 'defer') {
        const error = Object.assign(new Error('4.2.0 mailbox busy, try later'), { responseCode: 451 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => key(r.address)),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    refuse: (a) => void answers.set(key(a), 'refuse'),
    defer: (a) => void answers.set(key(a), 'defer'),
    accept: (a) => void answers.delete(key(a)),
    received: (a) => messages.filter((m) => m.to.includes(key(a))),
    attempts: (a) => attempts.get(key(a)) ?? 0,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
