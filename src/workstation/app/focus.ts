/**
 * Focus for keyboard and screen-reader users (issue 16, WCAG 2.4.3):
 *
 * - a new screen (after sign-in, campaign choice, submit) moves focus to its
 *   heading, so the next Tab starts there and a screen reader announces it,
 *   instead of focus falling back to <body>;
 * - a dialog takes focus when it opens, keeps Tab and Shift+Tab inside it
 *   (the page behind it is inert), and gives focus back where it was when it
 *   closes.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Focuses the element (a heading with tabIndex −1) whenever `key` changes, including on mount. */
export function useFocusOnChange<T extends HTMLElement>(key: unknown): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, [key]);
  return ref;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * For a modal dialog element: focus its first control on open, trap Tab
 * within it, make everything outside `#app`'s dialog inert, restore focus on
 * close.
 */
export function useDialogFocus<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // Everything but the dialog's own ancestors' other children becomes inert: not focusable, not clickable, hidden from assistive tech.
    const inerted: HTMLElement[] = [];
    for (let node: HTMLElement | null = dialog; node !== null && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement?.children ?? []) {
        if (sibling !== node && sibling instanceof HTMLElement && !sibling.inert) {
          sibling.inert = true;
          inerted.push(sibling);
        }
      }
    }
    const first = dialog.querySelector<HTMLElement>(FOCUSABLE) ?? dialog;
    first.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Tab') return;
      const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return e.preventDefault();
      const at = items.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : at === items.length - 1 || at < 0 ? 0 : at + 1;
      e.preventDefault();
      items[next]!.focus();
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      for (const el of inerted) el.inert = false;
      if (before?.isConnected) before.focus();
    };
  }, []);
  return ref;
}
