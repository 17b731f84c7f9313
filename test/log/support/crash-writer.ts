/**
 * Child process for the crash test: appends entries to the log in argv[2] as
 * fast as it can and prints "ACK <index> <entry>" only after an append is
 * acknowledged. The parent kills it with SIGKILL at a random moment.
 */
import { writeSync } from 'node:fs';
import { utf8 } from '../../../src/core/bytes.js';
import { ed25519NoteSigner } from '../../../src/core/note.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../../src/log/fs-storage.js';
import { LogWriter } from '../../../src/log/writer.js';

const [dir, round] = process.argv.slice(2) as [string, string];
const signer = await ed25519NoteSigner(p, 'crash.keyhole.example/log', new Uint8Array(32).fill(42));
const writer = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(dir), signer, batchSize: 16, batchDelayMs: 2 });
writeSync(1, `READY ${writer.size}\n`);
let n = 0;
// Keep several appends in flight so that kills land inside batches.
const worker = async (): Promise<void> => {
  for (;;) {
    const entry = `round ${round} entry ${n++}`;
    const { index } = await writer.append(utf8(entry));
    writeSync(1, `ACK ${index} ${entry}\n`);
  }
};
await Promise.all(Array.from({ length: 24 }, worker));
