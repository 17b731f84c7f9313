#!/usr/bin/env node
/** The `keyhole` command. Only wiring lives here: each subcommand calls into its trust domain's module. */
import { Command } from 'commander';
import { registerMinimizeCommand } from './minimize-command.js';
import { registerLogCommands } from './log-commands.js';
import { registerHubCommands } from './hub-commands.js';
import { registerGatekeeperCommands } from './gatekeeper-commands.js';
import { registerMonitorCommands } from './monitor-commands.js';
import { registerCanaryCommands } from './canary-commands.js';
import { registerExchangeCommands } from './demo-command.js';
import { registerDrillCommand } from './drill-command.js';

const program = new Command();
program
  .name('keyhole')
  .description('Send training data to annotation vendors as ciphertext; every key release is on a witnessed log.')
  .version('0.1.0');

registerMinimizeCommand(program);
registerLogCommands(program);
registerHubCommands(program);
registerGatekeeperCommands(program);
registerMonitorCommands(program);
registerCanaryCommands(program);
registerExchangeCommands(program);
registerDrillCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`keyhole: ${message}`);
  process.exitCode = 1;
});
