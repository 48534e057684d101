import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import { FormattedDate } from '../../components/FormattedDate';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { RowActionButton } from '../../components/RowActionButton';
import { useLastPageClamp } from '../../components/useLastPageClamp';
import { MarkSafeModal } from './MarkSafeModal';

const AccountTrustedIpsDocument = graphql(`
  query AccountTrustedIps($accountId: ID!, $offset: Int!) {
    trustedIps(accountId: $accountId, page: { limit: 20, offset: $offset }) {
      totalCount
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

const PER_PAGE = 20;

/** One account's trusted login IPs on its page (MANAGE_IPS): paged, with the total. */
export function AccountTrustedIps({ account }: { account: { id: string; email: string } }) {
  const [page, setPage] = useState(1);
  const [opened, modal] = useDisclosure(false);
  const { data, error, refetch } = useQuery(AccountTrustedIpsDocument, {
    variables: { accountId: account.id, offset: (page - 1) * PER_PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const [remove] = useMutation(RemoveAccountTrustedIpDocument, { refetchQueries: ['AccountTrustedIps'] });
  const total = data?.trustedIps.totalCount;
  const pages = Math.ceil((total ?? 0) / PER_PAGE);
  useLastPageClamp(total, page, setPage, PER_PAGE);

  let body;
  if (!data) body = error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  else if (data.trustedIps.totalCount === 0)
    body = (
      <Text size="sm" c="dimmed">
        No trusted IPs for this account.
      </Text>
    );
  else
    body = (
      <>
        <Text size="sm" c="dimmed">
          {data.trustedIps.totalCount === 1 ? '1 trusted IP' : `${data.trustedIps.totalCount} trusted IPs`}
        </Text>
        <Table aria-label="Trusted login IPs">
          <Table.Tbody>
            {data.trustedIps.nodes.map((t) => (
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
        {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Trusted IP pages" />}
      </>
    );

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2} size="h3">
          Trusted login IPs
        </Title>
        <Button onClick={modal.open}>Mark as safe</Button>
      </Group>
      {body}
      <MarkSafeModal opened={opened} onClose={modal.close} account={account} />
    </Stack>
  );
}
