import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type Problem, toProblem } from '../errors/problem';
import type { AccountRow } from './AccountsTable';
import { useSetAccountDisabledMutation } from './useSetAccountDisabledMutation';

interface AccountStatusModalProps {
  opened: boolean;
  /** The account to disable or enable, as it was when the action was chosen. */
  account: Pick<AccountRow, 'id' | 'email' | 'disabledAt'> | null;
  onClose: () => void;
}

/** Confirms disabling (signs the account out everywhere) or re-enabling an account. */
export function AccountStatusModal({ opened, account, onClose }: AccountStatusModalProps) {
  const disabling = account?.disabledAt == null;
  return (
    <Modal opened={opened && account !== null} onClose={onClose} title={disabling ? 'Disable account?' : 'Enable account?'}>
      {account && <AccountStatusConfirm account={account} disable={disabling} onDone={onClose} />}
    </Modal>
  );
}

function AccountStatusConfirm({
  account,
  disable,
  onDone,
}: {
  account: Pick<AccountRow, 'id' | 'email' | 'disabledAt'>;
  disable: boolean;
  onDone: () => void;
}) {
  const [setDisabled, { loading }] = useSetAccountDisabledMutation();
  const [problem, setProblem] = useState<Problem | null>(null);

  async function confirm() {
    setProblem(null);
    try {
      await setDisabled(account.id, disable);
      notifications.show({
        color: disable ? 'orange' : 'green',
        message: disable ? `${account.email} is disabled.` : `${account.email} is enabled again.`,
      });
      onDone();
    } catch (error) {
      setProblem(toProblem(error));
    }
  }

  return (
    <Stack gap="md">
      <Text size="sm">
        {disable ? (
          <>
            <strong>{account.email}</strong> will be signed out everywhere and cannot sign in until the account is enabled again.
            Its API tokens, and those it created for integrations, are revoked for good: enabling it again brings none back.
          </>
        ) : (
          <>
            <strong>{account.email}</strong> will be able to sign in again.
          </>
        )}
      </Text>
      {problem && (
        <Alert color="red" variant="light" role="alert">
          {problem.message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} data-autofocus>
          Cancel
        </Button>
        <Button color={disable ? 'red' : 'green'} loading={loading} onClick={() => void confirm()}>
          {disable ? 'Disable account' : 'Enable account'}
        </Button>
      </Group>
    </Stack>
  );
}
