import type { Command } from 'commander';
import { chainHead } from '../../db/archive/chain';
import { withArchiveSnapshot } from '../../db/archive/records';
import { describeVerification, verifyArchive } from '../../domain/archive/verify';
import { LOCAL_TIMESTAMP_UNIT_NAME, readArchiveKeys } from '../../platform/archive-keys';
import { printJson, withDatabase } from '../database';
import { progressBar } from '../progress';
import { registerRetentionCommands } from './archive-retention';

/**
 * `hub archive verify`: re-hashes every archived record against the chain, walks the chain, checks every seal's
 * signature and timestamp, prints each break in words and exits 1 when there is any. Works whether or not the hub
 * runs (the data folder's database, or DATABASE_URL); seals are checked against the data folder's archive key.
 */
export function registerArchiveCommands(program: Command): void {
  const archive = program
    .command('archive')
    .description("the archive's integrity (hash chain and seals), retention and legal holds");
  registerRetentionCommands(archive);
  archive
    .command('verify')
    .description(
      'check every archived record against the hash chain and the chain against its seals; exit 1 on any break',
    )
    .option('--json', 'the report as one JSON object instead of text')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async (db, config) => {
        const keys = readArchiveKeys(config.dataDir);
        const trust = {
          archiveCertificatePem: keys?.archive.certificatePem,
          localUnitCertificatePem: keys?.timestampUnit.certificatePem,
          localUnitName: LOCAL_TIMESTAMP_UNIT_NAME,
        };
        // Links once, records once: about twice the chain's length.
        const total = 2 * ((await chainHead(db))?.seq ?? 0);
        const bar = progressBar('verifying');
        const report = await withArchiveSnapshot(db, (source) =>
          verifyArchive(source, trust, (done) => bar.update(Math.min(done, total), total)),
        );
        bar.stop();
        if (options.json) {
          const last = report.seals.last;
          printJson({
            ...report,
            seals: {
              ...report.seals,
              last: last && {
                seal: last.seal,
                headSeq: last.headSeq,
                headLink: last.headLink,
                sealedAt: last.sealedAt,
                timestampAuthority: last.timestampAuthority,
                timestampTime: last.timestampTime,
              },
            },
          });
        } else process.stdout.write(describeVerification(report).join('\n') + '\n');
        if (report.breaks.length > 0) process.exitCode = 1;
      });
    });
}
