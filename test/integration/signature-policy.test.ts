import type { Issuer } from '../../db/issuers';
import { signInvoice } from '../../domain/signature';
import { acceptInvoice } from '../../intake';
import { statusQuery } from '../../workflows/messages';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { createTestPki, type TestPki, type TestSigner } from '../support/pki';

describe('the lifecycle verifies signatures under SIGNATURE_POLICY=qualified with a trusted list', () => {
  let pki: TestPki;
  let hub: TestHub;
  let issuer: Issuer;

  beforeAll(async () => {
    pki = await createTestPki();
    hub = await startTestHub({ SIGNATURE_POLICY: 'qualified', TRUST_STORE: pki.trustedListPath });
    issuer = (await addTestIssuer(hub.db)).issuer;
  });
  afterAll(async () => {
    await hub?.stop();
    await pki?.close();
  });

  const signedBy = (signer: TestSigner, xml: string) =>
    signInvoice(xml, { certificatePem: signer.chainPem, privateKeyPem: signer.privateKeyPem });

  async function outcomeOf(xml: string) {
    const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
    const handle = hub.temporal.workflow.getHandle(invoice.workflowId);
    for (;;) {
      const { status, rejectionReasons } = await handle.query(statusQuery);
      if (status === 'rejected' || status === 'awaiting view')
        return { status, reasons: rejectionReasons ?? [] };
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const invoice = () => makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail() });

  test('an invoice with a qualified signature on a trusted chain is accepted and archived with its report', async () => {
    const outcome = await outcomeOf(await signedBy(pki.signers.qualified, invoice()));
    expect(outcome).toEqual({ status: 'awaiting view', reasons: [] });
  });

  test('an unsigned invoice is rejected: the policy requires a signature', async () => {
    const outcome = await outcomeOf(invoice());
    expect(outcome.status).toBe('rejected');
    expect(outcome.reasons.join(' ')).toMatch(/SIG-01/);
  });

  test('a signed invoice altered after signing is rejected with the failed digest', async () => {
    const signed = await signedBy(pki.signers.qualified, invoice());
    const tampered = signed.replace(
      /<cbc:Name>Услуга 1 \/ Service 1<\/cbc:Name>/,
      '<cbc:Name>Something else</cbc:Name>',
    );
    expect(tampered).not.toBe(signed);
    const outcome = await outcomeOf(tampered);
    expect(outcome.status).toBe('rejected');
    expect(outcome.reasons.join(' ')).toMatch(/SIG-02/);
  });

  test('an advanced (not qualified) signature is rejected under the qualified policy', async () => {
    const outcome = await outcomeOf(await signedBy(pki.signers.notQualified, invoice()));
    expect(outcome.status).toBe('rejected');
    expect(outcome.reasons.join(' ')).toMatch(/SIG-05|qualified/);
  });
});
