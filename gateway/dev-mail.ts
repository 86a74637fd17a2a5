import { Router } from 'express';
import { readMailbox } from '../embedded/mail-server';
import { escapeHtml } from '../platform/html';

/** Only with the built-in SMTP server: what the hub has mailed, as JSON and as a page. */
export function createDevMailRouter(storeDir: string): Router {
  const router = Router();
  router.get('/mail', async (_req, res) => {
    const mails = await readMailbox(storeDir);
    res.json(
      mails.map(({ id, to, from, subject, date, text, html, attachments }) => ({
        id,
        to,
        from,
        subject,
        date,
        text,
        html,
        attachments: attachments.map((a) => a.filename),
      })),
    );
  });
  router.get('/mailbox', async (_req, res) => {
    const mails = (await readMailbox(storeDir)).reverse();
    const rows = mails
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p class="meta">To ${escapeHtml(m.to.join(', '))} · ${escapeHtml(m.date)}</p>
<pre>${escapeHtml(m.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</pre></article>`,
      )
      .join('\n');
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>Dev mailbox</title>
<style>body{font-family:Arial,sans-serif;max-width:900px;margin:2em auto;color:#1f2933}article{border:1px solid #d9e2ec;border-radius:6px;padding:0 1em;margin:1em 0}
.meta{color:#52606d}pre{white-space:pre-wrap}</style></head>
<body><h1>Dev mailbox</h1><p>${mails.length} message(s) received by the built-in SMTP server, newest first.</p>${rows}</body></html>`);
  });
  return router;
}
