/** Every record rule the monitor runs, in the order they are evaluated. */
import { accessAfterClose } from './access-after-close.js';
import { breadth } from './breadth.js';
import { chainGap } from './chain-gap.js';
import { denialBurst } from './denial-burst.js';
import { dormantAccount } from './dormant-account.js';
import { exposureBudget } from './exposure-budget.js';
import { missingReceipt } from './missing-receipt.js';
import { newDevice } from './new-device.js';
import { offHours } from './off-hours.js';
import { readsWithoutSubmits } from './reads-without-submits.js';
import { repeatedRelease } from './repeated-release.js';
import type { Rule } from './rule.js';
import { sequentialScan } from './sequential-scan.js';
import { tripwire } from './tripwire.js';
import { velocity } from './velocity.js';

export const ALL_RULES: readonly Rule[] = [
  chainGap,
  missingReceipt,
  tripwire,
  accessAfterClose,
  velocity,
  sequentialScan,
  denialBurst,
  readsWithoutSubmits,
  repeatedRelease,
  breadth,
  newDevice,
  dormantAccount,
  offHours,
  exposureBudget,
];

export const RULE_NAMES = ALL_RULES.map((r) => r.name);
