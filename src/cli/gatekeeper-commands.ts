/**
 * `keyhole gatekeeper init|serve`: the lab's service on its own host, from
 * one config file (src/cli/services/gatekeeper-config.ts). Everything the
 * lab does while it serves goes through the admin API (src/cli/lab-ops-commands.ts).
 * Wiring only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { toBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { putOperator } from '../gatekeeper/admin/operators.js';
import { openGatekeeper } from '../gatekeeper/gatekeeper.js';
import { createKeystoreFile } from '../gatekeeper/keystore/passphrase-keystore.js';
import { lockLogDirectory } from '../gatekeeper/writer-lock.js';
import { FileSystemStorage } from '../log/fs-storage.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { fileExists, loadConfig } from './config/config-file.js';
import { createOperatorKey } from './lab-operator.js';
import { GatekeeperConfig, starterGatekeeperConfig } from './services/gatekeeper-config.js';
import { openConfiguredDatabase, openRootKey, startGatekeeperService } from './services/gatekeeper-service.js';
import { jsonLog } from './services/json-log.js';
import { onStopSignal } from './services/stop-signal.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];


export function registerGatekeeperCommands(program: Command): void {
  const gatekeeper = program.command('gatekeeper').description("The lab's key-release service: no log, no key");

  gatekeeper
    .command('init')
    .description('Set up a gatekeeper: a commented config, the passphrase-sealed root keystore, the database, the log key, and the first admin operator with its key file and lab config (files 0600, never overwritten)')
    .requiredOption('--lab <id>', 'the lab this gatekeeper serves')
    .option('--config <file>', 'the config file to write', 'gatekeeper.yaml')
    .option('--origin <name>', 'the audit log origin (default: <lab>.keyhole/audit/v1)')
    .option('--operator <id>', 'the first admin operator', 'admin')
    .action(async (o: { lab: string; config: string; origin?: string; operator: string }) => {
      const file = resolve(o.config);
      if (await fileExists(file)) fail('CONFLICT', `${file} exists; init never overwrites (edit it, or init into another directory)`);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, starterGatekeeperConfig(o.lab, o.origin ?? `${o.lab}.keyhole/audit/v1`), { flag: 'wx', mode: 0o600 });
      const { config, baseDir } = loadConfig('gatekeeper', GatekeeperConfig, file);
      if (config.keystore.kmsKey === undefined) {
        const passphrase = process.env[config.keystore.passphraseEnv];
        if (!passphrase) fail('BAD_FORMAT', `set the keystore passphrase in $${config.keystore.passphraseEnv} (it is never read from the config or the command line)`);
        await createKeystoreFile(p, resolve(baseDir, config.keystore.file), passphrase);
      }
      const lock = await lockLogDirectory(resolve(baseDir, config.log.dir));
      const database = await openConfiguredDatabase(config, baseDir);
      try {
        const gk = await openGatekeeper({ primitives: p, lab: config.lab, database, root: await openRootKey(config, baseDir, process.env), logStorage: new FileSystemStorage(resolve(baseDir, config.log.dir)), logOrigin: config.log.origin, alert: () => {} });
        const keyFile = join(baseDir, `${o.operator}.key`);
        const publicKey = await createOperatorKey(keyFile);
        await putOperator(gk, { id: o.operator, publicKey, role: 'admin' }, 'init');
        const labYaml = join(baseDir, 'lab.yaml');
        await writeFile(labYaml, `# The lab's tools (ingest, campaign, device, results, export, …) as operator ${o.operator}.\ngatekeeper: http://${config.admin.host}:${config.admin.port}/\nlab: ${config.lab}\noperator: ${o.operator}\noperatorKey: ${o.operator}.key\nstate: lab\n`, { flag: 'wx', mode: 0o600 });
        console.log(`gatekeeper for ${config.lab} set up in ${baseDir}:\n  config      ${file}\n  log key     ${gk.logKey.verifierKey}\n  lab key     ${toBase64Url(gk.labSigner.publicKey)}   (for the vendor's \`keyhole hub lab-add\`)\n  operator    ${o.operator} (admin), key ${keyFile}\n  lab config  ${labYaml}\nnext: add witnesses to the config (or noWitness: true), then \`keyhole gatekeeper serve --config ${o.config}\``);
        await gk.close();
      } finally {
        await database.close();
        await lock.release();
      }
    });

  gatekeeper
    .command('serve')
    .description('Serve key release, submit receipts, monitor suspension, the log and the workstation app; and the admin API with /metrics on its own listener')
    .option('--config <file>', 'the config file', 'gatekeeper.yaml')
    .option('--set <key=value>', 'override a config key (repeatable)', collect)
    .option('--no-witness', 'run without witnesses (warned at every start; status says so)')
    .action(async (o: { config: string; set?: string[]; witness: boolean }) => {
      const { config, baseDir } = loadConfig('gatekeeper', GatekeeperConfig, o.config, [...(o.set ?? []), ...(o.witness ? [] : ['noWitness=true'])]);
      const log = jsonLog('gatekeeper');
      const running = await startGatekeeperService({ config, baseDir, log });
      console.log(JSON.stringify({ gatekeeper: running.publicUrl, admin: running.adminUrl, log: running.logVkey }));
      onStopSignal(async () => {
        log.info('stopping: finishing in-flight requests');
        await running.close();
      });
    });
}
