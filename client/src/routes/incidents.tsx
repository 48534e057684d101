import { useQuery } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Badge,
  EmptyState,
  Group,
  NativeSelect,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { graphql } from '../__generated__';
import type { IncidentSeverity, IncidentStatus } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import {
  REASON_LABELS,
  RESOLUTION_LABELS,
  SEVERITY_COLORS,
  SEVERITY_LABELS,
  STATUS_LABELS,
} from '../features/security-incident/labels';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { DateRangeInputs } from '../components/DateRangeInputs';
import { canReadIncidents, useViewer } from '../features/session/viewer';

const IncidentsPageDocument = graphql(`
  query IncidentsPage($filter: IncidentFilterInput, $page: PageInput) {
    securityIncidents(filter: $filter, page: $page) {
      totalCount
      nodes {
        id
        status
        severity
        reason
        impossibleTravel
        loginCount
        openedAt
        updatedAt
        resolution
        holderResponse
        account {
          id
          email
        }
      }
    }
  }
`);

const PAGE = 50;

export function Component() {
  usePageTitle('Security incidents');
  const viewer = useViewer();
  const [status, setStatus] = useState<IncidentStatus | ''>('OPEN');
  const [severity, setSeverity] = useState<IncidentSeverity | ''>('');
  const [email, setEmail] = useState('');
  const [debouncedEmail] = useDebouncedValue(email.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const allowed = canReadIncidents(viewer);
  const { data, error, refetch } = useQuery(IncidentsPageDocument, {
    variables: {
      filter: {
        status: status || null,
        severity: severity || null,
        accountEmail: debouncedEmail || null,
        from: from ? new Date(from).toISOString() : null,
        to: to ? new Date(to).toISOString() : null,
      },
      page: { limit: PAGE, offset: (page - 1) * PAGE },
    },
    fetchPolicy: 'cache-and-network',
    skip: !allowed,
  });
  // Incidents resolved meanwhile (the list is refetched live) can leave this page past the last one.
  useLastPageClamp(data?.securityIncidents.totalCount, page, setPage, PAGE);
  if (!allowed) return <Alert color="yellow">You need the “Read incidents” permission.</Alert>;
  const pages = data ? Math.max(1, Math.ceil(data.securityIncidents.totalCount / PAGE)) : 1;

  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Security incidents</Title>
      <Text c="dimmed" size="sm">
        Raised when an account logs in successfully from more than one location within the window. Open incidents come first; this
        list updates live.
      </Text>
      <Group align="flex-end">
        <NativeSelect
          label="Status"
          value={status}
          data={[
            { value: '', label: 'All' },
            { value: 'OPEN', label: 'Open' },
            { value: 'RESOLVED', label: 'Resolved' },
          ]}
          onChange={(e) => {
            setStatus(e.currentTarget.value as IncidentStatus | '');
            setPage(1);
          }}
        />
        <NativeSelect
          label="Severity"
          value={severity}
          data={[
            { value: '', label: 'Any' },
            ...(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).map((s) => ({ value: s, label: SEVERITY_LABELS[s] })),
          ]}
          onChange={(e) => {
            setSeverity(e.currentTarget.value as IncidentSeverity | '');
            setPage(1);
          }}
        />
        <TextInput
          label="Account"
          placeholder="e-mail starts with…"
          value={email}
          onChange={(e) => {
            setEmail(e.currentTarget.value);
            setPage(1);
          }}
        />
        <DateRangeInputs
          labels={['Opened from', 'Opened until']}
          from={from}
          to={to}
          setFrom={setFrom}
          setTo={setTo}
          onChange={() => setPage(1)}
        />
      </Group>
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : data.securityIncidents.nodes.length === 0 ? (
        <EmptyState
          icon={<IconShieldCheck aria-hidden />}
          title={status === 'OPEN' ? 'No open incidents' : 'No incidents'}
          description="Nothing matches these filters. New incidents appear here the moment they are raised."
        />
      ) : (
        <>
          <Table aria-label="Security incidents" striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Likely reason</Table.Th>
                <Table.Th>Logins</Table.Th>
                <Table.Th>Opened</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.securityIncidents.nodes.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/security/incidents/${i.id}`}>
                      {i.account.email}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={SEVERITY_COLORS[i.severity]}>{SEVERITY_LABELS[i.severity]}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {REASON_LABELS[i.reason]}
                    {i.impossibleTravel && (
                      <Badge ml="xs" color="red" variant="light">
                        Impossible travel
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{i.loginCount}</Table.Td>
                  <Table.Td>
                    <FormattedDate value={i.openedAt} />
                  </Table.Td>
                  <Table.Td>
                    {STATUS_LABELS[i.status]}
                    {i.resolution && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({RESOLUTION_LABELS[i.resolution]})
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
        </>
      )}
    </Stack>
  );
}
