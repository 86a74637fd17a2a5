import type { Command } from 'commander';
import { loadConfig } from '../../platform/config';
import { InvoiceFileError, readInvoiceFile } from './verify';

interface ApiOptions {
  url?: string;
  apiKey?: string;
}

function apiTarget(options: ApiOptions) {
  const apiKey = options.apiKey ?? process.env.HUB_API_KEY;
  if (!apiKey) throw new Error('give the issuer API key with --api-key or HUB_API_KEY');
  const url = (options.url ?? process.env.HUB_URL ?? `http://localhost:${loadConfig().port}`).replace(
    /\/+$/,
    '',
  );
  return { apiKey, url };
}

export function registerSubmitCommands(program: Command): void {
  program
    .command('submit')
    .description('deliver invoice files to the hub API, one line per file')
    .argument('<files...>', 'invoice XML files')
    .option('--url <url>', 'hub address (default HUB_URL or http://localhost:PORT)')
    .option('--api-key <key>', 'issuer API key (default HUB_API_KEY)')
    .action(async (files: string[], options: ApiOptions) => {
      const { apiKey, url } = apiTarget(options);
      const maxBytes = loadConfig().maxInvoiceBytes;
      let failures = 0;
      for (const file of files) {
        let line: string;
        try {
          const response = await fetch(`${url}/api/v1/invoices`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
            body: new Uint8Array(await readInvoiceFile(file, maxBytes)),
          });
          const body = (await response.json()) as {
            id?: string;
            status?: string;
            duplicate?: boolean;
            error?: { code: string; message: string };
          };
          if (response.ok) {
            line = `${file}\t${response.status}\t${body.id}\t${body.duplicate ? 'duplicate of an earlier delivery' : body.status}`;
          } else {
            failures += 1;
            line = `${file}\t${response.status}\t${body.error?.code}\t${body.error?.message}`;
          }
        } catch (error) {
          failures += 1;
          line =
            error instanceof InvoiceFileError
              ? `${file}\tNOT SENT\t${error.code}\t${error.message}`
              : `${file}\tERROR\t${(error as Error).message}`;
        }
        process.stdout.write(line + '\n');
      }
      if (failures) process.exitCode = 1;
    });

  program
    .command('status')
    .description("print an invoice's status and timeline")
    .argument('<id>', 'invoice id (from submit)')
    .option('--url <url>', 'hub address (default HUB_URL or http://localhost:PORT)')
    .option('--api-key <key>', 'issuer API key (default HUB_API_KEY)')
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, options: ApiOptions & { json?: boolean }) => {
      const { apiKey, url } = apiTarget(options);
      const response = await fetch(`${url}/api/v1/invoices/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = (await response.json()) as {
        number: string;
        status: string;
        rejectionReasons: string[];
        timeline: { at: string; type: string }[];
        links: { workflow: string };
        error?: { code: string; message: string };
      };
      if (!response.ok) throw new Error(`${body.error?.code}: ${body.error?.message}`);
      if (options.json) {
        process.stdout.write(JSON.stringify(body, null, 2) + '\n');
        return;
      }
      const lines = [
        `invoice ${body.number}: ${body.status}`,
        ...body.rejectionReasons.map((r) => `  reason: ${r}`),
        ...body.timeline.map((e) => `  ${e.at}  ${e.type}`),
        `  workflow: ${body.links.workflow}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
