import { Badge, EmptyState, Table } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import type { LoginOutcome, NetworkKind } from '../../__generated__/graphql';
import { FormattedDate } from '../../components/FormattedDate';
import { formatNetwork, formatPlace } from '../ip-block/format';

export interface LoginHistoryRow {
  id: string;
  occurredAt: string;
  ip: string;
  service: string;
  outcome: LoginOutcome;
  city?: string | null;
  region?: string | null;
  countryCode?: string | null;
  namedLocation?: string | null;
  asn?: number | null;
  asnOrg?: string | null;
  networkKind: NetworkKind;
}

const OUTCOME: Record<LoginOutcome, { label: string; color: string }> = {
  SUCCESS: { label: 'Success', color: 'green' },
  INVALID_CREDENTIALS: { label: 'Wrong credentials', color: 'red' },
  ACCOUNT_DISABLED: { label: 'Account disabled', color: 'gray' },
  BLOCKED: { label: 'Blocked IP', color: 'orange' },
  IP_NOT_ALLOWED: { label: 'Outside access list', color: 'orange' },
  SECOND_FACTOR_REQUIRED: { label: 'Password OK, 2nd step asked', color: 'blue' },
  SECOND_FACTOR_FAILED: { label: 'Wrong second factor', color: 'red' },
};

/** Login history: time, IP, place, network, service and outcome — for an account page and “My login history”. */
export function LoginHistoryTable({ events }: { events: LoginHistoryRow[] }) {
  if (events.length === 0) return <EmptyState icon={<IconHistory aria-hidden />} title="No logins yet" />;
  return (
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
        {events.map((e) => (
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
  );
}
