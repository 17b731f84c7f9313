/**
 * The hub's config file (`keyhole hub init` writes a commented starter;
 * docs/OPERATIONS.md §Deployment). Paths are relative to the file. A
 * database URL with a password comes from KEYHOLE_HUB_DATABASE, never the
 * file; S3 credentials come from the usual AWS variables.
 */
import { z } from 'zod';
import { Identifier } from '../../core/schema.js';

const Port = z.number().int().min(0).max(65_535);
const Origin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be scheme://host[:port], e.g. https://keys.lab.example');
const Limit = z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) }).strict();

export const HubConfig = z
  .object({
    /** The hub id its assignments name; must match the key file. */
    id: Identifier,
    /** The assignment-signing key (`keyhole hub init` creates it, mode 0600). */
    key: z.string().min(1).default('hub.key'),
    database: z.string().min(1).default('sqlite:hub.db'),
    /** PostgreSQL only: keep the hub's tables in this schema (created when missing), e.g. beside other services in one database. */
    databaseSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
    blobs: z
      .object({
        /** A directory, or s3://bucket/prefix. */
        location: z.string().min(1).default('blobs'),
        /** An S3-compatible endpoint for s3:// (AWS when absent). */
        s3Endpoint: z.string().url().optional(),
      })
      .strict()
      .prefault({}),
    listen: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(8787) }).strict().prefault({}),
    /** /metrics (and /healthz, /readyz) for the vendor's monitoring only: a listener of its own, loopback by default. */
    metrics: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(8788) }).strict().prefault({}),
    /** The lab's gatekeeper as annotators' browsers load the workstation from it: the only origin granted CORS. */
    workstationOrigin: Origin.optional(),
    limits: z
      .object({
        /** Requests per annotator and per lab. */
        account: Limit.default({ perSecond: 20, burst: 60 }),
        /** Login attempts per source address. */
        loginPerSource: Limit.default({ perSecond: 0.2, burst: 10 }),
        /** Request-body bytes held at once across all requests. */
        bodyBudgetBytes: z.number().int().min(1_048_576).default(128 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

export function starterHubConfig(id: string): string {
  return `# keyhole hub: the vendor's service (docs/HUB.md). It stores sealed items and
# labels and holds no key that decrypts anything.
# Paths are relative to this file. Every key can also be set by an environment
# variable KEYHOLE_HUB_<KEY> (listen.port -> KEYHOLE_HUB_LISTEN_PORT) or a flag
# --set key=value. Keep secrets out of this file.
id: ${id}
key: hub.key                         # assignment-signing key (mode 0600; created by init)
# sqlite:PATH (embedded) or postgres://user@host/db (set it in $KEYHOLE_HUB_DATABASE if it has a password)
database: sqlite:hub.db
# databaseSchema: keyhole_hub        # PostgreSQL only: the schema to keep the tables in
blobs:
  location: blobs                    # a directory, or s3://bucket/prefix (credentials: AWS_* variables)
  # s3Endpoint: https://s3.example   # an S3-compatible endpoint (AWS when absent)
listen:                              # the hub API: for annotators' workstations and the lab
  host: 127.0.0.1
  port: 8787
metrics:                             # /metrics, /healthz, /readyz: for the vendor's monitoring only
  host: 127.0.0.1
  port: 8788
# The lab's gatekeeper public URL, from which annotators load the workstation: the only CORS origin.
# workstationOrigin: https://keys.lab.example
limits:
  account: { perSecond: 20, burst: 60 }        # requests per annotator and per lab
  loginPerSource: { perSecond: 0.2, burst: 10 } # login attempts per source address
  bodyBudgetBytes: 134217728                    # request-body bytes held at once
`;
}
