import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
} from '../support/browser';
import { makeUblInvoice, nextInvoiceNumber, payableOf } from '../support/invoice-factory';
import { eventually, randomEik, uniqueEmail } from '../support/hub';
import { launchHub, type HubUnderTest } from '../support/running-hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`end-to-end journey skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

interface DevMail {
  to: string[];
  subject: string;
  text: string;
}

describeBrowser(
  'an invoice from the API to the recipient’s screen, on the hub exactly as `npm start` runs it',
  () => {
    let hub: HubUnderTest;
    let browser: BrowserSession;

    beforeAll(async () => {
      hub = await launchHub({ embedded: true });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.stop();
    });

    const hubCli = (...args: string[]) => run(process.execPath, [HUB, ...args], { env: hub.env });
    const mailbox = async (): Promise<DevMail[]> => (await fetch(`${hub.url}/dev/mail`)).json();

    test('submit, mail, restart, register in the browser, view, and the issuer gets the receipt', async () => {
      // An issuer, made with the CLI against the running hub's own database; an invalid EIK is refused.
      await expect(
        hubCli('issuer', 'add', '--name', 'Bad', '--eik', '123456789', '--email', 'x@y.example'),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining('not a valid EIK'),
      });
      const issuerEmail = uniqueEmail('issuer');
      const { stdout } = await hubCli(
        'issuer',
        'add',
        '--name',
        'Топлофикация ЕАД',
        '--eik',
        randomEik(),
        '--email',
        issuerEmail,
      );
      const { apiKey } = JSON.parse(stdout) as { id: string; apiKey: string };

      // The invoice goes in over HTTP (bin/hub submit posts to the API).
      const recipient = uniqueEmail('e2e');
      const number = nextInvoiceNumber();
      const xml = makeUblInvoice({ number, buyerEmail: recipient, buyerName: 'Клиент ООД', lines: 3 });
      const file = path.join(hub.env.DATA_DIR as string, `${number}.xml`);
      fs.writeFileSync(file, xml);
      const submitted = await hubCli('submit', '--url', hub.url, '--api-key', apiKey, file);
      const [, httpStatus, invoiceId] = submitted.stdout.trim().split('\t');
      expect(httpStatus).toBe('202');

      // The recipient's mail arrives at the SMTP server with an invitation link.
      const invitation = await eventually(
        async () => (await mailbox()).find((m) => m.to.includes(recipient)),
        60_000,
        'mail',
      );
      const link = /(http:\/\/\S+\/invite\/\S+)/.exec(invitation.text)?.[1] as string;
      expect(link).toContain(`?invoice=${invoiceId}`);

      // A restart keeps the invoice and resumes its workflow.
      await hub.restart();
      const status = await hubCli('status', '--url', hub.url, '--api-key', apiKey, '--json', invoiceId);
      const detail = JSON.parse(status.stdout);
      expect(detail.status).toBe('awaiting view');
      const workflowUrl: string = detail.links.workflow;

      // Following the invoice link without logging in shows the login and does not count as a view.
      const { page } = browser;
      await page.goto(`${hub.url}/invoices/${invoiceId}`);
      await page.waitForURL(/\/login/);
      expect(
        JSON.parse(
          (await hubCli('status', '--url', hub.url, '--api-key', apiKey, '--json', invoiceId)).stdout,
        ).viewedAt,
      ).toBeNull();

      // The invitation: choose a password, land on the invoice, read it.
      await page.goto(link);
      await page.fill('#invite-password', 'my invoices, my password');
      await page.fill('#invite-repeated', 'my invoices, my password');
      await page.click('button[type=submit]');
      await page.waitForURL(new RegExp(`/invoices/${invoiceId}`));
      await page.getByText(number).first().waitFor();
      const text = await visibleText(page);
      expect(text).toContain('Електроснабдяване ЕАД');
      expect(text).toContain('Клиент ООД');
      expect(text).toContain('Service 2');
      expect(text.replace(/[\s\u202f\u00a0]/g, '')).toContain(payableOf(xml).replace('.', ','));

      // The authenticated view is the return receipt: the workflow moves to viewed and the issuer is mailed.
      const receipt = await eventually(
        async () => (await mailbox()).find((m) => m.to.includes(issuerEmail)),
        60_000,
        'receipt',
      );
      expect(receipt.subject).toContain(number);
      expect(receipt.text).toContain(recipient);
      const viewed = await eventually(async () => {
        const d = JSON.parse(
          (await hubCli('status', '--url', hub.url, '--api-key', apiKey, '--json', invoiceId)).stdout,
        );
        return d.status === 'viewed' && d;
      });
      expect(viewed.viewedAt).not.toBeNull();

      // Operators: the Temporal Web UI serves the workflow's history.
      const ui = new URL(workflowUrl);
      const workflowId = decodeURIComponent(ui.pathname.split('/').pop() as string);
      const history = await fetch(
        `${ui.origin}/api/v1/namespaces/default/workflows/${encodeURIComponent(workflowId)}/history`,
      );
      expect(history.status).toBe(200);
      expect(JSON.stringify(await history.json())).toContain('invoiceLifecycle');
    });
  },
);
