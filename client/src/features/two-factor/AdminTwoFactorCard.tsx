import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Card, Group, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { AccountTwoFactorQuery } from '../../__generated__/graphql';
import { FormattedDate } from '../../components/FormattedDate';
import { useConfirm } from '../../components/useConfirm';
import { useViewer } from '../session/viewer';
import { METHOD_LABELS } from './labels';
import { problemSentence, toProblem } from '../errors/problem';
import {
  afterResetSentence,
  ApproveRefusal,
  NOTHING_TO_RESET,
  PendingResetsDocument,
  useApproveReset,
} from './PendingResetsCard';
import { useReauthGuard } from './useReauthGuard';

const ResetTwoFactorDocument = graphql(`
  mutation ResetTwoFactor($accountId: ID!) {
    resetTwoFactor(accountId: $accountId) {
      __typename
      ... on TwoFactorResetPending {
        expiresAt
        newRequest
        adminsAsked
        request {
          createdAt
          approvableByYou
          requestedByYou
          requestedBy {
            id
            email
          }
        }
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`);

const SetRequiresTwoFactorDocument = graphql(`
  mutation SetRequiresTwoFactor($accountId: ID!, $required: Boolean!) {
    setRequiresTwoFactor(accountId: $accountId, required: $required) {
      requiresTwoFactor
      account {
        id
        requiresTwoFactor
      }
    }
  }
`);

const AccountTwoFactorDocument = graphql(`
  query AccountTwoFactor($accountId: ID!) {
    accountTwoFactor(accountId: $accountId) {
      methods
      recoveryCodesRemaining
      flaggedKeys
      required
      locked
      systemEnabled
      resettable
    }
  }
`);

const UnlockSecondFactorDocument = graphql(`
  mutation UnlockSecondFactor($accountId: ID!) {
    unlockSecondFactor(accountId: $accountId)
  }
`);

/** An unlock refused because the account is not locked (any more): said for its case. */
const NOT_LOCKED =
  'Second-step sign-in was not locked any more (unlocked meanwhile, from another tab, by another admin or with the command line): nothing changed.';

/**
 * What asking to reset an admin's 2FA did: a new request, and whom it asked (nobody when no other admin
 * who may approve is enabled now), or one already waiting, asked for by you or by another admin (whom
 * you may then be able to approve for).
 */
function pendingResetNotice(
  email: string,
  r: {
    expiresAt: string;
    newRequest: boolean;
    adminsAsked: number;
    request: { createdAt: string; approvableByYou: boolean; requestedByYou: boolean; requestedBy: { email: string } };
  },
): string {
  const until = new Date(r.expiresAt).toLocaleString();
  if (r.newRequest) {
    return r.adminsAsked > 0
      ? `Another admin must approve resetting ${email}'s 2FA (before ${until}). ${r.adminsAsked === 1 ? 'The admin who can approve it was' : `The ${r.adminsAsked} admins who can approve it were`} e-mailed; they approve it on the 2FA compliance page.`
      : `Another admin must approve resetting ${email}'s 2FA, and none who can approve it is enabled now: it waits until one is (before ${until}), or lapses.`;
  }
  const asked = new Date(r.request.createdAt).toLocaleString();
  if (r.request.requestedByYou) {
    return `You already asked to reset ${email}'s 2FA (${asked}); it still waits for another admin's approval (before ${until}). Nobody was e-mailed again.`;
  }
  return r.request.approvableByYou
    ? `${r.request.requestedBy.email} already asked to reset ${email}'s 2FA (${asked}). You can approve it on the 2FA compliance page (before ${until}).`
    : `${r.request.requestedBy.email} already asked to reset ${email}'s 2FA (${asked}); it waits for another admin's approval (before ${until}).`;
}

/**
 * What the account holds, in one sentence: the methods that finish its sign-in now, else what it holds
 * that cannot (a key flagged as a possible copy, e-mail codes while they are off for staff, a method
 * still being set up), and always the recovery codes left.
 */
function heldSentence(tf: AccountTwoFactorQuery['accountTwoFactor'], role: string): string {
  const codes = `${tf.recoveryCodesRemaining} recovery code${tf.recoveryCodesRemaining === 1 ? '' : 's'} left.`;
  const usable = tf.methods.filter((m) => m !== 'RECOVERY_CODE');
  if (usable.length > 0) return `Methods: ${usable.map((m) => METHOD_LABELS[m]).join(', ')}; ${codes}`;
  // Nothing a reset would remove: truly nothing (codes and the lock count as something).
  if (!tf.resettable) return 'No second factor set up.';
  const held: string[] = [];
  if (tf.flaggedKeys > 0) {
    held.push(
      `${tf.flaggedKeys === 1 ? 'a security key' : `${tf.flaggedKeys} security keys`} blocked as a possible copy (refused at sign-in)`,
    );
  } else if (tf.methods.includes('RECOVERY_CODE')) {
    // Recovery codes are offered only beside a factor held; with no key flagged and nothing usable, the
    // one held is e-mail codes, which staff may not use while they are off for staff.
    held.push('e-mail codes, not allowed for admins and sub-admins now');
  } else if (tf.recoveryCodesRemaining === 0 && !tf.locked) {
    held.push(
      role === 'USER'
        ? 'a method still being set up'
        : 'a method still being set up, or e-mail codes while they are not allowed for admins and sub-admins',
    );
  }
  return `No method usable at sign-in${held.length > 0 ? `; it holds ${held.join(', ')}` : ''}. ${codes}`;
}

/**
 * Lost device, on someone else's account page: reset their 2FA (re-authentication first; an admin's
 * reset waits for a second admin, and the request shows here until it is approved or lapses), or
 * unlock second-step sign-in after too many failures.
 */
export function AdminTwoFactorCard({
  account,
}: {
  account: { id: string; email: string; role: string; requiresTwoFactor: boolean };
}) {
  const viewer = useViewer();
  const client = useApolloClient();
  const { guard, modal } = useReauthGuard();
  const { confirm, modal: confirmModal } = useConfirm();
  const status = useQuery(AccountTwoFactorDocument, { variables: { accountId: account.id }, fetchPolicy: 'cache-and-network' });
  const tf = status.data?.accountTwoFactor;
  // Only an admin's reset waits for a second admin, and only admins see the requests.
  const mayWait = viewer.role === 'ADMIN' && account.role === 'ADMIN';
  const pending = useQuery(PendingResetsDocument, { skip: !mayWait, fetchPolicy: 'cache-and-network' });
  const waiting = pending.data?.pendingTwoFactorResets.find((r) => r.target.id === account.id);
  const approval = useApproveReset({ onTargetPage: true });
  const [refusal, setRefusal] = useState<string | null>(null);
  const [unlockRefusal, setUnlockRefusal] = useState<string | null>(null);
  const [reset, { loading: resetting }] = useMutation(ResetTwoFactorDocument, {
    refetchQueries: mayWait ? ['AccountTwoFactor', 'PendingTwoFactorResets'] : ['AccountTwoFactor'],
  });
  // The card's own answer (`accountTwoFactor.required`) is read again before the change is reported
  // done: the reset question says what the next sign-in asks for from it.
  const [setRequired, { loading: marking }] = useMutation(SetRequiresTwoFactorDocument, {
    refetchQueries: ['AccountTwoFactor'],
    awaitRefetchQueries: true,
  });
  const [unlock, { loading: unlocking }] = useMutation(UnlockSecondFactorDocument, { refetchQueries: ['AccountTwoFactor'] });

  const doReset = () => {
    setRefusal(null);
    return guard(
      'Reset',
      async () => {
        const r = (await reset({ variables: { accountId: account.id } })).data?.resetTwoFactor;
        if (r?.__typename === 'TwoFactorResetPending') {
          // Long, with a deadline and instructions: it stays until closed (the card shows the request too).
          notifications.show({ color: 'yellow', message: pendingResetNotice(account.email, r), autoClose: false });
        } else if (r?.__typename === 'TwoFactorResetDone') {
          notifications.show({
            color: 'green',
            message: `Two-factor authentication of ${account.email} reset; they were signed out and e-mailed.`,
          });
        }
      },
      (p) => {
        // Its factors went meanwhile (removed by the holder, or reset from another tab): the card shows it.
        if (p.code === 'METHOD_NOT_SET_UP') {
          setRefusal(NOTHING_TO_RESET);
          void client.refetchQueries({ include: ['AccountTwoFactor'] });
        } else setRefusal(problemSentence(p));
      },
    );
  };
  const doUnlock = () => {
    setUnlockRefusal(null);
    return guard(
      'Unlock',
      async () => {
        await unlock({ variables: { accountId: account.id } });
        notifications.show({ color: 'green', message: `Second-step sign-in unlocked for ${account.email}.` });
      },
      (p) => {
        // Unlocked meanwhile (another admin, another tab, the CLI) or never locked: nothing changed, and
        // the card shows the account as it is now.
        if (p.code === 'BAD_USER_INPUT' && p.fieldErrors['accountId']) {
          setUnlockRefusal(NOT_LOCKED);
          void client.refetchQueries({ include: ['AccountTwoFactor'] });
        } else setUnlockRefusal(problemSentence(p));
      },
    );
  };

  return (
    <Card withBorder>
      <Title order={2} size="h4">
        Two-factor authentication
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        For a lost phone or key: resetting removes every method and recovery code of the account, signs it out everywhere and
        e-mails the holder. You confirm it is you first.
      </Text>
      {status.error && !tf && (
        <Text size="sm" c="red" mt="sm" role="alert">
          Its second factors could not be read: {toProblem(status.error).message}
        </Text>
      )}
      {tf && (
        <Group gap="xs" mt="sm" data-testid="account-two-factor">
          <Text size="sm">{heldSentence(tf, account.role)}</Text>
          {tf.flaggedKeys > 0 && (
            <Badge color="orange">
              {tf.flaggedKeys} security key{tf.flaggedKeys === 1 ? '' : 's'} flagged
            </Badge>
          )}
          {tf.locked && <Badge color="red">Second-step sign-in locked</Badge>}
          {!tf.systemEnabled && (
            <Text size="sm" c="dimmed">
              Two-factor authentication is switched off for the system: no sign-in asks for these now.
            </Text>
          )}
        </Group>
      )}
      {waiting && (
        <Alert color="yellow" variant="light" mt="sm" role="status" title="Reset waiting for a second admin">
          <Text size="sm">
            Asked for by {waiting.requestedBy.id === viewer.id ? 'you' : waiting.requestedBy.email} on{' '}
            <FormattedDate value={waiting.createdAt} />; it lapses <FormattedDate value={waiting.expiresAt} /> unless another
            admin approves it first.{' '}
            {waiting.approvableByYou
              ? 'You can approve it.'
              : waiting.requestedBy.id === viewer.id
                ? 'It waits for another admin’s approval.'
                : 'It waits for another admin: only one who had been an admin for at least a day when it was asked for, and neither the one who asked nor the holder, can approve it.'}
          </Text>
          {waiting.approvableByYou && (
            <Button
              mt="xs"
              color="red"
              variant="light"
              loading={approval.approving === waiting.id}
              aria-label={`Approve reset of ${account.email}`}
              onClick={() => approval.ask(waiting, tf?.required)}
            >
              Approve
            </Button>
          )}
        </Alert>
      )}
      {pending.error && !pending.data && (
        <Text size="sm" c="red" mt="sm" role="alert">
          Whether a reset waits for approval could not be read: {toProblem(pending.error).message}
        </Text>
      )}
      <ApproveRefusal refusal={approval.refusal} onClose={approval.clearRefusal} />
      {account.role === 'USER' && (
        <Switch
          mt="sm"
          label="Require two-factor authentication"
          description={
            tf && !tf.systemEnabled
              ? 'Takes effect only when two-factor authentication is switched on for the system (it is off now). Then, without a method, this user is signed out at once and led through setting one up right after the password, and can do nothing else until done.'
              : 'Without a method, this user is signed out at once, then led through setting one up right after the password and can do nothing else until done (e.g. for customers who placed orders).'
          }
          checked={account.requiresTwoFactor}
          disabled={marking}
          onChange={(e) => {
            const required = e.currentTarget.checked;
            const off = tf !== undefined && !tf.systemEnabled;
            void guard('Saving', async () => {
              await setRequired({ variables: { accountId: account.id, required } });
              notifications.show({
                color: 'green',
                message: required
                  ? off
                    ? `${account.email} must use two-factor authentication once it is switched on for the system.`
                    : `${account.email} must use two-factor authentication.`
                  : `${account.email} no longer has to use two-factor authentication.`,
              });
            });
          }}
        />
      )}
      <Group mt="sm">
        <Button
          color="red"
          variant="light"
          loading={resetting}
          // Nothing to reset (no method, recovery code or lock): the server would refuse it too.
          disabled={tf !== undefined && !tf.resettable}
          onClick={() =>
            confirm({
              title: `Reset the two-factor authentication of ${account.email}?`,
              // An admin's reset may wait for a second admin: then only a request is made (and it is said).
              body: mayWait
                ? `If another admin of at least a day exists, this only asks for the reset: one of them must approve it, and nothing changes until then. Once carried out, every method and recovery code of the account is removed, all its sessions end, and the holder is e-mailed. ${afterResetSentence(tf?.required)}`
                : `Every method and recovery code of the account is removed, all its sessions end, and the holder is e-mailed. ${afterResetSentence(tf?.required)}`,
              confirmLabel: 'Reset',
              onConfirm: () => void doReset(),
            })
          }
        >
          Reset two-factor authentication
        </Button>
        {/* Offered while locked, and while the status is unknown (its query failed): the server decides. */}
        <Button variant="default" loading={unlocking} disabled={tf !== undefined && !tf.locked} onClick={() => void doUnlock()}>
          Unlock second-step sign-in
        </Button>
      </Group>
      <Refusal title="Reset failed" text={refusal} onClose={() => setRefusal(null)} />
      <Refusal title="Unlock failed" text={unlockRefusal} onClose={() => setUnlockRefusal(null)} />
      {modal}
      {confirmModal}
      {approval.modals}
    </Card>
  );
}

/** A refused action, said on the card until dismissed (nothing when `text` is null). */
function Refusal({ title, text, onClose }: { title: string; text: string | null; onClose: () => void }) {
  if (!text) return null;
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
      {text}
    </Alert>
  );
}
