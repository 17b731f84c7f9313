#!/usr/bin/env node
/**
 * The `keyhole` command. Only wiring lives here, and each top-level command's module is imported
 * only when that command runs: a process loads its own trust domain's code and nothing else, so the
 * vendor's `keyhole hub serve` never loads the lab's key code (DESIGN: the hub holds no key;
 * test/hub/import-boundary.test.ts proves it from the modules a real hub process loads).
 *
 * To add a top-level command: add a row to COMMANDS with the name and description its module
 * registers, and a `load` that imports the module and returns its register function. Never import a
 * command module statically here. test/cli/main.test.ts checks every row against its module.
 */
import { Command } from 'commander';

type Register = (program: Command) => void;

interface TopLevelCommand {
  readonly name: string;
  /** What `keyhole --help` shows; must equal the description the module gives the command. */
  readonly description: string;
  /** Imports the module that registers this command (it may register sibling commands too). */
  readonly load: () => Promise<Register>;
}

const gatekeeperModule = async (): Promise<Register> => (await import('./gatekeeper-commands.js')).registerGatekeeperCommands;
const logModule = async (): Promise<Register> => (await import('./log-commands.js')).registerLogCommands;
const canaryModule = async (): Promise<Register> => (await import('./canary-commands.js')).registerCanaryCommands;
const labModule = async (): Promise<Register> => (await import('./lab-commands.js')).registerLabCommands;
const labOpsModule = async (): Promise<Register> => (await import('./lab-ops-commands.js')).registerLabOpsCommands;

const COMMANDS: readonly TopLevelCommand[] = [
  {
    name: 'minimize',
    description: 'Minimize a dataset by a policy: keep only the fields the task needs, blind A/B, pseudonymize personal data and secrets',
    load: async () => (await import('./minimize-command.js')).registerMinimizeCommand,
  },
  { name: 'log', description: 'The audit log: a C2SP tlog-tiles transparency log', load: logModule },
  { name: 'witness', description: 'A C2SP tlog-witness', load: logModule },
  {
    name: 'hub',
    description: "The vendor's hub: stores sealed items and labels, leases work, manages annotator accounts. Holds no key that decrypts anything.",
    load: async () => (await import('./hub-commands.js')).registerHubCommands,
  },
  { name: 'gatekeeper', description: "The lab's key-release service: no log, no key", load: gatekeeperModule },
  { name: 'status', description: 'Exposure at a glance from the running gatekeeper: open items against budgets, per vendor and campaign; witnesses', load: labOpsModule },
  { name: 'operator', description: "The lab's operators of the admin API (roles: admin, operator, auditor)", load: labOpsModule },
  { name: 'vendor', description: 'Vendors the lab sends work to', load: labOpsModule },
  { name: 'campaign', description: 'Campaigns: create (signs the manifest, registers it at the hub), list, close', load: labOpsModule },
  { name: 'ingest', description: 'Minimize, seal and upload a dataset into an open campaign, through the running gatekeeper; resumable (rerun after any crash)', load: labOpsModule },
  { name: 'device', description: "Annotators' devices: list, approve, refuse", load: labOpsModule },
  { name: 'invite', description: "Lab-bound enrollment: the lab's roster per vendor, one-time invitations to it (delivered by the lab, out of band), and manual approval on or off", load: labOpsModule },
  { name: 'shred', description: "Destroy a batch's KEKs; logs a lab-signed deletion receipt, prints it", load: labOpsModule },
  { name: 'suspend', description: 'Suspend a vendor, an annotator or a device (logged)', load: labOpsModule },
  { name: 'reinstate', description: 'Reinstate a vendor, an annotator or a device (logged)', load: labOpsModule },
  { name: 'kek', description: 'Batch keys', load: labOpsModule },
  { name: 'root', description: "The gatekeeper's root key", load: labOpsModule },
  { name: 'monitor-key', description: "Authorize a monitor's key to request suspensions (logged)", load: labOpsModule },
  {
    name: 'monitor',
    description: 'Follow the audit log, verify every checkpoint and entry, and raise integrity and misuse alerts (JSON lines on stdout)',
    load: async () => (await import('./monitor-commands.js')).registerMonitorCommands,
  },
  { name: 'canary', description: 'Canary items: synthetic, invented content whose leak names its recipient', load: canaryModule },
  {
    name: 'trace',
    description: 'Find canaries and fingerprinted items in a leaked dump, and who they were released to and when (from the log)',
    load: canaryModule,
  },
  { name: 'results', description: "The lab's collected labels", load: labModule },
  {
    name: 'export',
    description: 'Training-ready data from the collected labels, plus a sidecar (every label, annotator pseudonyms, time on task, agreement)',
    load: labModule,
  },
  {
    name: 'quality',
    description: "Agreement (Krippendorff's alpha, Fleiss' kappa, Kendall's W/tau), gold accuracy, agreement with the source, time on task and annotators who stand out, from the collected labels",
    load: async () => (await import('./quality-command.js')).registerQualityCommand,
  },
  {
    name: 'demo',
    description: 'Run the whole exchange on localhost: hub, gatekeeper with the workstation app, witness, monitor, and a demo campaign',
    load: async () => (await import('./demo-command.js')).registerExchangeCommands,
  },
  {
    name: 'bots',
    description: 'Simulated annotators working a campaign through the hub and the gatekeeper, as the browser app does; waits for the lab to approve their devices',
    load: async () => (await import('./bots-command.js')).registerBotsCommand,
  },
  {
    name: 'drill',
    description: 'Replay the 2026 vendor breach on a throwaway instance and report what the attacker got and what keyhole noticed',
    load: async () => (await import('./drill-command.js')).registerDrillCommand,
  },
];

/** The command `argv` runs (`keyhole help X` asks about X), or undefined for `--help`, `--version` or a typo. */
function chosenCommand(argv: readonly string[]): TopLevelCommand | undefined {
  const [first, second] = argv.slice(2);
  const name = first === 'help' ? second : first;
  return COMMANDS.find((c) => c.name === name);
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command();
  program
    .name('keyhole')
    .description('Send training data to annotation vendors as ciphertext; every key release is on a witnessed log.')
    .version('0.1.0');
  const chosen = chosenCommand(argv);
  if (chosen) (await chosen.load())(program);
  // Nothing to run: list every command from the table without loading any module.
  else for (const c of COMMANDS) program.command(c.name).description(c.description);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`keyhole: ${message}`);
  process.exitCode = 1;
});
