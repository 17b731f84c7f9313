/**
 * What an attacker who owns the vendor walks away with: every byte the hub
 * holds or can read. The hub's database (its SQLite files, WAL included, as
 * they are on disk, or a pg_dump of its PostgreSQL schema), its blob store
 * (a directory, or every object under an S3 prefix), its configuration and
 * key file, its environment, and everything the processes printed. Nothing
 * of the lab's (keystore, gatekeeper database, lab files) is copied: in a
 * real deployment none of it is on the vendor's machines.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fail } from '../../core/errors.js';

export interface CopiedFile {
  /** Where it came from, for the report ("hub database: hub.db-wal", "blob: …"). */
  readonly source: string;
  readonly bytes: Uint8Array;
}

export interface VendorSources {
  readonly dataDir: string;
  /** The hub's database files, relative to dataDir (SQLite), or a postgres:// URL and schema. */
  readonly database: { readonly kind: 'sqlite'; readonly files: readonly string[] } | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };
  /** A directory, or s3://bucket/prefix with an endpoint. */
  readonly blobs: { readonly kind: 'dir'; readonly path: string } | { readonly kind: 's3'; readonly url: string; readonly endpoint: string | undefined };
  /** The hub's own files in dataDir (its key, its configuration). */
  readonly configFiles: readonly string[];
  /** The hub process's environment. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** What the processes printed while the drill ran. */
  readonly output: string;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function copyS3(url: string, endpoint: string | undefined): Promise<CopiedFile[]> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) fail('BAD_FORMAT', `blobs ${url}: expected s3://bucket/prefix`);
  const [, bucket, prefix] = m as unknown as [string, string, string];
  const s3 = new S3Client({ region: process.env.AWS_REGION ?? 'us-east-1', forcePathStyle: true, ...(endpoint ? { endpoint } : {}) });
  const out: CopiedFile[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      out.push({ source: `blob s3://${bucket}/${o.Key}`, bytes: await got.Body!.transformToByteArray() });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  s3.destroy();
  return out;
}

export async function copyVendor(s: VendorSources): Promise<CopiedFile[]> {
  const out: CopiedFile[] = [];
  if (s.database.kind === 'sqlite') {
    for (const name of s.database.files) {
      const bytes = await readFile(join(s.dataDir, name)).catch(() => undefined);
      if (bytes) out.push({ source: `hub database ${name}`, bytes });
    }
  } else {
    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--schema', s.database.schema, s.database.url], { maxBuffer: 1 << 30, encoding: 'buffer' });
    out.push({ source: `hub database pg_dump --schema ${s.database.schema}`, bytes: stdout });
  }
  if (s.blobs.kind === 'dir') {
    if ((await stat(s.blobs.path).catch(() => undefined))?.isDirectory()) {
      for (const path of await walk(s.blobs.path)) out.push({ source: `blob ${relative(s.blobs.path, path)}`, bytes: await readFile(path) });
    }
  } else {
    out.push(...(await copyS3(s.blobs.url, s.blobs.endpoint)));
  }
  for (const name of s.configFiles) {
    const bytes = await readFile(join(s.dataDir, name)).catch(() => undefined);
    if (bytes) out.push({ source: `hub file ${name}`, bytes });
  }
  out.push({ source: 'hub environment', bytes: new TextEncoder().encode(JSON.stringify(s.environment)) });
  out.push({ source: 'process output', bytes: new TextEncoder().encode(s.output) });
  return out;
}
