import { notifications } from '@mantine/notifications';
import { useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@apollo/client/react';
import { type Problem, problemSentence, toProblem } from '../errors/problem';
import { MyTwoFactorDocument } from './operations';
import { ReauthModal } from './ReauthModal';

/**
 * Runs a sensitive action; when the server asks for re-authentication, asks for it and runs it again.
 * Other failures are shown as a notification, or handed to `onError` (a form that marks its fields).
 */
export function useReauthGuard(): {
  guard: (label: string, action: () => Promise<void>, onError?: (problem: Problem) => void) => Promise<void>;
  /** For a caller that already got REAUTH_REQUIRED from `action`: asks for the confirmation, then runs it. */
  confirmThen: (action: () => Promise<void>) => void;
  modal: ReactNode;
} {
  // Your own methods decide what the confirmation asks for (the Security page has them cached already).
  const myTwoFactor = useQuery(MyTwoFactorDocument);
  const methods = myTwoFactor.data?.myTwoFactor.methods ?? [];
  const [pending, setPendingState] = useState<(() => Promise<void>) | null>(null);
  // The dialog is mounted open and unmounted closed, so Mantine cannot give focus back: where it was
  // when the dialog opened (the button that asked) gets it again once the dialog is gone.
  const returnTo = useRef<HTMLElement | null>(null);
  const focused = () => (document.activeElement instanceof HTMLElement ? document.activeElement : null);
  /** `origin`: what had the focus when the action was asked for (a busy button loses it meanwhile). */
  // Closed (Esc, Cancel) before its confirmation was answered: the answer, when it comes, runs nothing.
  const cancelled = useRef(false);
  const setPending = (next: (() => Promise<void>) | null, origin: HTMLElement | null = null) => {
    if (next && !pending) returnTo.current = origin;
    if (next) cancelled.current = false;
    setPendingState(() => next);
  };
  /** Gives the focus back once the page has settled (a button busy with the action is disabled until then). */
  const giveFocusBack = () => {
    const el = returnTo.current;
    returnTo.current = null;
    setTimeout(() => {
      if (el?.isConnected && !(el as HTMLButtonElement).disabled) el.focus({ preventScroll: true });
    }, 0);
  };
  async function guard(label: string, action: () => Promise<void>, onError?: (problem: Problem) => void): Promise<void> {
    const fail = (p: Problem): void => {
      if (onError) onError(p);
      else {
        // No form to mark fields in: the field sentences themselves, as ProblemAlert shows them.
        notifications.show({ color: 'red', title: `${label} failed`, message: problemSentence(p) });
      }
    };
    const origin = focused();
    try {
      await action();
    } catch (error) {
      const p = toProblem(error);
      if (p.code === 'REAUTH_REQUIRED') setPending(() => action().catch((again: unknown) => fail(toProblem(again))), origin);
      else fail(p);
    }
  }
  const modal = pending ? (
    <ReauthModal
      methods={methods}
      reloadMethods={async () => (await myTwoFactor.refetch()).data?.myTwoFactor.methods ?? []}
      onCancel={() => {
        cancelled.current = true;
        setPending(null);
        giveFocusBack();
      }}
      onDone={() => {
        if (cancelled.current) return;
        const action = pending;
        setPending(null);
        void action()
          .catch((error: unknown) => notifications.show({ color: 'red', message: toProblem(error).message }))
          .finally(giveFocusBack);
      }}
    />
  ) : null;
  return { guard, confirmThen: (action) => setPending(action, focused()), modal };
}
