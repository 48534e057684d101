import { useQuery } from '@apollo/client/react';
import {
  Alert,
  Box,
  Button,
  EmptyState,
  Flex,
  Group,
  LoadingOverlay,
  NativeSelect,
  Pagination,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { graphql } from '../__generated__';
import type { Role } from '../__generated__/graphql';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { type AccountRow, AccountsTable } from '../features/account/AccountsTable';
import { AccountStatusModal } from '../features/account/AccountStatusModal';
import { CreateAccountModal } from '../features/account/CreateAccountModal';
import { creatableRoles, ROLE_LABELS } from '../features/account/labels';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { canManageUsers, useViewer } from '../features/session/viewer';

const UsersPageDocument = graphql(`
  query UsersPage($filter: AccountFilter, $page: PageInput) {
    accounts(filter: $filter, page: $page) {
      totalCount
      nodes {
        id
        ...AccountRow
      }
    }
  }
`);

const PAGE_SIZE = 20;
const ROLE_FILTERS: Role[] = ['ADMIN', 'SUB_ADMIN', 'USER'];

export function Component() {
  usePageTitle('Users');
  const viewer = useViewer();
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Users</Title>
      {canManageUsers(viewer) ? (
        <UsersList />
      ) : (
        <Alert color="yellow" variant="light">
          You do not have permission to manage users. Ask an admin for the “Manage users” permission.
        </Alert>
      )}
    </Stack>
  );
}

function UsersList() {
  const viewer = useViewer();
  const roles = creatableRoles(viewer);
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [role, setRole] = useState<Role | ''>('');
  const [page, setPage] = useState(1);
  const [createOpened, createModal] = useDisclosure(false);
  const [statusOpened, statusModal] = useDisclosure(false);
  const [statusTarget, setStatusTarget] = useState<AccountRow | null>(null);

  const { data, previousData, loading, error, refetch } = useQuery(UsersPageDocument, {
    variables: {
      filter: { search: debouncedSearch || null, role: role || null },
      page: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    },
    fetchPolicy: 'cache-and-network',
  });
  const shown = data ?? previousData;
  const totalPages = shown ? Math.max(1, Math.ceil(shown.accounts.totalCount / PAGE_SIZE)) : 1;
  const filtered = debouncedSearch !== '' || role !== '';
  // Accounts deleted meanwhile can leave this page past the last one: it moves back to the last.
  useLastPageClamp(data?.accounts.totalCount, page, setPage, PAGE_SIZE);

  let body;
  if (!shown) {
    body = error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  } else if (shown.accounts.nodes.length === 0) {
    body = (
      <EmptyState
        icon={<IconUsers aria-hidden />}
        title={filtered ? 'No matching accounts' : 'No accounts yet'}
        description={filtered ? 'Try another search or role.' : 'Create the first account with “New account”.'}
      />
    );
  } else {
    body = (
      <Box pos="relative">
        <LoadingOverlay
          visible={loading}
          zIndex={10}
          overlayProps={{ blur: 1 }}
          loaderProps={{ 'aria-label': 'Loading accounts' }}
        />
        <AccountsTable
          accounts={shown.accounts.nodes}
          viewerId={viewer.id}
          onToggleDisabled={(account) => {
            setStatusTarget(account);
            statusModal.open();
          }}
        />
      </Box>
    );
  }

  return (
    <>
      <Flex direction={{ base: 'column', xs: 'row' }} align={{ base: 'stretch', xs: 'flex-end' }} gap="sm">
        <TextInput
          label="Search"
          placeholder="E-mail or name"
          type="search"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          maxLength={100}
          w={{ base: '100%', xs: 280 }}
        />
        <NativeSelect
          label="Filter by role"
          value={role}
          onChange={(e) => {
            setRole(e.currentTarget.value as Role | '');
            setPage(1);
          }}
          data={[{ value: '', label: 'All roles' }, ...ROLE_FILTERS.map((r) => ({ value: r, label: ROLE_LABELS[r] }))]}
          w={{ base: '100%', xs: 180 }}
        />
        {roles.length > 0 && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={createModal.open} ml={{ xs: 'auto' }}>
            New account
          </Button>
        )}
      </Flex>

      {error && shown && <QueryError error={error} onRetry={refetch} title="Could not refresh the list" />}
      {body}

      {shown && shown.accounts.totalCount > 0 && (
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="dimmed" aria-live="polite">
            {shown.accounts.totalCount === 1 ? '1 account' : `${shown.accounts.totalCount} accounts`}
          </Text>
          {totalPages > 1 && (
            <Pagination
              total={totalPages}
              value={Math.min(page, totalPages)}
              onChange={setPage}
              getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
              getControlProps={(control) => ({ 'aria-label': `${control[0]?.toUpperCase()}${control.slice(1)} page` })}
            />
          )}
        </Group>
      )}

      <CreateAccountModal opened={createOpened} onClose={createModal.close} roles={roles} />
      <AccountStatusModal opened={statusOpened} account={statusTarget} onClose={statusModal.close} />
    </>
  );
}
