/**
 * What only the lab may read about a minimized record: where it came from, how the A/B order was
 * shuffled, and the pseudonym table that reverses surrogates. The lab's ingest seals this object
 * to its own key; the minimizer only builds it.
 */
import type { EntityType } from './detectors/detector.js';

export interface PseudonymEntry {
  readonly entity: EntityType;
  readonly ruleId: string;
  readonly surrogate: string;
  readonly original: string;
}

export type BlindMapping =
  /** Position labels (e.g. "chosen") now hold the branch that was originally under `originalLabels[i]`. */
  | { readonly kind: 'branches'; readonly labels: readonly string[]; readonly originalLabels: readonly string[] }
  /** Under `parentId`, the replies now in position i were originally at `originalOrder[i]`. */
  | { readonly kind: 'siblings'; readonly parentId: string; readonly originalOrder: readonly number[] };

export interface LabOnlySection {
  readonly source: { readonly file: string; readonly line: number };
  readonly blind: readonly BlindMapping[];
  readonly pseudonyms: readonly PseudonymEntry[];
}
