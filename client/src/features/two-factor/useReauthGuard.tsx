import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useQuery } from '@apollo/client/react';
import { type Problem, toProblem } from '../errors/problem';
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
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);
  async function guard(label: string, action: () => Promise<void>, onError?: (problem: Problem) => void): Promise<void> {
    const fail = (p: Problem): void => {
      if (onError) onError(p);
      else {
        // No form to mark fields in: the field sentences themselves, as ProblemAlert shows them.
        const fields = Object.values(p.fieldErrors);
        notifications.show({ color: 'red', title: `${label} failed`, message: fields.length > 0 ? fields.join(' ') : p.message });
      }
    };
    try {
      await action();
    } catch (error) {
      const p = toProblem(error);
      if (p.code === 'REAUTH_REQUIRED') setPending(() => () => action().catch((again: unknown) => fail(toProblem(again))));
      else fail(p);
    }
  }
  const modal = pending ? (
    <ReauthModal
      methods={methods}
      reloadMethods={async () => (await myTwoFactor.refetch()).data?.myTwoFactor.methods ?? []}
      onCancel={() => setPending(null)}
      onDone={() => {
        const action = pending;
        setPending(null);
        void action().catch((error: unknown) => notifications.show({ color: 'red', message: toProblem(error).message }));
      }}
    />
  ) : null;
  return { guard, confirmThen: (action) => setPending(() => action), modal };
}
