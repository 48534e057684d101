/**
 * Whether the keyboard focus was lost: on nothing, on the page itself, or on an element that has left
 * it (the button that had it went with its row or form). Only then does a page move it somewhere
 * sensible; focus that someone (or something, such as a dialog or new recovery codes) put elsewhere stays.
 */
export function focusLost(): boolean {
  const focused = document.activeElement;
  return focused === null || focused === document.body || !focused.isConnected;
}
