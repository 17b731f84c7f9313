import { useEffect, useRef } from 'preact/hooks';

export interface KeyPress {
  /** Single characters lower-cased; named keys (ArrowUp, Enter, Escape) as the browser names them. */
  key: string;
  shift: boolean;
  /** Ctrl or Cmd. */
  mod: boolean;
  /** Focus is in a text field, where only Escape and Ctrl/Cmd+Enter are ours. */
  typing: boolean;
  event: KeyboardEvent;
}

/** One document-level key handler; `handle` returns true when it used the key (its default is then prevented). */
export function useKeys(handle: (k: KeyPress) => boolean): void {
  const latest = useRef(handle);
  latest.current = handle;
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => {
      if (event.isComposing || event.altKey) return;
      const target = event.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && !['checkbox', 'radio', 'button'].includes((target as HTMLInputElement).type)));
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (latest.current({ key, shift: event.shiftKey, mod: event.ctrlKey || event.metaKey, typing, event })) event.preventDefault();
    };
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
