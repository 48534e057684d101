import { Anchor, Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../../__generated__';
import type { AccountRowFragment } from '../../__generated__/graphql';
import { FormattedDate } from '../../components/FormattedDate';
import { mayManageRole, useViewer } from '../session/viewer';
import { ROLE_COLORS, ROLE_LABELS } from './labels';

export const AccountRowFragmentDoc = graphql(`
  fragment AccountRow on Account {
    id
    email
    name
    role
    disabledAt
    createdAt
    lastLoginAt
  }
`);

export type AccountRow = AccountRowFragment;

interface AccountsTableProps {
  accounts: readonly FragmentType<typeof AccountRowFragmentDoc>[];
  viewerId: string;
  onToggleDisabled: (account: AccountRow) => void;
}

export function AccountsTable({ accounts, viewerId, onToggleDisabled }: AccountsTableProps) {
  const viewer = useViewer();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="sm" aria-label="Accounts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">E-mail</Table.Th>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col" miw={120}>
              Role
            </Table.Th>
            <Table.Th scope="col" miw={120}>
              Status
            </Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Last sign-in</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.map((ref) => {
            const account = getFragmentData(AccountRowFragmentDoc, ref);
            const disabled = account.disabledAt != null;
            return (
              <Table.Tr key={account.id}>
                <Table.Th scope="row" fw={500}>
                  <Anchor component={Link} to={`/users/${account.id}`}>
                    {account.email}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  {account.name}
                  {account.id === viewerId && (
                    <Text span c="dimmed" size="sm">
                      {' '}
                      (you)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={ROLE_COLORS[account.role]}>
                    {ROLE_LABELS[account.role]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={disabled ? 'red' : 'green'}>
                    {disabled ? 'Disabled' : 'Enabled'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <FormattedDate value={account.createdAt} />
                </Table.Td>
                <Table.Td>
                  <FormattedDate value={account.lastLoginAt} fallback="Never" />
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant={disabled ? 'light' : 'default'}
                    color={disabled ? 'green' : undefined}
                    onClick={() => onToggleDisabled(account)}
                    // Nobody disables their own account, nor one of a role they may not manage (the server refuses both).
                    disabled={account.id === viewerId || !mayManageRole(viewer, account.role)}
                    aria-label={`${disabled ? 'Enable' : 'Disable'} ${account.email}`}
                  >
                    {disabled ? 'Enable' : 'Disable'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
