import { useMutation, useQuery } from '@apollo/client/react';
import { Anchor, Button, Card, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { RowActionButton } from '../components/RowActionButton';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { ROLE_LABELS } from '../features/account/labels';
import { DBIP_ATTRIBUTION } from '../features/ip-block/format';
import { LoginHistoryTable } from '../features/login-event/LoginHistoryTable';
import { canManageIps, canManageUsers, useViewer } from '../features/session/viewer';
import { AdminTwoFactorCard } from '../features/two-factor/AdminTwoFactorCard';
import { MarkSafeModal } from '../features/trusted-ip/MarkSafeModal';

const AccountPageDocument = graphql(`
  query AccountPage($id: ID!, $page: PageInput, $withTrust: Boolean!) {
    account(id: $id) {
      id
      email
      name
      role
      disabledAt
      createdAt
      lastLoginAt
      requiresTwoFactor
    }
    loginEvents(filter: { accountId: $id }, page: $page) {
      totalCount
      nodes {
        id
        occurredAt
        ip
        service
        outcome
        city
        region
        countryCode
        namedLocation
        asn
        asnOrg
        networkKind
      }
    }
    trustedIps(accountId: $id, page: { limit: 200, offset: 0 }) @include(if: $withTrust) {
      nodes {
        id
        cidr
        note
        expiresAt
      }
    }
  }
`);

const RemoveAccountTrustedIpDocument = graphql(`
  mutation RemoveAccountTrustedIp($id: ID!) {
    removeTrustedIp(id: $id)
  }
`);

const PAGE = 25;

export function Component() {
  const { id = '' } = useParams();
  const viewer = useViewer();
  const withTrust = canManageIps(viewer);
  const [page, setPage] = useState(1);
  const [opened, modal] = useDisclosure(false);
  const { data, error, refetch } = useQuery(AccountPageDocument, {
    variables: { id, page: { limit: PAGE, offset: (page - 1) * PAGE }, withTrust },
    fetchPolicy: 'cache-and-network',
  });
  const [remove] = useMutation(RemoveAccountTrustedIpDocument, { refetchQueries: ['AccountPage'] });
  usePageTitle(data?.account.email ?? 'Account');
  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  const a = data.account;
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>{a.email}</Title>
      <Card withBorder>
        <Text>
          {a.name} · {ROLE_LABELS[a.role]} · {a.disabledAt ? 'Disabled' : 'Enabled'} · created{' '}
          <FormattedDate value={a.createdAt} /> · last login <FormattedDate value={a.lastLoginAt} fallback="never" />
        </Text>
        {a.role !== 'USER' && (
          <Anchor component={Link} to={`/users/${a.id}/access-list`} size="sm" mt="xs">
            IP access list
          </Anchor>
        )}
      </Card>
      {canManageUsers(viewer) && a.id !== viewer.id && <AdminTwoFactorCard account={a} />}
      {withTrust && (
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h3">
              Trusted login IPs
            </Title>
            <Button onClick={modal.open}>Mark as safe</Button>
          </Group>
          {(data.trustedIps?.nodes.length ?? 0) === 0 ? (
            <Text size="sm" c="dimmed">
              No trusted IPs for this account.
            </Text>
          ) : (
            <Table aria-label="Trusted login IPs">
              <Table.Tbody>
                {data.trustedIps!.nodes.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.cidr}</Table.Td>
                    <Table.Td>{t.note ?? ''}</Table.Td>
                    <Table.Td>
                      <FormattedDate value={t.expiresAt} fallback="No expiry" />
                    </Table.Td>
                    <Table.Td>
                      <RowActionButton
                        label="Remove"
                        accessibleName={`Remove ${t.cidr}`}
                        action={() => remove({ variables: { id: t.id } })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <MarkSafeModal opened={opened} onClose={modal.close} account={{ id: a.id, email: a.email }} />
        </Stack>
      )}
      <Title order={2} size="h3">
        Login history
      </Title>
      <LoginHistoryTable events={data.loginEvents.nodes} />
      {data.loginEvents.totalCount > PAGE && (
        <Pagination total={Math.ceil(data.loginEvents.totalCount / PAGE)} value={page} onChange={setPage} />
      )}
      <Text size="xs" c="dimmed">
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          {DBIP_ATTRIBUTION}
        </a>
      </Text>
    </Stack>
  );
}
