/**
 * Keeps the keyboard's focus somewhere useful when the control that had it goes away (its view hidden, its
 * button replaced by the outcome): without this it falls to the page, where Enter and Space do nothing and a
 * screen reader says nothing.
 */

/** True when the focus is nowhere a user can act from: on the page itself, in a hidden view, or on a removed element. */
export function focusLost(active: Element | null = document.activeElement): boolean {
  return active === null || active === document.body || !active.isConnected || active.closest('[hidden]') !== null;
}

/** Focuses `el` (a heading is made focusable for it, not tabbable) when the focus is lost; a focus elsewhere stays. */
export function focusIfLost(el: HTMLElement | null): void {
  if (!el || !focusLost()) return;
  if (!el.matches('button, a[href], input, select, textarea, [tabindex]')) el.tabIndex = -1;
  el.focus();
}
