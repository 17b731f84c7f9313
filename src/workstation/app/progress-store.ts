/**
 * How many items this tab submitted and skipped, per campaign, kept across a
 * reload like the session (sessionStorage: this tab only, gone when it
 * closes). Counts only: nothing of an item, a label or a draft.
 */
import { z } from 'zod';
import type { Progress } from './task-screen.js';

const KEY = 'keyhole.progress';
const Count = z.number().int().min(0).max(1_000_000);
const Stored = z.record(z.string().max(300), z.object({ submitted: Count, skipped: Count }).strict());

export function loadProgress(): Record<string, Progress> {
  try {
    const parsed = Stored.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function storeProgress(progress: Record<string, Progress>): void {
  sessionStorage.setItem(KEY, JSON.stringify(progress));
}
