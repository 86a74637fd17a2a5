import { Command } from 'commander';
import { registerCommands } from './commands';

const program = new Command('hub')
  .description('E-invoice hub: intake, verification, lifecycle and portal for signed e-invoices')
  .showHelpAfterError()
  // Each command's options are its own: `agent status --watch DIR` is not `agent --watch DIR`.
  .enablePositionalOptions();

registerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`hub: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(typeof process.exitCode === 'number' && process.exitCode > 1 ? process.exitCode : 1);
});
