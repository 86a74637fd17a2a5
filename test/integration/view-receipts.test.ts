import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Issuer } from '../../db/issuers';
import { readArchiveKeys } from '../../platform/archive-keys';
import {
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  registeredPerson,
  startDisputeHub,
  type DisputeHub,
} from '../support/dispute-hub';
import { addTestIssuer, eventually, mailsTo, uniqueEmail } from '../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
const XADES_SIGNED_PROPERTIES_ID = 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties';

describe('the signed return receipt: a view becomes a document signed by the hub’s archive key', () => {
  let hub: DisputeHub;
  let issuer: Issuer;
  let apiKey: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'view-receipts-'));

  beforeAll(async () => {
    hub = await startDisputeHub();
    ({ issuer, apiKey } = await addTestIssuer(hub.db, uniqueEmail('receipts-issuer')));
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const verify = (file: string) =>
    run(process.execPath, [HUB, 'verify', file], {
      env: { ...process.env, DATA_DIR: hub.config.dataDir },
    }).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
    );

  test('viewed once: the issuer’s mail carries it, the API and the portal give the same bytes, and it verifies with bin/hub verify and xmlsec1; an edited copy does not', async () => {
    const recipient = uniqueEmail('receipt');
    const { invoice } = await deliverInvoice(hub, issuer, recipient);
    const api = (route: string) =>
      fetch(`${hub.baseUrl}/api/v1/invoices/${invoice.id}${route}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
    expect((await api('/receipt')).status).toBe(404);

    await registeredPerson(hub, recipient);
    const visitor = await loggedIn(hub, recipient);
    const viewed = await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, undefined, {
      'user-agent': 'receipt-test-browser/1.0',
    });
    expect(viewed.status).toBeLessThan(300);

    const mail = await eventually(
      async () => (await mailsTo(issuer.email)).find((m) => m.attachments.length > 0),
      60_000,
      'the receipt mail with its attachment',
    );
    expect(mail.attachments).toHaveLength(1);
    // The invoice's facts, its due date among them (the factory's invoices are due 2026-12-20).
    expect(mail.text).toContain('Падеж / Due date: 2026-12-20');
    expect(mail.html).toContain('Падеж / Due date: 2026-12-20');
    const attached = mail.attachments[0];
    expect(attached.filename).toBe(`receipt-${invoice.number}.xml`);
    const text = attached.content.toString('utf8');
    expect(text).toContain(`<SHA256>${invoice.sha256}</SHA256>`);
    expect(text).toContain(`<Email>${recipient}</Email>`);
    expect(text).toContain('<UserAgent>receipt-test-browser/1.0</UserAgent>');
    expect(text).toMatch(/<ds:Signature[\s\S]*<\/ViewReceipt>/);

    const fromApi = await api('/receipt');
    expect(fromApi.status).toBe(200);
    expect(Buffer.from(await fromApi.arrayBuffer()).equals(attached.content)).toBe(true);
    const clerk = await registeredPerson(hub, uniqueEmail('receipt-clerk'));
    await makeIssuerMember(hub, issuer.id, clerk.id);
    const portal = await (
      await loggedIn(hub, clerk.email)
    ).call('GET', `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/receipt`);
    expect(portal.status).toBe(200);
    expect(portal.text).toBe(text);
    const page = await (
      await loggedIn(hub, clerk.email)
    ).call('GET', `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}`);
    expect(JSON.parse(page.text).links.signedReceipt).toBe(
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/receipt`,
    );

    const file = path.join(work, 'receipt.xml');
    fs.writeFileSync(file, attached.content);
    const verified = await verify(file);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('signed view receipt, VALID');
    expect(verified.stdout).toContain("signed by this hub's archive key");
    expect(verified.stdout).toContain(invoice.sha256);

    const certificate = path.join(work, 'archive.pem');
    fs.writeFileSync(certificate, readArchiveKeys(hub.config.dataDir)?.archive.certificatePem as string);
    const xmlsec = await run('xmlsec1', [
      '--verify',
      '--id-attr:Id',
      XADES_SIGNED_PROPERTIES_ID,
      '--trusted-pem',
      certificate,
      file,
    ]);
    expect(xmlsec.stderr).toContain('OK');

    const edited = path.join(work, 'edited.xml');
    fs.writeFileSync(
      edited,
      text.replace(`<Email>${recipient}</Email>`, '<Email>someone-else@buyer.example</Email>'),
    );
    const refused = await verify(edited);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('NOT VALID');
    await expect(
      run('xmlsec1', [
        '--verify',
        '--id-attr:Id',
        XADES_SIGNED_PROPERTIES_ID,
        '--trusted-pem',
        certificate,
        edited,
      ]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('FAIL') });

    // Written once: a second view changes nothing, and the stored receipt cannot be altered.
    await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`);
    expect(Buffer.from(await (await api('/receipt')).arrayBuffer()).equals(attached.content)).toBe(true);
    await expect(
      hub.db.query("update view_receipts set sha256 = 'x' where invoice_id = $1", [invoice.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      hub.db.query('delete from view_receipts where invoice_id = $1', [invoice.id]),
    ).rejects.toThrow(/append-only/);
  });
});
