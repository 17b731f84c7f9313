/**
 * The witness's config file (`keyhole witness init` writes a commented
 * starter; docs/OPERATIONS.md §Deployment). Paths are relative to the file.
 * The cosigning key stays in its own file (0600), never in the config.
 */
import { z } from 'zod';

const Port = z.number().int().min(0).max(65_535);

export const WitnessConfig = z
  .object({
    /** The witness's key name, e.g. witness.example/w1 (c2sp.org/signed-note). */
    name: z.string().min(1).max(200),
    /** The 32-byte Ed25519 seed as hex (`keyhole witness init` creates it, mode 0600). */
    key: z.string().min(1).default('witness.key'),
    /** Where the latest cosigned checkpoint of each log is kept, durably. */
    state: z.string().min(1).default('state'),
    /** The logs this witness cosigns: each log's origin and its checkpoint verifier key (whose name is the origin). */
    logs: z.array(z.object({ origin: z.string().min(1).max(200), vkey: z.string().min(1) }).strict()).max(1000).default([]),
    listen: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(7380) }).strict().prefault({}),
    /** /metrics (and /healthz, /readyz) for the witness operator's monitoring: a listener of its own, loopback by default. */
    metrics: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(7381) }).strict().prefault({}),
  })
  .strict();
export type WitnessConfig = z.infer<typeof WitnessConfig>;

export function starterWitnessConfig(name: string): string {
  return `# keyhole witness: a C2SP tlog-witness (c2sp.org/tlog-witness). It cosigns a log's
# checkpoint only if it consistently extends the last one it cosigned, so the
# log cannot show different histories to different people.
# Paths are relative to this file. Every key can also be set by an environment
# variable KEYHOLE_WITNESS_<KEY> (listen.port -> KEYHOLE_WITNESS_LISTEN_PORT) or a
# flag --set key=value.
name: ${name}
key: witness.key                     # the cosigning key, hex seed (mode 0600; created by init)
state: state                         # the latest cosigned checkpoint of each log
# The logs to witness: the lab gives you its origin and log key (\`keyhole gatekeeper init\` prints it).
logs: []
#  - origin: lab.example.keyhole/audit/v1
#    vkey: lab.example.keyhole/audit/v1+01234567+AbCd...
listen:                              # POST /add-checkpoint: for the logs' gatekeepers
  host: 127.0.0.1
  port: 7380
metrics:                             # /metrics, /healthz, /readyz: for your monitoring only
  host: 127.0.0.1
  port: 7381
`;
}
