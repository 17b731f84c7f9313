/** Fuzz smoke (test/fuzz/targets.ts): access records, notes, checkpoints, cosignatures, keys, tiles, entry bundles, tile paths, proof bundles, witness requests. */
import { smoke } from './support.js';
import { fuzzTargets } from './targets.js';

smoke(fuzzTargets(), (name) => /^(access record|note|checkpoint|cosignature|verifier|hash tile|entry bundle|tile paths|proof bundle|witness)/.test(name));
