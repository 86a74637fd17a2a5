import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AgentStop, IssuerAgent, type AgentReport, type FileOutcome } from '../../connectors/agent/agent';
import { Journal } from '../../connectors/agent/journal';
import { loadAgentOptions, type RawAgentOptions } from '../../connectors/agent/options';
import { openAgentSigner } from '../../connectors/agent/signer';
import { progressBar } from '../progress';

/**
 * `hub agent`: the issuer agent beside the accounting system and the signing key (connectors/agent/).
 * Exit codes: 0 done; 2 (--once) files left waiting because the hub could not be reached for --retry-for;
 * 3 stopped: the API key, the SFTP login or the certificate was refused.
 */
export function registerAgentCommands(program: Command): void {
  const agent = program
    .command('agent')
    // `agent status --watch DIR` is the sub-command's own --watch, not the agent's
    .enablePositionalOptions()
    .description(
      'watch an export folder: check each invoice with the hub rules, sign it, deliver it, bring the answers back',
    )
    .option('--config <file>', 'settings as JSON (the long options in camelCase); the command line wins')
    .option('--watch <dir>', 'the folder the accounting system exports invoices into')
    .option('--hub <url>', 'the hub (default HUB_URL)')
    .option('--api-key <key>', 'the issuer API key (default HUB_API_KEY)')
    .option('--p12 <file>', 'sign with the key in this PKCS#12 file')
    .option('--password-file <file>', 'the PKCS#12 password (first line); asked on the terminal when absent')
    .option('--pkcs11 <module>', 'sign on a smart card or HSM through its PKCS#11 module (.so)')
    .option('--slot <n>', 'the token slot id (default: the token labelled --token-label, or the only token)')
    .option('--token-label <label>', 'the token, by its label')
    .option('--key-label <label>', 'the key on the token, by its label (default: the only key)')
    .option('--pin-file <file>', 'the token PIN (first line); asked on the terminal when absent')
    .option('--via <channel>', 'deliver by "api" (default) or "sftp"')
    .option('--sftp-host <host>', "the hub's SFTP host (default: the --hub host)")
    .option('--sftp-port <port>', "the hub's SFTP port (default 2222)")
    .option('--sftp-user <issuerId>', 'the SFTP user: the issuer id')
    .option('--sftp-key <file>', 'the SSH private key registered with bin/hub issuer sftp-key add')
    .option('--sftp-host-key <fingerprint>', "the hub's host key (SHA256:…); default: pinned on first use")
    .option('--once', 'take what is in the folder now, bring back the answers once, and exit')
    .option('--scan-interval <duration>', 'how often the folder is looked at (default 2s)')
    .option('--settle <duration>', 'a file is complete when unchanged this long (default 2s)')
    .option('--concurrency <n>', 'files handled at the same time (default 4)')
    .option('--answer-interval <duration>', "how often sent invoices' statuses are asked for (default 1m)")
    .option('--follow-days <n>', 'sent invoices are followed this many days (default 90)')
    .option('--retry-for <duration>', 'with --once: how long to wait for an unreachable hub (default 1h)')
    .action(async (raw: RawAgentOptions) => {
      const options = loadAgentOptions(raw);
      const signer = await openAgentSigner(options.signing);
      const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      log(`signing as ${signer.description}`);
      const bar = options.once ? progressBar('files') : undefined;
      let done = 0;
      const failures: string[] = [];
      const instance = new IssuerAgent(options, signer, {
        // under a progress bar, what a person should know goes to stderr at once; the failed files are listed after it
        log: (line) => (bar ? process.stderr.write(`${line}\n`) : log(line)),
        planned: (total) => bar?.update(0, total),
        done: (name: string, outcome: FileOutcome) => {
          done += 1;
          bar?.update(done);
          if (outcome === 'failed')
            failures.push(`${name}: not sent (failed/${name.replace(/\.[^.]*$/, '')}.json)`);
        },
      });
      const stop = () => instance.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        if (options.once) {
          const report = await instance.runOnce();
          bar?.stop();
          for (const line of failures) process.stderr.write(`${line}\n`);
          process.stdout.write(summary(report));
          fs.writeFileSync(
            path.join(options.watch, '.hub-agent', 'last-run.json'),
            JSON.stringify(report, null, 2) + '\n',
          );
          if (report.waiting) process.exitCode = 2;
        } else {
          log(`watching ${options.watch}, delivering by ${options.via} to ${options.hub}`);
          await instance.watch();
          log('stopped');
        }
      } catch (error) {
        bar?.stop();
        if (!(error instanceof AgentStop)) throw error;
        process.stderr.write(`hub agent stopped: ${error.message}\n`);
        process.exitCode = 3;
      } finally {
        await instance.close();
      }
    });

  agent
    .command('status')
    .description("the journal's counts for an export folder: waiting, sent, failed, receipts")
    .requiredOption('--watch <dir>', 'the export folder')
    .option('--json', 'print the counts as JSON')
    .action((options: { watch: string; json?: boolean }) => {
      const journal = Journal.read(path.resolve(options.watch));
      const counts = journal?.counts() ?? { waiting: 0, sent: 0, failed: 0, receipts: 0, following: 0 };
      const waitingInFolder = fs.existsSync(options.watch)
        ? fs
            .readdirSync(options.watch, { withFileTypes: true })
            .filter((e) => e.isFile() && !e.name.startsWith('.')).length
        : 0;
      const status = { ...counts, inFolder: waitingInFolder, journal: Boolean(journal) };
      if (options.json) {
        process.stdout.write(JSON.stringify(status) + '\n');
        return;
      }
      process.stdout.write(
        [
          `waiting   ${counts.waiting} (checked or signed, not yet delivered)`,
          `in folder ${waitingInFolder} (not yet taken)`,
          `sent      ${counts.sent} (${counts.following} still followed for answers)`,
          `failed    ${counts.failed}`,
          `receipts  ${counts.receipts}`,
        ].join('\n') + '\n',
      );
    });
}

function summary(report: AgentReport): string {
  const total = report.sent + report.duplicates + report.failed + report.waiting;
  const busy = Object.values(report.phases).reduce((a, b) => a + b, 0) || 1;
  const share = (ms: number) => `${Math.round((ms / busy) * 100)}%`;
  return (
    [
      `${total} file(s) in ${report.seconds.toFixed(1)} s (${(total / Math.max(report.seconds, 0.001)).toFixed(1)} files/s): ` +
        `${report.sent} sent, ${report.duplicates} already at the hub, ${report.failed} failed, ${report.waiting} waiting`,
      `time: check ${share(report.phases.check)}, sign ${share(report.phases.sign)}, send ${share(report.phases.send)}, ` +
        `read and file ${share(report.phases.read + report.phases.file)}`,
    ].join('\n') + '\n'
  );
}
