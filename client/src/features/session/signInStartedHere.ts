import { useSyncExternalStore } from 'react';

/**
 * Whether this page load started the sign-in now waiting for its second step (or for a first method).
 * Kept in memory only, never in storage: a waiting sign-in that a page did not start itself — a tab
 * closed half-way through on a shared computer and opened again by the next person, or a reload — is
 * ended on the server, never picked up. Signing in again asks for the password again.
 */
let startedHere = false;
/** When the sign-in this page load started ends (the server's `expiresAt`), if known. */
let deadline: string | null = null;
const listeners = new Set<() => void>();

export function signInStartedHere(): boolean {
  return startedHere;
}

/** When the waiting sign-in this page load started ends (null: none, or not known), for a pop-up shown again. */
export function signInDeadline(): string | null {
  return startedHere ? deadline : null;
}

export function setSignInStartedHere(value: boolean, expiresAt: string | null = null): void {
  deadline = value ? expiresAt : null;
  if (startedHere === value) return;
  startedHere = value;
  for (const listener of listeners) listener();
}

/** `signInStartedHere()`, re-rendering when it changes (a sign-in that ended on the server makes it false). */
export function useSignInStartedHere(): boolean {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, signInStartedHere);
}
