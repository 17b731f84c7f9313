/**
 * What the lab's commands need to find again after `keyhole demo` set things
 * up (`keyhole results pull`, `keyhole export`): which lab, vendor and
 * campaign, the hub's address, and where the gatekeeper's tables are. Kept as
 * `lab.json` in the data directory; no secret is in it (keys stay wrapped
 * under the root key in the gatekeeper's tables).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { TaskType } from '../core/campaign-manifest.js';
import { Identifier, UnixTime, parseWith } from '../core/schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { readJsonFile } from './lab-store.js';

export const LAB_CONFIG_FILE = 'lab.json';

export const LabConfig = z
  .object({
    v: z.literal(1),
    lab: Identifier,
    vendor: Identifier,
    campaign: Identifier,
    task: TaskType,
    overlap: z.number().int().min(1).max(16),
    opens: UnixTime,
    closes: UnixTime,
    /** The hub's URL when the exchange last ran. */
    hub: z.string().url(),
    /** postgres://… when the tables are on PostgreSQL; absent for SQLite files in the data directory. */
    db: z.string().optional(),
    pgSchemaPrefix: z.string().optional(),
    /** s3://bucket/prefix when sealed items are in S3; absent for blobs/ in the data directory. */
    blobs: z.string().optional(),
  })
  .strict();
export type LabConfig = z.infer<typeof LabConfig>;

export function readLabConfig(dataDir: string): Promise<LabConfig | undefined> {
  return readJsonFile(join(dataDir, LAB_CONFIG_FILE), LabConfig);
}

export async function writeLabConfig(dataDir: string, config: LabConfig): Promise<void> {
  await writeFileAtomic(join(dataDir, LAB_CONFIG_FILE), `${JSON.stringify(parseWith(LabConfig, config, 'lab config'), null, 2)}\n`);
}
