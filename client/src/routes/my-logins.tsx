import { useQuery } from '@apollo/client/react';
import { Badge, EmptyState, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { graphql } from '../__generated__';
import type { LoginOutcome } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { DBIP_ATTRIBUTION, formatNetwork, formatPlace } from '../features/ip-block/format';

const MyLoginsPageDocument = graphql(`
  query MyLoginsPage($page: PageInput) {
    myLoginEvents(page: $page) {
      totalCount
      nodes {
        id
        occurredAt
        ip
        service
        outcome
        userAgent
        city
        region
        countryCode
        namedLocation
        asn
        asnOrg
        networkKind
      }
    }
    myTrustedIps {
      id
      cidr
      note
      expiresAt
    }
  }
`);

const OUTCOME: Record<LoginOutcome, { label: string; color: string }> = {
  SUCCESS: { label: 'Success', color: 'green' },
  INVALID_CREDENTIALS: { label: 'Wrong credentials', color: 'red' },
  ACCOUNT_DISABLED: { label: 'Account disabled', color: 'gray' },
  BLOCKED: { label: 'Blocked IP', color: 'orange' },
};
const PAGE = 25;

export function Component() {
  usePageTitle('My login history');
  const [page, setPage] = useState(1);
  const { data, error, refetch } = useQuery(MyLoginsPageDocument, {
    variables: { page: { limit: PAGE, offset: (page - 1) * PAGE } },
    fetchPolicy: 'cache-and-network',
  });
  if (!data)
    return (
      <Stack maw={1200}>
        <Title order={1}>My login history</Title>
        {error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />}
      </Stack>
    );
  const events = data.myLoginEvents;
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>My login history</Title>
      {events.nodes.length === 0 ? (
        <EmptyState icon={<IconHistory aria-hidden />} title="No logins yet" />
      ) : (
        <Table aria-label="Login history" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>IP</Table.Th>
              <Table.Th>Place</Table.Th>
              <Table.Th>Network</Table.Th>
              <Table.Th>Service</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.nodes.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <FormattedDate value={e.occurredAt} />
                </Table.Td>
                <Table.Td>{e.ip}</Table.Td>
                <Table.Td>{formatPlace(e)}</Table.Td>
                <Table.Td>{formatNetwork(e)}</Table.Td>
                <Table.Td>{e.service}</Table.Td>
                <Table.Td>
                  <Badge color={OUTCOME[e.outcome].color} variant="light">
                    {OUTCOME[e.outcome].label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {events.totalCount > PAGE && <Pagination total={Math.ceil(events.totalCount / PAGE)} value={page} onChange={setPage} />}
      <Title order={2} size="h3">
        My trusted IPs
      </Title>
      {data.myTrustedIps.length === 0 ? (
        <Text size="sm" c="dimmed">
          No IP is marked as trusted for your account.
        </Text>
      ) : (
        <Table aria-label="My trusted IPs">
          <Table.Tbody>
            {data.myTrustedIps.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.cidr}</Table.Td>
                <Table.Td>{t.note ?? ''}</Table.Td>
                <Table.Td>
                  <FormattedDate value={t.expiresAt} fallback="No expiry" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          {DBIP_ATTRIBUTION}
        </a>
      </Text>
    </Stack>
  );
}
