import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PEPPOL_2025_5_VERDICTS, corpusFiles, corpusPresent } from './corpus-support';

const run = promisify(execFile);
const hub = path.resolve(__dirname, '../../bin/hub');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function verify(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [hub, 'verify', ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          file: string;
          indication: string;
          subIndication?: string;
          validation: { valid: boolean };
          signature: { present: boolean };
        },
    );

describe('bin/hub verify', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-verify-'));
  const valid = path.join(__dirname, 'fixtures/bg-invoice.xml');
  const notInvoice = path.join(dir, 'order.xml');
  const notXml = path.join(dir, 'scan.pdf');
  fs.writeFileSync(
    notInvoice,
    '<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>',
  );
  fs.writeFileSync(notXml, '%PDF-1.7\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 2 for a valid unsigned invoice: at most INDETERMINATE, because the hub requires a signature', async () => {
    const result = await verify('--json', valid);
    expect(result.code).toBe(2);
    const [report] = jsonLines(result.stdout);
    expect(report).toMatchObject({
      file: valid,
      indication: 'INDETERMINATE',
      validation: { valid: true },
      signature: { present: false },
    });
    expect(result.stderr).toMatch(/1 file: 0 passed, 0 failed, 1 indeterminate/);
  });

  it('exits 0 for a valid unsigned invoice when signatures are not required', async () => {
    const result = await verify('--json', '--no-require-signature', valid);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0].indication).toBe('TOTAL-PASSED');
  });

  it('exits 1 when any file failed, with one JSON line per file in order', async () => {
    const result = await verify('--json', valid, notInvoice, notXml, path.join(dir, 'missing.xml'));
    expect(result.code).toBe(1);
    const reports = jsonLines(result.stdout);
    expect(
      reports.map((report) => [path.basename(report.file), report.indication, report.subIndication]),
    ).toEqual([
      ['bg-invoice.xml', 'INDETERMINATE', undefined],
      ['order.xml', 'TOTAL-FAILED', 'FORMAT_FAILURE'],
      ['scan.pdf', 'TOTAL-FAILED', 'FORMAT_FAILURE'],
      ['missing.xml', 'TOTAL-FAILED', 'FORMAT_FAILURE'],
    ]);
    expect(result.stderr).toMatch(/4 files: 0 passed, 3 failed, 1 indeterminate/);
  });

  it('prints a readable report and a summary without --json', async () => {
    const result = await verify(notInvoice);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/order\.xml: TOTAL-FAILED \(FORMAT_FAILURE\)/);
    expect(result.stdout).toMatch(/x HUB-FORMAT: The root element is/);
    expect(result.stdout).toMatch(/1 file: 0 passed, 1 failed, 0 indeterminate\n$/);
  });

  (corpusPresent ? it : it.skip)('verifies the EN 16931 example files: valid content, unsigned', async () => {
    const files = corpusFiles('ubl-examples');
    const started = Date.now();
    const result = await verify('--json', ...files);
    const reports = jsonLines(result.stdout);
    expect(reports).toHaveLength(files.length);
    // Valid but for the files the official Peppol 2025.5 artefact itself refuses (issue116.xml: an organisation
    // number without its check digit).
    for (const [index, report] of reports.entries()) {
      const refused = PEPPOL_2025_5_VERDICTS.has(`ubl-examples/${path.basename(files[index]!)}`);
      expect({ file: files[index], valid: report.validation.valid }).toEqual({
        file: files[index],
        valid: !refused,
      });
      expect(report.indication).toBe(refused ? 'TOTAL-FAILED' : 'INDETERMINATE');
    }
    expect(result.code).toBe(1); // a failed file decides the exit code over the indeterminate (unsigned) ones
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
