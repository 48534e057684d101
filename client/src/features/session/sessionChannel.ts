/**
 * Tabs of one browser share the session cookie but not their caches: a tab that signs in or out says
 * so on this channel, and the others ask the server who is signed in now (`followSessionAcrossTabs`).
 */
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('sc-session');

/** Tells the other tabs that who is signed in may have changed. */
export function announceSessionChange(): void {
  channel?.postMessage('changed');
}

/** Runs `listener` whenever another tab announces a change. */
export function onSessionChangeElsewhere(listener: () => void): void {
  channel?.addEventListener('message', listener);
}
