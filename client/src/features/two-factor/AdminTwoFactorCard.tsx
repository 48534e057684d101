import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Card, Group, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql } from '../../__generated__';
import { useConfirm } from '../../components/useConfirm';
import { METHOD_LABELS } from './labels';
import { toProblem } from '../errors/problem';
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
 * Lost device, on someone else's account page: reset their 2FA (re-authentication first; an admin's
 * reset waits for a second admin), or unlock second-step sign-in after too many failures.
 */
export function AdminTwoFactorCard({
  account,
}: {
  account: { id: string; email: string; role: string; requiresTwoFactor: boolean };
}) {
  const { guard, modal } = useReauthGuard();
  const { confirm, modal: confirmModal } = useConfirm();
  const status = useQuery(AccountTwoFactorDocument, { variables: { accountId: account.id }, fetchPolicy: 'cache-and-network' });
  const tf = status.data?.accountTwoFactor;
  const [reset, { loading: resetting }] = useMutation(ResetTwoFactorDocument, { refetchQueries: ['AccountTwoFactor'] });
  const [setRequired, { loading: marking }] = useMutation(SetRequiresTwoFactorDocument);
  const [unlock, { loading: unlocking }] = useMutation(UnlockSecondFactorDocument, { refetchQueries: ['AccountTwoFactor'] });

  const doReset = () =>
    guard('Reset', async () => {
      const r = (await reset({ variables: { accountId: account.id } })).data?.resetTwoFactor;
      if (r?.__typename === 'TwoFactorResetPending') {
        notifications.show({ color: 'yellow', message: pendingResetNotice(account.email, r) });
      } else if (r?.__typename === 'TwoFactorResetDone') {
        notifications.show({
          color: 'green',
          message: `Two-factor authentication of ${account.email} reset; they were signed out and e-mailed.`,
        });
      }
    });
  const doUnlock = () =>
    guard('Unlock', async () => {
      await unlock({ variables: { accountId: account.id } });
      notifications.show({ color: 'green', message: `Second-step sign-in unlocked for ${account.email}.` });
    });

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
          <Text size="sm">
            {tf.methods.filter((m) => m !== 'RECOVERY_CODE').length === 0
              ? 'No second factor set up.'
              : `Methods: ${tf.methods
                  .filter((m) => m !== 'RECOVERY_CODE')
                  .map((m) => METHOD_LABELS[m])
                  .join(', ')}; ${tf.recoveryCodesRemaining} recovery code${tf.recoveryCodesRemaining === 1 ? '' : 's'} left.`}
          </Text>
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
      {account.role === 'USER' && (
        <Switch
          mt="sm"
          label="Require two-factor authentication"
          description="Without a method, this user is signed out at once, then led through setting one up right after the password and can do nothing else until done (e.g. for customers who placed orders)."
          checked={account.requiresTwoFactor}
          disabled={marking}
          onChange={(e) => {
            const required = e.currentTarget.checked;
            void guard('Saving', async () => {
              await setRequired({ variables: { accountId: account.id, required } });
              notifications.show({
                color: 'green',
                message: required
                  ? `${account.email} must use two-factor authentication.`
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
              body: 'Every method and recovery code of the account is removed, all its sessions and API tokens end, and the holder is e-mailed. They set up two-factor authentication again at their next sign-in.',
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
      {modal}
      {confirmModal}
    </Card>
  );
}
