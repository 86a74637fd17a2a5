import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { signInvoice } from '../../domain/signature';

interface SignCommandOptions {
  p12: string;
  password?: string;
  out?: string;
}

/** `hub sign FILE --p12 FILE`: XAdES-B enveloped signature placed the UBL way; what the issuer agent runs before upload. */
export function registerSignCommand(program: Command): void {
  program
    .command('sign')
    .description(
      'sign an invoice with a XAdES baseline B enveloped signature (UBL extension placement, SHA-256)',
    )
    .argument(
      '<file>',
      'invoice XML file (UBL 2.1 Invoice/CreditNote; other XML gets the signature as the last child of its root)',
    )
    .requiredOption('--p12 <file>', 'PKCS#12 file with the signing key and certificate (and its CA chain)')
    .option('--password <password>', 'PKCS#12 password (default: env HUB_P12_PASSWORD, else empty)')
    .option('--out <file>', 'where to write the signed invoice (default: standard output)')
    .action(async (file: string, options: SignCommandOptions) => {
      const [xml, p12] = await Promise.all([fs.readFile(file), fs.readFile(options.p12)]);
      const password = options.password ?? process.env.HUB_P12_PASSWORD ?? '';
      const signed = await signInvoice(xml, { p12, password });
      if (options.out) {
        await fs.writeFile(options.out, signed, 'utf8');
        process.stderr.write(`signed ${file} -> ${options.out}\n`);
      } else {
        process.stdout.write(signed);
      }
    });
}
