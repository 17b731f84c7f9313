/**
 * The hub session survives a reload of the tab (sessionStorage: this tab
 * only, gone when it closes). Only the bearer token and ids are stored, never
 * an item, a draft or a key.
 */
import { Session } from '../hub-client.js';

const KEY = 'keyhole.session';

export function loadSession(now: number): Session | undefined {
  try {
    const parsed = Session.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
    return parsed.success && parsed.data.expires > now ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session | undefined): void {
  if (session === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(session));
}
