/**
 * One process at a time may write a log directory (src/log's writer assumes
 * it is the only writer). The CLI takes this lock before `serve`, `shred` or
 * `suspend`, so a lab command cannot fork the log under a running gatekeeper.
 * A lock left by a dead process (kill -9) is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../core/errors.js';

export interface WriterLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockLogDirectory(logDir: string): Promise<WriterLock> {
  await mkdir(logDir, { recursive: true });
  const path = join(logDir, '.gatekeeper.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) fail('CONFLICT', `the log in ${logDir} is in use by process ${pid} (a running gatekeeper?); stop it first, or suspend through the monitor endpoint`);
      await rm(path, { force: true });
    }
  }
  return fail('CONFLICT', `could not lock ${path}`);
}
