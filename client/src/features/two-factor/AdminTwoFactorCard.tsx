import { useMutation } from '@apollo/client/react';
import { Button, Card, Group, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql } from '../../__generated__';
import { useReauthGuard } from './useReauthGuard';

const ResetTwoFactorDocument = graphql(`
  mutation ResetTwoFactor($accountId: ID!) {
    resetTwoFactor(accountId: $accountId) {
      __typename
      ... on TwoFactorResetPending {
        expiresAt
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`);

const UnlockSecondFactorDocument = graphql(`
  mutation UnlockSecondFactor($accountId: ID!) {
    unlockSecondFactor(accountId: $accountId)
  }
`);

/**
 * Lost device, on someone else's account page: reset their 2FA (re-authentication first; an admin's
 * reset waits for a second admin), or unlock second-step sign-in after too many failures.
 */
export function AdminTwoFactorCard({ account }: { account: { id: string; email: string } }) {
  const { guard, modal } = useReauthGuard();
  const [reset, { loading: resetting }] = useMutation(ResetTwoFactorDocument);
  const [unlock, { loading: unlocking }] = useMutation(UnlockSecondFactorDocument);

  const doReset = () =>
    guard('Reset', async () => {
      const r = (await reset({ variables: { accountId: account.id } })).data?.resetTwoFactor;
      if (r?.__typename === 'TwoFactorResetPending') {
        notifications.show({
          color: 'yellow',
          message: `Another admin must approve resetting ${account.email}'s 2FA (before ${new Date(r.expiresAt).toLocaleString()}). The other admins were e-mailed; they approve it on the 2FA compliance page.`,
        });
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
      <Group mt="sm">
        <Button color="red" variant="light" loading={resetting} onClick={() => void doReset()}>
          Reset two-factor authentication
        </Button>
        <Button variant="default" loading={unlocking} onClick={() => void doUnlock()}>
          Unlock second-step sign-in
        </Button>
      </Group>
      {modal}
    </Card>
  );
}
