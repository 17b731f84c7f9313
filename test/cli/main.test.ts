/**
 * src/cli/main.ts lists every command without loading its module, so its table must stay in step with
 * the modules: each top-level command some src/cli module registers is listed by `keyhole --help`
 * with the very description the module gives it, and each listed command runs through its module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { REPO_ROOT } from '../support/shared.js';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
const run = promisify(execFile);

async function keyhole(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args]);
  return stdout;
}

/** name -> description of every top-level command registered by any `register*` export of a src/cli module other than main.ts. */
async function registeredByModules(): Promise<Map<string, string>> {
  const commands = new Map<string, string>();
  const dir = join(REPO_ROOT, 'src/cli');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'main.ts')) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (!name.startsWith('register') || typeof value !== 'function') continue;
      const program = new Command();
      (value as (p: Command) => void)(program);
      for (const c of program.commands) {
        const before = commands.get(c.name());
        assert.ok(before === undefined || before === c.description(), `${c.name()} is registered twice with different descriptions`);
        commands.set(c.name(), c.description());
      }
    }
  }
  return commands;
}

/** name -> description from `keyhole --help`: commander's "  name  description" rows, wrapped onto indented lines. */
function listedByHelp(help: string): Map<string, string> {
  const listed = new Map<string, string>();
  let current = '';
  for (const line of (help.split('\nCommands:\n')[1] ?? '').split('\n')) {
    const row = /^ {2}(\S+)(?: \[command\])? {2,}(.+)$/.exec(line);
    if (row) {
      current = row[1]!;
      listed.set(current, row[2]!.trim());
    } else if (current !== '' && /^ {4,}\S/.test(line)) {
      listed.set(current, `${listed.get(current)!} ${line.trim()}`);
    }
  }
  listed.delete('help');
  return listed;
}

test('keyhole --help lists every command a module registers, with its description', { timeout: 120_000 }, async () => {
  const modules = await registeredByModules();
  assert.ok(modules.has('hub') && modules.has('gatekeeper') && modules.has('drill'), `found the command modules: ${[...modules.keys()].join(', ')}`);
  const listed = listedByHelp(await keyhole('--help'));
  assert.deepEqual(Object.fromEntries([...listed].sort()), Object.fromEntries([...modules].sort()));
});

test('each listed command runs through its own module (its --help shows its options or subcommands)', { timeout: 300_000 }, async () => {
  const listed = listedByHelp(await keyhole('--help'));
  for (const name of listed.keys()) {
    const help = await keyhole(name, '--help');
    assert.match(help, new RegExp(`^Usage: keyhole ${name} \\S`, 'm'), `keyhole ${name} --help`);
    assert.match(help, /\n {2}(?!-h, --help)\S/, `keyhole ${name} --help shows more than --help: the module was loaded`);
  }
});
