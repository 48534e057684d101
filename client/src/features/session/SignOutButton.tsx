import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLogout } from '@tabler/icons-react';
import { toProblem } from '../errors/problem';
import { useLogoutMutation } from './useLogoutMutation';

/** Ends this session; the route guard then shows the sign-in page. */
export function SignOutButton() {
  const [logout, { loading }] = useLogoutMutation();
  async function signOut() {
    try {
      await logout();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not sign out', message: toProblem(error).message });
    }
  }
  return (
    <Button
      variant="default"
      size="sm"
      leftSection={<IconLogout size={16} aria-hidden />}
      loading={loading}
      onClick={() => void signOut()}
    >
      Sign out
    </Button>
  );
}
