import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql } from '../../__generated__';
import { useReauthGuard } from '../two-factor/useReauthGuard';

const SignInGuardDocument = graphql(`
  query SignInGuard($accountId: ID!) {
    signInGuard(accountId: $accountId) {
      failures
      threshold
      windowSeconds
      paused
    }
  }
`);

const ResumeSignInsDocument = graphql(`
  mutation ResumeSignIns($accountId: ID!) {
    resumeSignIns(accountId: $accountId) {
      paused
    }
  }
`);

/**
 * On someone else's account page: the password guard's state once wrong passwords for the account
 * came from many places, and, while its sign-ins from new places are paused, the way to resume them.
 * Nothing when no wrong password is counted.
 */
export function SignInGuardCard({ account }: { account: { id: string; email: string } }) {
  const { guard, modal } = useReauthGuard();
  const { data } = useQuery(SignInGuardDocument, { variables: { accountId: account.id }, fetchPolicy: 'cache-and-network' });
  const [resume, { loading }] = useMutation(ResumeSignInsDocument, { refetchQueries: ['SignInGuard'] });
  const g = data?.signInGuard;
  // Nothing counted, or the guard switched off (a count left from before pauses nothing).
  if (!g || g.failures === 0 || g.threshold === 0) return null;
  const doResume = () =>
    guard('Resume', async () => {
      await resume({ variables: { accountId: account.id } });
      notifications.show({ color: 'green', message: `Sign-ins to ${account.email} from new places are heard again.` });
    });
  return (
    <>
      {modal}
      <Alert
        color={g.paused ? 'red' : 'yellow'}
        variant="light"
        title={g.paused ? 'Sign-ins from new places are paused' : 'Wrong passwords from many places'}
      >
        <Text size="sm">
          {g.failures} wrong password{g.failures === 1 ? ' was' : 's were'} tried for this account from all places together in the
          last {windowText(g.windowSeconds)}
          {g.paused
            ? ': it can be signed in to only from networks it used before and addresses marked safe for it. If the holder needs to sign in from a new place, resume sign-ins (the count starts afresh) or mark that address as safe for them.'
            : ` (sign-ins from new places pause at ${g.threshold}).`}
        </Text>
        <Group mt="sm">
          <Button variant="light" onClick={() => void doResume()} loading={loading}>
            {g.paused ? 'Resume sign-ins' : 'Reset the count'}
          </Button>
        </Group>
      </Alert>
    </>
  );
}

/** The counting window in words: "day", "2 hours", "30 minutes". */
function windowText(seconds: number): string {
  const [n, unit] =
    seconds % 86_400 === 0
      ? [seconds / 86_400, 'day']
      : seconds % 3600 === 0
        ? [seconds / 3600, 'hour']
        : [Math.round(seconds / 60), 'minute'];
  return n === 1 ? unit : `${n} ${unit}s`;
}
