import type { Command } from 'commander';
import { registerAccountCommands } from './account';
import { registerAgentCommands } from './agent';
import { registerArchiveCommands } from './archive';
import { registerAs2Commands } from './as2';
import { registerBackupCommands } from './backup';
import { registerEvidenceCommands } from './evidence';
import { registerIssuerCommands } from './issuer';
import { registerOperatorCommands } from './operator';
import { registerSignCommand } from './sign';
import { registerStatementCommands } from './statement';
import { registerStartCommands } from './start';
import { registerSubmitCommands } from './submit';
import { registerTrustCommands } from './trust';
import { registerVerifyCommand } from './verify';

/** Every `bin/hub` sub-command registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerStartCommands(program);
  registerIssuerCommands(program);
  registerAccountCommands(program);
  registerSubmitCommands(program);
  registerVerifyCommand(program);
  registerTrustCommands(program);
  registerSignCommand(program);
  registerAs2Commands(program);
  registerStatementCommands(program);
  registerAgentCommands(program);
  registerArchiveCommands(program);
  registerEvidenceCommands(program);
  registerBackupCommands(program);
  registerOperatorCommands(program);
}
