/** Fuzz smoke (test/fuzz/targets.ts): dataset records in every format the minimizer reads, and policy files. */
import { smoke } from './support.js';
import { fuzzTargets } from './targets.js';

smoke(fuzzTargets(), (name) => /^(dataset|policy)/.test(name), 1500);
