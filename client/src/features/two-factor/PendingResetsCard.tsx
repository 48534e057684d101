import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { Alert, Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { graphql } from '../../__generated__';
import { FormattedDate } from '../../components/FormattedDate';
import { QueryError } from '../../components/QueryError';
import type { Viewer } from '../session/viewer';
import { useConfirm } from '../../components/useConfirm';
import { type Problem, problemSentence } from '../errors/problem';
import { TwoFactorSettingsDocument } from './TwoFactorSettingsCard';
import { useReauthGuard } from './useReauthGuard';
import { focusLost } from '../../components/focus';

export const PendingResetsDocument = graphql(`
  query PendingTwoFactorResets {
    pendingTwoFactorResets {
      id
      createdAt
      expiresAt
      approvableByYou
      target {
        id
        email
      }
      requestedBy {
        id
        email
      }
    }
  }
`);

const ApproveResetDocument = graphql(`
  mutation ApproveTwoFactorReset($requestId: ID!) {
    approveTwoFactorReset(requestId: $requestId) {
      __typename
      ... on TwoFactorResetDone {
        account {
          id
          email
        }
      }
    }
  }
`);

const WithdrawResetDocument = graphql(`
  mutation WithdrawTwoFactorReset($requestId: ID!) {
    withdrawTwoFactorReset(requestId: $requestId)
  }
`);

/**
 * What a reset leaves of the holder's next sign-in (`required`: a policy requires 2FA of the account;
 * undefined while that is not known, when both cases are said). Without a policy a reset leads to no
 * new setup: the password alone signs in.
 */
export function afterResetSentence(required: boolean | undefined): string {
  if (required === true) return 'They are led through setting up two-factor authentication again right after their password.';
  if (required === false) return 'Their next sign-in needs only the password, until they set up a method again.';
  return 'Their next sign-in needs only the password until they set up a method again, unless two-factor authentication is required of them: then they are led through setting it up right after the password.';
}

/** The sentence for a reset that found nothing to remove (METHOD_NOT_SET_UP: the catalog's is about your own methods). */
export const NOTHING_TO_RESET = 'This account has nothing left to reset (no method, recovery code or lock).';

/** Where to ask for a reset again: the button below on the account's own page, else a link to that page. */
function askAgainWhere(target: { id: string; email: string }, onTargetPage: boolean): ReactNode {
  if (onTargetPage) return ' (Reset two-factor authentication, below).';
  return (
    <>
      {' '}
      from{' '}
      <Anchor component={Link} to={`/users/${target.id}`} inherit>
        {target.email}’s page
      </Anchor>
      .
    </>
  );
}

/** A refused approval, said for its case (the catalog's sentences are written for other cases). */
function approveRefusal(p: Problem, target: { id: string; email: string }, onTargetPage: boolean): ReactNode {
  switch (p.code) {
    case 'CONFLICT':
      // The server no longer lists such a request: it cannot be approved, only asked for again.
      return (
        <>
          {p.reason === 'TARGET_RECOVERED' ? (
            <>
              {target.email} signed in, or set up a method or new recovery codes, after this reset was asked for: they are not
              locked out, so the request was closed and nothing was removed. If a reset is still needed, ask for it again
            </>
          ) : (
            <>
              The admin who asked to reset the two-factor authentication of {target.email} is no longer an admin, or was disabled,
              so nobody can approve that request. To go ahead, ask for the reset again
            </>
          )}
          {askAgainWhere(target, onTargetPage)}
        </>
      );
    case 'METHOD_NOT_SET_UP':
      return `${onTargetPage ? NOTHING_TO_RESET : `${target.email} has nothing left to reset (no method, recovery code or lock).`} The request was closed.`;
    case 'FORBIDDEN':
      switch (p.reason) {
        case 'APPROVER_DISABLED':
          return 'Your admin account was disabled while this approval waited, so nothing was reset.';
        case 'APPROVER_TOO_NEW':
          return 'Only an admin who had been one for at least a day when this reset was asked for can approve it: ask another admin.';
        case 'REQUESTED_BY_NEW_ADMIN':
          return (
            <>
              This reset was asked for by an admin of less than a day, so nobody can approve it. If it is still needed, ask for it
              again yourself
              {askAgainWhere(target, onTargetPage)}
            </>
          );
        default:
          return 'Only a second admin can approve this reset: neither the admin who asked for it nor its holder, and one who had been an admin for at least a day when it was asked for.';
      }
    case 'NOT_FOUND':
      return 'This request no longer waits: it lapsed or was closed, or another admin approved it meanwhile.';
    default:
      return problemSentence(p);
  }
}

/**
 * Approving a waiting reset of an admin's 2FA: the question (what is removed, what the next sign-in
 * asks for), the re-authentication, the approval. `approving`: the request being approved (its button
 * alone is busy); `refusal`: why the last one was refused, for the caller to show (the request's row
 * may be gone by then).
 */
export function useApproveReset({
  onTargetPage = false,
  onSettled,
}: {
  onTargetPage?: boolean;
  /** Called with the request once its approval is over and the waiting list read again (or not). */
  onSettled?: (id: string) => void;
} = {}): {
  ask: (request: { id: string; target: { id: string; email: string } }, required: boolean | undefined) => void;
  approving: string | null;
  refusal: ReactNode;
  clearRefusal: () => void;
  modals: ReactNode;
} {
  const client = useApolloClient();
  const { guard, modal } = useReauthGuard();
  const { confirm, modal: confirmModal } = useConfirm();
  const [approve] = useMutation(ApproveResetDocument);
  const [approving, setApproving] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ReactNode>(null);
  // What shows the account's state on this page: the account's 2FA card, or the compliance table.
  const shown = onTargetPage ? ['AccountTwoFactor'] : ['TwoFactorCompliancePage'];

  const run = (id: string, target: { id: string; email: string }) =>
    guard(
      'Approve',
      async () => {
        setApproving(id);
        try {
          const r = (await approve({ variables: { requestId: id }, refetchQueries: shown })).data?.approveTwoFactorReset;
          if (r?.__typename === 'TwoFactorResetDone') {
            notifications.show({
              color: 'green',
              message: `Two-factor authentication of ${target.email} reset; they were signed out and e-mailed.`,
            });
          }
        } finally {
          setApproving(null);
          // Also when refused (lapsed, approved by another admin, its requester gone): what is left waits.
          // A re-read that fails leaves the list as it was; the approval's own outcome stands as said.
          await client.refetchQueries({ include: ['PendingTwoFactorResets'] }).catch(() => undefined);
          onSettled?.(id);
        }
      },
      (p) => {
        setRefusal(approveRefusal(p, target, onTargetPage));
        // Nothing was left to reset: the page shows what the account holds now.
        if (p.code === 'METHOD_NOT_SET_UP') void client.refetchQueries({ include: shown });
      },
    );

  return {
    ask: (r, required) =>
      confirm({
        title: 'Approve the reset?',
        body: `Every method and recovery code of ${r.target.email} is removed, all its sessions end, and the holder is e-mailed. ${afterResetSentence(required)}`,
        confirmLabel: 'Approve and reset',
        onConfirm: () => {
          setRefusal(null);
          void run(r.id, r.target);
        },
      }),
    approving,
    refusal,
    clearRefusal: () => setRefusal(null),
    modals: (
      <>
        {confirmModal}
        {modal}
      </>
    ),
  };
}

/** A refused approval (or, with its own `title`, a refused withdrawal), kept on the page until dismissed or another is asked for. */
export function ApproveRefusal({
  refusal,
  onClose,
  title = 'Approve failed',
}: {
  refusal: ReactNode;
  onClose: () => void;
  title?: string;
}) {
  if (!refusal) return null;
  return (
    <Alert
      color="red"
      variant="light"
      title={title}
      role="alert"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      mt="sm"
    >
      {refusal}
    </Alert>
  );
}

/**
 * Admins only: resets of an admin's 2FA that wait for a second admin (lost device). Approving carries
 * the reset out (re-authentication first); the requester, the target and admins younger than a day
 * when it was asked for cannot approve.
 */
export function PendingResetsCard({ viewer }: { viewer: Viewer }) {
  const { data, error, refetch } = useQuery(PendingResetsDocument, { fetchPolicy: 'cache-and-network' });
  // Targets are admins: 2FA is required of them when it is on and required for staff.
  const settings = useQuery(TwoFactorSettingsDocument).data?.twoFactorSettings;
  const required = settings ? settings.enabled && settings.requiredForStaff : undefined;
  // A request approved or withdrawn here leaves the list with the button that had the focus: the focus
  // goes to the card's heading then (not to the page's start). The card stays from the action's start,
  // saying what is left, also when nothing is.
  const heading = useRef<HTMLHeadingElement>(null);
  const [keepShown, setKeepShown] = useState(false);
  const client = useApolloClient();
  const focusHeadingIfGone = (id: string) => {
    const still = client.readQuery({ query: PendingResetsDocument })?.pendingTwoFactorResets.some((r) => r.id === id);
    if (still !== false) return;
    requestAnimationFrame(() => {
      if (focusLost()) heading.current?.focus();
    });
  };
  const { ask, approving, refusal, clearRefusal, modals } = useApproveReset({ onSettled: focusHeadingIfGone });
  useEffect(() => {
    if (approving) setKeepShown(true);
  }, [approving]);
  const { confirm, modal: confirmWithdraw } = useConfirm();
  const { guard, modal: withdrawReauth } = useReauthGuard();
  const [withdraw] = useMutation(WithdrawResetDocument);
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [withdrawRefusal, setWithdrawRefusal] = useState<string | null>(null);
  const requests = data?.pendingTwoFactorResets ?? [];

  const askWithdraw = (r: { id: string; target: { email: string } }) =>
    confirm({
      title: 'Withdraw the reset request?',
      body: `Nobody can approve it any more, and nothing of ${r.target.email} changes; they are e-mailed that it was withdrawn. If a reset is still needed, it must be asked for again.`,
      confirmLabel: 'Withdraw',
      onConfirm: () => {
        setWithdrawRefusal(null);
        // A recent re-authentication first (asked for and retried by the guard).
        void guard(
          'Withdraw',
          async () => {
            setWithdrawing(r.id);
            setKeepShown(true);
            try {
              await withdraw({ variables: { requestId: r.id } });
              notifications.show({ color: 'green', message: `The reset request for ${r.target.email} was withdrawn.` });
            } finally {
              // Busy until the list no longer shows it: a second click would only be refused. A re-read
              // that fails leaves the list as it was, the button usable, and the withdrawal said as done.
              await client.refetchQueries({ include: ['PendingTwoFactorResets'] }).catch(() => undefined);
              setWithdrawing(null);
              focusHeadingIfGone(r.id);
            }
          },
          (p) =>
            setWithdrawRefusal(
              p.code === 'NOT_FOUND'
                ? 'This request no longer waits: it lapsed, was closed or withdrawn, or another admin approved it meanwhile.'
                : problemSentence(p),
            ),
        );
      },
    });

  // Nothing waits: no card, unless the list could not be read (an admin would conclude that nothing
  // waits) or an approval or a withdrawal was just refused (its row is gone; the reason stays).
  if (requests.length === 0 && !refusal && !withdrawRefusal && !keepShown && !(error && !data)) {
    return (
      <>
        {modals}
        {confirmWithdraw}
        {withdrawReauth}
      </>
    );
  }

  return (
    <Card withBorder padding="lg" aria-label="Resets waiting for approval" component="section">
      <Title order={2} size="h4" ref={heading} tabIndex={-1}>
        Resets waiting for a second admin
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        Resetting an admin’s two-factor authentication takes a second admin. Approve only a reset you have confirmed with the
        admin who asked for it: it removes every method of the account and signs it out everywhere.
      </Text>
      {error && !data && <QueryError error={error} onRetry={refetch} title="Could not load the resets waiting for approval" />}
      <ApproveRefusal refusal={refusal} onClose={clearRefusal} />
      <ApproveRefusal title="Withdraw failed" refusal={withdrawRefusal} onClose={() => setWithdrawRefusal(null)} />
      {data && requests.length === 0 && (
        <Text size="sm" mt="md">
          No other reset waits.
        </Text>
      )}
      <Stack gap="sm" mt="md">
        {requests.map((r) => {
          const own = r.requestedBy.id === viewer.id || r.target.id === viewer.id;
          return (
            <Group key={r.id} justify="space-between" wrap="wrap" gap="xs">
              <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                <Text size="sm">
                  <b>{r.target.email}</b>, asked by {r.requestedBy.email} on <FormattedDate value={r.createdAt} />
                </Text>
                <Text size="xs" c="dimmed">
                  Lapses <FormattedDate value={r.expiresAt} />
                </Text>
              </div>
              <Group gap="xs" wrap="wrap">
                {own ? (
                  <Alert variant="light" color="gray" p="xs" role="status">
                    {r.target.id === viewer.id
                      ? 'About your account: another admin approves.'
                      : 'You asked: another admin approves.'}
                  </Alert>
                ) : !r.approvableByYou ? (
                  <Alert variant="light" color="gray" p="xs" role="status">
                    Only an admin of at least a day when it was asked for can approve it.
                  </Alert>
                ) : (
                  <Button
                    color="red"
                    variant="light"
                    loading={approving === r.id}
                    aria-label={`Approve reset of ${r.target.email}`}
                    onClick={() => ask(r, required)}
                  >
                    Approve
                  </Button>
                )}
                {/* Anyone but its target may withdraw it (a mistaken request, or one its holder objects to). */}
                {r.target.id !== viewer.id && (
                  <Button
                    variant="default"
                    loading={withdrawing === r.id}
                    aria-label={`Withdraw reset of ${r.target.email}`}
                    onClick={() => askWithdraw(r)}
                  >
                    Withdraw
                  </Button>
                )}
              </Group>
            </Group>
          );
        })}
      </Stack>
      {modals}
      {confirmWithdraw}
      {withdrawReauth}
    </Card>
  );
}
