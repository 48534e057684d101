import { useMutation, useQuery } from '@apollo/client/react';
import { Button, EmptyState, Group, Pagination, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { RowActionButton } from '../components/RowActionButton';
import { QueryError } from '../components/QueryError';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { usePageTitle } from '../components/usePageTitle';
import { MarkSafeModal } from '../features/trusted-ip/MarkSafeModal';

const TrustedIpsPageDocument = graphql(`
  query TrustedIpsPage($globalOnly: Boolean!, $offset: Int!) {
    trustedIps(globalOnly: $globalOnly, page: { limit: 50, offset: $offset }) {
      totalCount
      nodes {
        id
        cidr
        note
        expiresAt
        createdAt
        account {
          id
          email
        }
      }
    }
  }
`);

const RemoveTrustedIpDocument = graphql(`
  mutation RemoveTrustedIp($id: ID!) {
    removeTrustedIp(id: $id)
  }
`);

const PER_PAGE = 50;

export function Component() {
  usePageTitle('Safe & trusted IPs');
  const [globalOnly, setGlobalOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [opened, modal] = useDisclosure(false);
  const { data, error, refetch } = useQuery(TrustedIpsPageDocument, {
    variables: { globalOnly, offset: (page - 1) * PER_PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const [remove] = useMutation(RemoveTrustedIpDocument, { refetchQueries: ['TrustedIpsPage'] });
  const total = data?.trustedIps.totalCount;
  const pages = Math.ceil((total ?? 0) / PER_PAGE);
  useLastPageClamp(total, page, setPage, PER_PAGE);

  let body;
  if (!data) body = error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  else if (data.trustedIps.nodes.length === 0 && page === 1)
    body = (
      <EmptyState
        icon={<IconShieldCheck aria-hidden />}
        title="No safe IPs yet"
        description="Mark an IP or range as safe to stop blocks and incident warnings for it."
      />
    );
  else
    body = (
      <>
        <Text size="sm" c="dimmed">
          {data.trustedIps.totalCount === 1 ? '1 entry' : `${data.trustedIps.totalCount} entries`}
        </Text>
        <Table aria-label="Safe and trusted IPs" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Range</Table.Th>
              <Table.Th>Trusted for</Table.Th>
              <Table.Th>Note</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th>Action</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.trustedIps.nodes.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.cidr}</Table.Td>
                <Table.Td>{t.account ? t.account.email : 'Everyone (global)'}</Table.Td>
                <Table.Td>{t.note ?? '—'}</Table.Td>
                <Table.Td>
                  <FormattedDate value={t.expiresAt} fallback="Never" />
                </Table.Td>
                <Table.Td>
                  <FormattedDate value={t.createdAt} />
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
        {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
      </>
    );

  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Safe & trusted IPs</Title>
      <Text size="sm" c="dimmed">
        Logins from a safe IP are never blocked and raise no security incident — for everyone (global safe list) or for one
        account.
      </Text>
      <Group justify="space-between">
        <Switch
          label="Global safe list only"
          checked={globalOnly}
          onChange={(e) => {
            setGlobalOnly(e.currentTarget.checked);
            setPage(1);
          }}
        />
        <Button onClick={modal.open}>Mark as safe</Button>
      </Group>
      {body}
      <MarkSafeModal opened={opened} onClose={modal.close} />
    </Stack>
  );
}
