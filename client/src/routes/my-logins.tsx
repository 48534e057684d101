import { useQuery } from '@apollo/client/react';
import { Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { DBIP_ATTRIBUTION } from '../features/ip-block/format';
import { LoginHistoryTable } from '../features/login-event/LoginHistoryTable';

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
      <LoginHistoryTable events={events.nodes} />
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
