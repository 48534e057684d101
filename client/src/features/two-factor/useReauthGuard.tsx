import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import type { TwoFactorMethod } from '../../__generated__/graphql';
import { toProblem } from '../errors/problem';
import { ReauthModal } from './ReauthModal';

/** Runs a sensitive action; when the server asks for re-authentication, asks for it and runs it again. */
export function useReauthGuard(methods: TwoFactorMethod[]): {
  guard: (label: string, action: () => Promise<void>) => Promise<void>;
  modal: ReactNode;
} {
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);
  async function guard(label: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      const p = toProblem(error);
      if (p.code === 'REAUTH_REQUIRED') setPending(() => action);
      else notifications.show({ color: 'red', title: `${label} failed`, message: p.message });
    }
  }
  const modal = pending ? (
    <ReauthModal
      methods={methods}
      onCancel={() => setPending(null)}
      onDone={() => {
        const action = pending;
        setPending(null);
        void action().catch((error: unknown) => notifications.show({ color: 'red', message: toProblem(error).message }));
      }}
    />
  ) : null;
  return { guard, modal };
}
