/** Fuzz smoke (test/fuzz/targets.ts): access records, notes, checkpoints, cosignatures, keys, tiles, entry bundles, tile paths, proof bundles, witness requests, the monitor's checkpoint check, the hub's lab signature header. */
import { smoke } from './support.js';
import { fuzzTargets } from './targets.js';

smoke(fuzzTargets(), (name) => /^(access record|note|checkpoint|cosignature|verifier|hash tile|entry bundle|tile paths|proof bundle|witness|monitor|hub)/.test(name));
