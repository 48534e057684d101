import { useMutation } from '@apollo/client/react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { graphql } from '../../__generated__';
import { PasswordField } from '../../components/PasswordField';
import { toProblem, type Problem } from '../errors/problem';
import { useReauthGuard } from '../two-factor/useReauthGuard';

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($newPassword: String!) {
    changePassword(newPassword: $newPassword)
  }
`);

/** Your own password, on the Security page: confirmed with a re-authentication; other sessions end. */
export function ChangePasswordCard() {
  const [change, { loading }] = useMutation(ChangePasswordDocument);
  const { guard, modal } = useReauthGuard();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const mismatch = repeat.length > 0 && repeat !== password;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    if (password !== repeat) return;
    await guard('Changing the password', async () => {
      try {
        const { data } = await change({ variables: { newPassword: password } });
        const n = data?.changePassword ?? 0;
        notifications.show({
          color: 'green',
          message: `Password changed.${n > 0 ? ` ${n} other session${n === 1 ? ' was' : 's were'} signed out.` : ''}`,
        });
        setPassword('');
        setRepeat('');
      } catch (error) {
        const p = toProblem(error);
        // Re-authentication is the guard's to ask for; a refused password is shown at the field.
        if (p.code !== 'BAD_USER_INPUT') throw error;
        setProblem(p);
      }
    });
  }

  return (
    <Card withBorder padding="lg">
      {modal}
      <Title order={2} size="h4" mb="xs">
        Password
      </Title>
      <form onSubmit={(e) => void onSubmit(e)}>
        <Stack gap="sm" maw={420}>
          <Text size="sm" c="dimmed">
            At least 12 characters. You confirm it is you first; your other sessions are signed out.
          </Text>
          <PasswordField
            label="New password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={problem ? (problem.fieldErrors['newPassword'] ?? problem.message) : undefined}
          />
          <PasswordField
            label="Repeat the new password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? 'The two passwords differ.' : undefined}
          />
          <Group>
            <Button type="submit" loading={loading} disabled={mismatch || password.length === 0}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
