import type { Command } from 'commander';

/** Every `bin/hub` sub-command registers itself here, one line each. */
export function registerCommands(_program: Command): void {}
