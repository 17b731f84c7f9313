/** New device: an annotator who already worked from one device now releases to another. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const newDevice = defineRule({
  name: 'new-device',
  category: 'misuse',
  severity: 'warning',
  summary: 'first release to a device other than the ones an annotator used before',
  thresholds: z.strictObject({}),
  defaults: { cooldownSeconds: 0 },
  onRecord(e, state) {
    if (e.record.kind !== 'release' || e.record.decision !== 'allow' || e.device === undefined) return undefined;
    const a = state.annotator(e.record.annotator);
    if (!a?.switchedDevice) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, dedupKey: `new-device|${e.record.annotator}|${e.device}`, message: `${e.record.annotator}: first release to device ${e.device.slice(0, 16)}…, device ${a.devices.size} of this annotator` };
  },
});
