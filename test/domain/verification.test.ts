import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import type { SignatureReport } from '../../domain/signature/types';
import { assembleReport, verifyInvoice } from '../../domain/verification';

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'));

const passedSignature: SignatureReport = {
  present: true,
  intact: true,
  level: 'qualified',
  signer: 'CN=Dostavchik OOD',
  checks: [{ name: 'signature-value', passed: true, detail: 'ok' }],
  indication: 'TOTAL-PASSED',
};

describe('verifyInvoice', () => {
  it('reports an unsigned valid invoice as INDETERMINATE with the reason "no signature" when a signature is required', async () => {
    const report = await verifyInvoice(fixture, { file: 'bg-invoice.xml' });
    expect(report).toMatchObject({
      file: 'bg-invoice.xml',
      indication: 'INDETERMINATE',
      validation: { valid: true, findings: [] },
    });
    expect(report.document).toMatchObject({
      syntax: 'UBL',
      type: 'Invoice 380',
      number: '0000000042',
      issueDate: '2026-02-10',
      total: { amount: '207.20', currency: 'EUR' },
    });
    expect(report.document?.customer.email).toBe('accounts@poluchatel.bg');
    expect(report.signature.present).toBe(false);
    expect(report.signature.checks.find((check) => check.name === 'signature-present')?.detail).toMatch(
      /No signature/,
    );
  });

  it('lets an unsigned valid invoice pass when the signature is optional', async () => {
    expect((await verifyInvoice(fixture, { requireSignature: false })).indication).toBe('TOTAL-PASSED');
  });

  it('fails an invoice with fatal findings, with the findings in the report', async () => {
    const broken = Buffer.from(
      fixture.toString('utf8').replace('<cbc:ID>0000000042</cbc:ID>', '<cbc:ID>42</cbc:ID>'),
    );
    const report = await verifyInvoice(broken, { requireSignature: false });
    expect(report.indication).toBe('TOTAL-FAILED');
    expect(report.subIndication).toBeUndefined();
    expect(report.validation.valid).toBe(false);
    expect(report.validation.findings.map((finding) => finding.ruleId)).toContain('BG-01');
  });

  it('fails a well-formed non-invoice with FORMAT_FAILURE and says what the root element was', async () => {
    const report = await verifyInvoice(
      Buffer.from('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'),
    );
    expect(report).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
      document: null,
    });
    expect(report.validation.findings[0]).toMatchObject({ ruleId: 'HUB-FORMAT', severity: 'fatal' });
    expect(report.validation.findings[0].message).toMatch(/Order-2\}Order/);
  });

  it('never throws on bytes that are not XML, and names the problem', async () => {
    const inputs = [
      new Uint8Array([0xff, 0xfe, 0x00]),
      Buffer.from('%PDF-1.4'),
      new Uint8Array(0),
      Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
    ];
    const reports = await Promise.all(inputs.map((input) => verifyInvoice(input)));
    expect(reports.map((report) => report.indication)).toEqual([
      'TOTAL-FAILED',
      'TOTAL-FAILED',
      'TOTAL-FAILED',
      'TOTAL-FAILED',
    ]);
    expect(reports.map((report) => report.validation.findings[0].ruleId)).toEqual([
      'XML-INVALID_ENCODING',
      'XML-NOT_XML',
      'XML-EMPTY',
      'XML-DTD_FORBIDDEN',
    ]);
    expect(reports.every((report) => report.validation.findings[0].messageBg.length > 0)).toBe(true);
  });
});

describe('assembleReport', () => {
  const invoice = parseInvoice(fixture);
  const fatal = [
    { ruleId: 'BR-CO-15', severity: 'fatal' as const, path: '/Invoice', message: 'm', messageBg: 'м' },
  ];

  it('takes the signature indication when the invoice is valid', () => {
    expect(assembleReport('f', invoice, [], passedSignature)).toMatchObject({
      indication: 'TOTAL-PASSED',
      validation: { valid: true },
    });
  });

  it('fails an invalid invoice even when its signature passes', () => {
    const report = assembleReport('f', invoice, fatal, passedSignature);
    expect(report.indication).toBe('TOTAL-FAILED');
    expect(report.subIndication).toBeUndefined();
  });

  it("keeps the signature's sub-indication when both the invoice and the signature fail", () => {
    const failed: SignatureReport = {
      ...passedSignature,
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    };
    expect(assembleReport('f', invoice, fatal, failed)).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    });
  });

  it('treats warnings as valid', () => {
    const warning = [{ ...fatal[0], severity: 'warning' as const }];
    expect(assembleReport('f', invoice, warning, passedSignature)).toMatchObject({
      indication: 'TOTAL-PASSED',
      validation: { valid: true },
    });
  });
});
