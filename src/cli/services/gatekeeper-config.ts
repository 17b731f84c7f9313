/**
 * The gatekeeper's config file (`keyhole gatekeeper init` writes a commented
 * starter; docs/OPERATIONS.md §Deployment). Paths are relative to the file.
 * Secrets stay out of it: the keystore passphrase is read from the variable
 * `keystore.passphraseEnv` names, and a database URL with a password can come
 * from KEYHOLE_GATEKEEPER_DATABASE.
 */
import { z } from 'zod';
import { Identifier } from '../../core/schema.js';

const Port = z.number().int().min(0).max(65_535);
const HttpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

export const GatekeeperConfig = z
  .object({
    lab: Identifier,
    database: z.string().min(1).default('sqlite:gatekeeper.db'),
    /** PostgreSQL only: keep the gatekeeper's tables in this schema (created when missing), e.g. beside a hub in one database. */
    databaseSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
    keystore: z
      .object({
        file: z.string().min(1).default('gatekeeper.keystore'),
        passphraseEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').default('KEYHOLE_KEYSTORE_PASSPHRASE'),
        /** An AWS KMS key id or ARN: the root key lives in KMS instead of the file. */
        kmsKey: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    log: z.object({ dir: z.string().min(1).default('log'), origin: z.string().min(1).max(200) }).strict(),
    listen: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(7390), publicUrl: HttpUrl.optional() }).strict().prefault({}),
    admin: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(7391) }).strict().prefault({}),
    witnesses: z.array(z.object({ url: HttpUrl, vkey: z.string().min(1) }).strict()).max(16).default([]),
    quorum: z.number().int().min(1).max(16).optional(),
    /** Run without any witness: every start warns, and status says so (DESIGN §1: witnesses keep the lab honest). */
    noWitness: z.boolean().default(false),
    workstation: z
      .object({
        /** The built app (default: the installed package's dist/workstation-app). */
        bundle: z.string().min(1).optional(),
        /** The vendor's hub as annotators' browsers reach it (default: the hub URL of the only vendor). */
        hub: HttpUrl.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type GatekeeperConfig = z.infer<typeof GatekeeperConfig>;

export function starterGatekeeperConfig(lab: string, origin: string): string {
  return `# keyhole gatekeeper: the lab's key-release service (docs/GATEKEEPER.md).
# Paths are relative to this file. Every key can also be set by an environment
# variable KEYHOLE_GATEKEEPER_<KEY> (listen.port -> KEYHOLE_GATEKEEPER_LISTEN_PORT)
# or a flag --set key=value. Keep secrets out of this file.
lab: ${lab}
# sqlite:PATH (embedded) or postgres://user@host/db (set it in $KEYHOLE_GATEKEEPER_DATABASE if it has a password)
database: sqlite:gatekeeper.db
# databaseSchema: keyhole_gatekeeper  # PostgreSQL only: the schema to keep the tables in
keystore:
  file: gatekeeper.keystore          # the root key, sealed with a passphrase (scrypt)
  passphraseEnv: KEYHOLE_KEYSTORE_PASSPHRASE
  # kmsKey: arn:aws:kms:...          # use an AWS KMS key as the root key instead
log:
  dir: log                           # the audit log's tiles (C2SP tlog-tiles)
  origin: ${origin}
listen:                              # key release, the log, the workstation app: for annotators
  host: 127.0.0.1
  port: 7390
  # publicUrl: https://keys.lab.example/   # how annotators reach it (default http://host:port/)
admin:                               # the admin API and /metrics: for the lab's operators only
  host: 127.0.0.1
  port: 7391
# Witnesses cosign every checkpoint; the gatekeeper refuses to start without a quorum unless noWitness.
witnesses: []
#  - url: https://witness.example/
#    vkey: witness.example/w1+01234567+AbCd...
# quorum: 1
noWitness: false
workstation: {}
#  hub: https://hub.vendor.example/   # the vendor's hub as annotators' browsers reach it
`;
}
