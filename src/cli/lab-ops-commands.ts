/**
 * The lab's operations while its gatekeeper serves (DESIGN §8): each command
 * is a thin client of the gatekeeper's admin API, signed with the operator's
 * key from the lab config (src/cli/lab-operator.ts). Key release never stops
 * for any of them. Wiring only.
 */
import type { Command } from 'commander';
import { TaskType } from '../core/campaign-manifest.js';
import { fail } from '../core/errors.js';
import { parseWith } from '../core/schema.js';
import { defaultPolicy, ingestDataset, policyHash, type IngestProgress, type IngestReport } from '../lab/ingest.js';
import { loadPolicyFile } from '../minimize/policy-file.js';
import type { Policy } from '../minimize/policy-schema.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { DEFAULT_LAB_CONFIG, createOperatorKey, openLabSide, type LabSide } from './lab-operator.js';

const withConfig = (cmd: Command): Command => cmd.option('--config <file>', 'lab config: gatekeeper admin API, operator, key, state (or $KEYHOLE_LAB_CONFIG)', DEFAULT_LAB_CONFIG);
const print = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

function whole(value: string | undefined, what: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail('BAD_FORMAT', `${what} must be a whole number of at least ${min}, not "${value}"`);
  return n;
}

async function lab(o: { config: string }): Promise<LabSide> {
  return openLabSide(o.config);
}

function campaignPolicy(policyFile: string | undefined, task: TaskType, campaign: string, vendor: string): Policy {
  return policyFile === undefined ? defaultPolicy(task, campaign, vendor) : loadPolicyFile(policyFile).policy;
}

/** A progress line on a terminal (items/s, ETA), JSON lines with --json, nothing otherwise. */
function progressReporter(json: boolean): ((p: IngestProgress) => void) | undefined {
  const started = Date.now();
  const rate = (done: number): number => done / Math.max(0.001, (Date.now() - started) / 1000);
  if (json) return (x) => console.log(JSON.stringify({ event: 'progress', ...x, itemsPerSecond: Math.round(rate(x.done)) }));
  if (!process.stderr.isTTY) return undefined;
  return (x) => {
    const r = rate(x.done);
    const eta = r > 0 ? Math.round((x.total - x.done) / r) : 0;
    const width = 30;
    const filled = x.total === 0 ? width : Math.round((width * x.done) / x.total);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${x.done}/${x.total} items  ${r.toFixed(0)} items/s  ETA ${eta} s `);
  };
}

function formatIngest(r: IngestReport, campaign: string): string {
  const lines = [
    `ingested ${r.dataset} (${r.format}) into campaign ${campaign}: ${r.records} records, ${r.sealed} sealed and uploaded now, ${r.alreadyIngested} already there, ${r.dropped} dropped and ${r.quarantined} quarantined by policy, ${r.failed} unreadable`,
  ];
  for (const f of r.failures) lines.push(`  left out ${f}`);
  if (r.failed > r.failures.length) lines.push(`  … and ${r.failed - r.failures.length} more`);
  return lines.join('\n');
}

export function registerLabOpsCommands(program: Command): void {
  withConfig(program.command('status').description('Exposure at a glance from the running gatekeeper: open items against budgets, per vendor and campaign; witnesses'))
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) => print(await (await lab(o)).admin.status()));

  const operator = program.command('operator').description("The lab's operators of the admin API (roles: admin, operator, auditor)");
  operator
    .command('keygen')
    .description('Make an operator key file (0600, never overwritten) and print its public key, for an admin to add')
    .argument('<file>')
    .action(async (file: string) => console.log(await createOperatorKey(file)));
  withConfig(operator.command('add').description('Add an operator, or change its key or role (admin)'))
    .argument('<id>')
    .requiredOption('--public-key <b64u>', "the operator's Ed25519 public key (keyhole operator keygen)")
    .requiredOption('--role <role>', 'admin | operator | auditor')
    .action(async (id: string, o: { config: string; publicKey: string; role: string }) => (await lab(o)).admin.putOperator(id, o.publicKey, o.role));
  withConfig(operator.command('revoke').description('Revoke an operator (admin)'))
    .argument('<id>')
    .action(async (id: string, o: { config: string }) => (await lab(o)).admin.revokeOperator(id));
  withConfig(operator.command('list').description('List operators')).action(async (o: { config: string }) => print(await (await lab(o)).admin.listOperators()));

  const vendor = program.command('vendor').description('Vendors the lab sends work to');
  withConfig(vendor.command('add').description("Add a vendor (or change its hub, hub key or exposure budget); logged first"))
    .argument('<vendor>', 'the hub id that signs assignments')
    .requiredOption('--hub-url <url>', "the hub's address (its lab API)")
    .requiredOption('--hub-key <b64u>', "the hub's Ed25519 public key (keyhole hub keygen prints it)")
    .requiredOption('--budget <n>', 'exposure budget: open items at most, over all its campaigns')
    .action(async (v: string, o: { config: string; hubUrl: string; hubKey: string; budget: string }) =>
      (await lab(o)).admin.putVendor(v, { hubUrl: o.hubUrl, hubKey: o.hubKey, exposureBudget: whole(o.budget, '--budget', 1, 0) }),
    );

  const campaign = program.command('campaign').description('Campaigns: create (signs the manifest, registers it at the hub), list, close');
  withConfig(campaign.command('create').description('Create or update a campaign: the limits go to the gatekeeper, the signed manifest to the hub'))
    .argument('<campaign>')
    .requiredOption('--vendor <id>')
    .requiredOption('--task <task>', TaskType.options.join(' | '))
    .option('--title <text>', 'what annotators see')
    .option('--policy <file>', 'minimization policy (YAML); default: the built-in policy for the task')
    .option('--overlap <n>', 'distinct annotators per item', '1')
    .option('--lease-seconds <n>', 'how long an annotator holds an item', '900')
    .option('--days <n>', 'the campaign closes this many days from now', '30')
    .option('--pace-per-minute <n>', 'releases per annotator per minute', '6')
    .option('--pace-per-hour <n>', 'releases per annotator per hour', '120')
    .option('--max-outstanding <n>', 'open items per annotator', '4')
    .option('--budget <n>', "the campaign's exposure budget: open items at most", '1000')
    .action(async (c: string, o: Record<string, string> & { config: string }) => {
      const side = await lab(o);
      const task = parseWith(TaskType, o.task, '--task');
      const policy = campaignPolicy(o.policy, task, c, o.vendor!);
      const now = Math.floor(Date.now() / 1000);
      const manifest = await side.admin.putCampaign(c, {
        vendor: o.vendor!,
        title: o.title ?? `${task} campaign ${c}`,
        task,
        leaseSeconds: whole(o.leaseSeconds, '--lease-seconds', 30, 900),
        settings: {
          campaign: c,
          policy: policyHash(policy),
          opens: now - 60,
          closes: now + whole(o.days, '--days', 1, 30) * 86_400,
          overlap: whole(o.overlap, '--overlap', 1, 1),
          pacePerMinute: whole(o.pacePerMinute, '--pace-per-minute', 1, 6),
          pacePerHour: whole(o.pacePerHour, '--pace-per-hour', 1, 120),
          maxOutstanding: whole(o.maxOutstanding, '--max-outstanding', 1, 4),
          exposureBudget: whole(o.budget, '--budget', 1, 1000),
        },
      });
      print({ campaign: c, task, policy: manifest.body.policy, closes: new Date(manifest.body.closes * 1000).toISOString(), gatekeeper: manifest.body.gatekeeper });
    });
  withConfig(campaign.command('list').description('Campaigns, their items (registered, uploaded) and batches')).action(async (o: { config: string }) => print(await (await lab(o)).admin.campaigns()));
  withConfig(campaign.command('close').description('Close a campaign: every later key request is denied; --shred destroys its batch keys too'))
    .argument('<campaign>')
    .option('--shred', "also shred every batch of the campaign (lab-signed deletion receipts)")
    .action(async (c: string, o: { config: string; shred?: boolean }) => print(await (await lab(o)).admin.closeCampaign(c, o.shred === true)));

  withConfig(program.command('ingest').description('Minimize, seal and upload a dataset into an open campaign, through the running gatekeeper; resumable (rerun after any crash)'))
    .argument('<file>', 'JSONL dataset (.jsonl or .jsonl.gz)')
    .option('--campaign <id>', "campaign (default: the config's)")
    .option('--format <format>', 'dataset format, or auto', 'auto')
    .option('--policy <file>', "minimization policy (YAML); must be the campaign's (default: the built-in policy for its task)")
    .option('--batch <id>', 'batch to seal into (the unit of KEK rotation and shredding)')
    .option('--json', 'JSON lines: progress and the final report')
    .action(async (file: string, o: { config: string; campaign?: string; format: string; policy?: string; batch?: string; json?: boolean }) => {
      const side = await lab(o);
      const c = side.campaign(o.campaign);
      const manifest = await side.admin.manifest(c);
      const task = manifest.body.task;
      const vendor = ((await side.admin.campaigns()) as Array<{ campaign: string; vendor: string | null }>).find((x) => x.campaign === c)?.vendor ?? fail('NOT_FOUND', `campaign ${c} names no vendor`);
      const policy = campaignPolicy(o.policy, task, c, vendor);
      if (policyHash(policy) !== manifest.body.policy) fail('MISMATCH', `the policy ${o.policy ?? '(built-in)'} is not campaign ${c}'s (hash ${manifest.body.policy.slice(0, 12)}…); pass the campaign's --policy`);
      const onProgress = progressReporter(o.json === true);
      const report = await ingestDataset({
        p,
        admin: side.admin,
        store: side.store(c),
        dataset: file,
        format: o.format,
        task,
        policy,
        batch: o.batch ?? `${c}-batch-1`,
        expires: manifest.body.closes + 30 * 86_400,
        ...(onProgress === undefined ? {} : { onProgress }),
      });
      if (onProgress !== undefined && o.json !== true) process.stderr.write('\n');
      console.log(o.json ? JSON.stringify({ event: 'done', ...report }) : formatIngest(report, c));
    });

  const device = program.command('device').description("Annotators' devices: list, approve, refuse");
  withConfig(device.command('list').description("A vendor's devices, as its hub lists them and as the gatekeeper decided"))
    .requiredOption('--vendor <id>')
    .option('--pending', 'only devices waiting for a decision')
    .action(async (o: { config: string; vendor: string; pending?: boolean }) => {
      const all = await (await lab(o)).admin.devices(o.vendor);
      print(o.pending ? all.filter((d) => d.state === 'pending') : all);
    });
  for (const decision of ['approve', 'refuse'] as const) {
    withConfig(device.command(decision).description(`${decision === 'approve' ? 'Approve' : 'Refuse'} a device (logged; the hub is told)`))
      .argument('<device>', 'device id (keyhole device list)')
      .requiredOption('--vendor <id>')
      .action(async (id: string, o: { config: string; vendor: string }) => print(await (await lab(o)).admin.decideDevice(o.vendor, id, decision)));
  }

  const invite = program.command('invite').description("Lab-bound enrollment: the lab's roster per vendor, one-time invitations to it (delivered by the lab, out of band), and manual approval on or off");
  withConfig(invite.command('issue').description('Issue a one-time invitation to a roster entry; prints the link (code in its fragment) to deliver out of band (logged)'))
    .argument('<annotator>', "the person's pseudonymous id, as on the roster")
    .requiredOption('--vendor <id>')
    .option('--expires-in <seconds>', 'how long it can be redeemed (60 to 2592000)', '604800')
    .option('--add-to-roster', 'put the annotator on the roster first (logged)')
    .action(async (annotator: string, o: { config: string; vendor: string; expiresIn: string; addToRoster?: boolean }) => {
      const { admin } = await lab(o);
      if (o.addToRoster) await admin.rosterAdd(o.vendor, annotator);
      print(await admin.invite(o.vendor, annotator, whole(o.expiresIn, '--expires-in', 60, 604_800)));
    });
  withConfig(invite.command('list').description("A vendor's invitations: issued, redeemed (and the device), expired, revoked; never the codes"))
    .requiredOption('--vendor <id>')
    .action(async (o: { config: string; vendor: string }) => print(await (await lab(o)).admin.invitations(o.vendor)));
  withConfig(invite.command('revoke').description('Revoke an invitation not yet redeemed (logged)'))
    .argument('<id>', 'invitation id (inv-…, keyhole invite list)')
    .action(async (id: string, o: { config: string }) => print(await (await lab(o)).admin.revokeInvitation(id)));
  withConfig(invite.command('roster').description("The lab's roster for a vendor: the pseudonymous ids it accepts"))
    .requiredOption('--vendor <id>')
    .action(async (o: { config: string; vendor: string }) => print(await (await lab(o)).admin.roster(o.vendor)));
  withConfig(invite.command('roster-add').description('Put pseudonymous ids on the roster (logged)'))
    .argument('<annotators...>')
    .requiredOption('--vendor <id>')
    .action(async (annotators: string[], o: { config: string; vendor: string }) => {
      const { admin } = await lab(o);
      for (const a of annotators) await admin.rosterAdd(o.vendor, a);
    });
  withConfig(invite.command('roster-remove').description('Take pseudonymous ids off the roster; their unredeemed invitations stop working (logged)'))
    .argument('<annotators...>')
    .requiredOption('--vendor <id>')
    .action(async (annotators: string[], o: { config: string; vendor: string }) => {
      const { admin } = await lab(o);
      for (const a of annotators) await admin.rosterRemove(o.vendor, a);
    });
  withConfig(invite.command('manual-approval').description("Whether operators may approve a vendor's devices without a redeemed invitation (keyhole device approve); off refuses them (logged)"))
    .argument('<setting>', 'on | off | show')
    .requiredOption('--vendor <id>')
    .action(async (setting: string, o: { config: string; vendor: string }) => {
      const { admin } = await lab(o);
      if (setting === 'show') return print({ vendor: o.vendor, manual: await admin.manualApproval(o.vendor) });
      if (setting !== 'on' && setting !== 'off') fail('BAD_FORMAT', `expected on, off or show, not "${setting}"`);
      print(await admin.setManualApproval(o.vendor, setting === 'on'));
    });

  for (const [name, suspended] of [['suspend', true], ['reinstate', false]] as const) {
    withConfig(program.command(name).description(`${suspended ? 'Suspend' : 'Reinstate'} a vendor, an annotator or a device (logged)`))
      .argument('<kind>', 'vendor | annotator | device')
      .argument('<ids...>', 'VENDOR | VENDOR ANNOTATOR | DEVICE_ID')
      .action(async (kind: string, ids: string[], o: { config: string }) => {
        const target =
          kind === 'vendor' && ids.length === 1 ? { kind, vendor: ids[0]! }
          : kind === 'annotator' && ids.length === 2 ? { kind, vendor: ids[0]!, annotator: ids[1]! }
          : kind === 'device' && ids.length === 1 ? { kind, device: ids[0]! }
          : fail('BAD_FORMAT', 'expected: vendor VENDOR | annotator VENDOR ANNOTATOR | device DEVICE_ID');
        print(await (await lab(o)).admin.suspend(target, suspended));
      });
  }

  withConfig(program.command('shred').description("Destroy a batch's KEKs; logs a lab-signed deletion receipt, prints it"))
    .argument('<batch>')
    .action(async (batch: string, o: { config: string }) => print(await (await lab(o)).admin.shred(batch)));
  const kek = program.command('kek').description('Batch keys');
  withConfig(kek.command('rotate').description("A new KEK for the batch; every registered item's slot rewrapped, the old KEK destroyed (logged)"))
    .argument('<batch>')
    .action(async (batch: string, o: { config: string }) => print(await (await lab(o)).admin.rotate(batch)));
  const root = program.command('root').description("The gatekeeper's root key");
  withConfig(root.command('rewrap').description('A new root key in a new keystore file (same passphrase); every secret and KEK rewrapped under it while the gatekeeper serves (admin; logged)')).action(
    async (o: { config: string }) => print(await (await lab(o)).admin.rewrapRoot()),
  );
  withConfig(program.command('monitor-key').description("Authorize a monitor's key to request suspensions (logged)"))
    .argument('<name>')
    .requiredOption('--public-key <b64u>')
    .action(async (name: string, o: { config: string; publicKey: string }) => (await lab(o)).admin.putMonitor(name, o.publicKey));
}

