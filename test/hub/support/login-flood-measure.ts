/**
 * A measurement, not a test: how a correct login fares while 100 source
 * addresses send 5 bad logins each, against a real hub process on loopback
 * (each client binds its own 127.0.1.x address). Two floods: credential
 * stuffing (a different username per attempt) and guessing the owner's
 * password. In each, the owner logs in once before the flood, then during it
 * from that same address and from a new one. Prints one JSON line per flood.
 *
 *   node --import tsx test/hub/support/login-flood-measure.ts
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createInterface } from 'node:readline';

const PASSWORD = 'correct horse battery staple';

function login(base: URL, username: string, password: string, localAddress: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const body = JSON.stringify({ username, password });
  return new Promise((resolve) => {
    const req = request(new URL('/v1/sessions', base), { method: 'POST', agent: false, localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: -1, ms: performance.now() - started }));
    req.end(body);
  });
}

async function flood(base: URL, name: string, username: (address: number, attempt: number) => string, usual: string, fresh: string): Promise<void> {
  const baseline = await login(base, 'alice', PASSWORD, usual);
  const attempts = Array.from({ length: 100 }, (_, a) => Array.from({ length: 5 }, (_, i) => login(base, username(a, i), 'not the password at all', `127.0.1.${a + 1}`))).flat();
  const [fromUsual, fromNew] = await Promise.all([login(base, 'alice', PASSWORD, usual), login(base, 'alice', PASSWORD, fresh)]);
  const answers = await Promise.all(attempts);
  const tally: Record<string, number> = {};
  for (const a of answers) tally[a.status] = (tally[a.status] ?? 0) + 1;
  const floodMs = Math.max(...answers.map((a) => a.ms));
  const shown = (r: { status: number; ms: number }) => ({ status: r.status, ms: Math.round(r.ms) });
  console.log(JSON.stringify({ flood: name, ownerBefore: shown(baseline), ownerDuringFromUsualAddress: shown(fromUsual), ownerDuringFromNewAddress: shown(fromNew), floodStatuses: tally, floodLastAnswerMs: Math.round(floodMs) }));
}

const child = spawn(process.execPath, ['--import', 'tsx', 'test/hub/support/standalone-hub.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const base = await new Promise<URL>((resolve) => createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('listening ') && resolve(new URL(l.slice(10)))));
  await flood(base, 'stuffing: 100 addresses x 5 usernames', (a, i) => `user-${a}-${i}`, '127.0.2.1', '127.0.3.1');
  await flood(base, "guessing alice's password: 100 addresses x 5", () => 'alice', '127.0.2.2', '127.0.3.2');
} finally {
  child.kill('SIGTERM');
}
