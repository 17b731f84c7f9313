/**
 * Every valid checkpoint the monitor has seen, from the log or from gossip,
 * kept as evidence. Two validly signed checkpoints with one size and two
 * roots are a split view: proof that the log showed different histories to
 * different parties. Both notes are kept and put on the alert.
 */
import { toBase64 } from '../../core/bytes.js';
import { constantTimeEqual } from '../../core/bytes.js';
import type { Finding } from '../rules/rule.js';
import type { MonitorStore } from '../store/monitor-store.js';
import type { VerifiedCheckpoint } from './checkpoint-policy.js';
import { integrityFinding } from './integrity-finding.js';

export function recordCheckpoint(store: MonitorStore, vc: VerifiedCheckpoint, source: string, nowMs: number): Finding | undefined {
  const { size, rootHash } = vc.checkpoint;
  const other = store.checkpointsAt(size).find((row) => !constantTimeEqual(row.root, rootHash));
  store.addCheckpoint({ size, root: rootHash, note: vc.note, source, seen_ms: nowMs });
  if (!other) return undefined;
  return splitView(size, other.note, other.source, vc.note, source);
}

export function splitView(size: number, firstNote: string, firstSource: string, secondNote: string, secondSource: string, why = `two different roots for tree size ${size}`): Finding {
  const roots = [firstNote, secondNote].map((n) => n.split('\n')[2] ?? '?').sort();
  return integrityFinding('split-view', `split view: ${why} (${firstSource} and ${secondSource})`, `${size}|${roots.join('|')}`, {
    size,
    checkpoints: [
      { source: firstSource, note: firstNote },
      { source: secondSource, note: secondNote },
    ],
  });
}

export const rootText = (root: Uint8Array): string => toBase64(root);
