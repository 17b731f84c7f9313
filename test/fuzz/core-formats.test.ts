/** Fuzz smoke (test/fuzz/targets.ts): JSON, sealed items, lab sections, assignments, release requests and grants, enrollment requests, labels, manifests, receipts, label plaintexts, item contents. */
import { smoke } from './support.js';
import { fuzzTargets } from './targets.js';

smoke(fuzzTargets(), (name) => /^(json|sealed item|lab section|assignment|release|enrollment request|sealed label|campaign manifest|deletion receipt|label plaintext|item content|utf-8)/.test(name));
