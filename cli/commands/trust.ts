import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { downloadTrustedLists, EU_LOTL_URL } from '../../domain/signature/trusted-lists/download';
import type { SnapshotListEntry } from '../../domain/signature/trusted-lists/snapshot';
import { updateTrustSnapshot, type TrustSource } from '../../domain/signature/trusted-lists/update';
import { loadConfig } from '../../platform/config';

interface UpdateOptions {
  lotl?: string;
  lists?: string;
  download?: boolean;
  lotlUrl: string;
  lotlSigner: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `hub trust update`: the LOTL and national trusted lists, from disk or downloaded, become a dated trust snapshot
 * (DATA/trust/snapshots/<id>/, domain/signature/trusted-lists/) that the hub then uses beside TRUST_STORE.
 */
export function registerTrustCommands(program: Command): void {
  const trust = program.command('trust').description('trusted lists (EU LOTL and national lists)');
  trust
    .command('update')
    .description(
      "check the LOTL's and each national list's signature, keep them as a dated snapshot and make it current; exit 0 every list usable, 1 any not",
    )
    .option('--lotl <file>', 'the EU list of the lists (LOTL), downloaded before')
    .option('--lists <dir>', 'folder of national trusted lists (*.xml), downloaded before')
    .option('--download', 'download the LOTL and the national lists it points to over HTTPS')
    .option('--lotl-url <url>', 'where --download fetches the LOTL', EU_LOTL_URL)
    .option(
      '--lotl-signer <pem>',
      'a certificate allowed to sign the LOTL (repeatable; default TRUST_LOTL_SIGNERS)',
      collect,
      [],
    )
    .option('--json', 'the snapshot manifest as JSON')
    .action(async (options: UpdateOptions) => {
      if (!options.lotl && !options.lists && !options.download)
        throw new Error('give --lotl FILE and/or --lists DIR, or --download');
      const config = loadConfig();
      const signerFiles = options.lotlSigner.length
        ? options.lotlSigner
        : config.signature.trustedListSigners;
      const lists: TrustSource[] = [];
      const failures: string[] = [];
      if (options.download) {
        const downloaded = await downloadTrustedLists(options.lotlUrl);
        lists.push(downloaded.lotl, ...downloaded.lists);
        failures.push(...downloaded.failures);
      }
      if (options.lotl) lists.push(await fromFile(options.lotl));
      if (options.lists) {
        const names = (await fs.readdir(options.lists)).filter((name) => name.endsWith('.xml')).sort();
        for (const name of names) lists.push(await fromFile(path.join(options.lists, name)));
      }
      const result = updateTrustSnapshot({
        trustDir: config.signature.trustDir,
        lists,
        signers: await Promise.all(signerFiles.map(fromFile)),
      });
      if (options.json) process.stdout.write(`${JSON.stringify(result.manifest, null, 2)}\n`);
      else {
        const lines = [
          `trust snapshot ${result.manifest.id}: ${result.dir}`,
          ...result.manifest.lists.map(describeList),
          ...failures.map((failure) => `  not downloaded: ${failure}`),
          result.current
            ? `now current (${path.join(config.signature.trustDir, 'current')})`
            : `NOT made current: ${result.notCurrent}; the previous snapshot stays in use`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      const allUsable = result.manifest.lists.every((list) => !list.problem);
      if (!result.current || !allUsable || failures.length) process.exitCode = 1;
    });
}

async function fromFile(file: string): Promise<TrustSource> {
  return { name: path.basename(file), bytes: await fs.readFile(file), source: path.resolve(file) };
}

function describeList(list: SnapshotListEntry): string {
  const name = `${list.kind === 'lotl' ? 'LOTL' : (list.territory ?? '?')} #${list.sequenceNumber ?? '?'}`;
  const verdict = list.problem
    ? `NOT USED: ${list.problem} (${list.signature.detail})`
    : `usable, ${list.signature.detail}`;
  return `  ${list.file}: ${name}, issued ${list.issued ?? '?'}, next update ${list.nextUpdate ?? 'none'}, sha256 ${list.sha256}: ${verdict}`;
}
