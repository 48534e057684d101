import { useQuery } from '@apollo/client/react';
import { Alert, Anchor, Code, EmptyState, Group, NativeSelect, Pagination, Stack, Table, TextInput, Title } from '@mantine/core';
import { IconListDetails } from '@tabler/icons-react';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { graphql } from '../__generated__';
import type { AuditAction } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { DateRangeInputs } from '../components/DateRangeInputs';
import { canReadAudit, useViewer } from '../features/session/viewer';

const AuditPageDocument = graphql(`
  query AuditPage($filter: AuditFilter, $page: PageInput) {
    auditLog(filter: $filter, page: $page) {
      totalCount
      nodes {
        id
        occurredAt
        actorEmail
        action
        targetType
        targetLabel
        ip
        details
      }
    }
  }
`);

/** Every action, as a record so that a new one in the schema fails the typecheck until it is listed here. */
const ACTION_SET: Record<AuditAction, true> = {
  ACCESS_LIST_ENTRY_ADDED: true,
  ACCESS_LIST_ENTRY_REMOVED: true,
  ACCOUNT_CREATED: true,
  ACCOUNT_DELETED: true,
  ACCOUNT_DISABLED: true,
  ACCOUNT_ENABLED: true,
  ADMIN_LOGIN: true,
  API_TOKEN_CREATED: true,
  API_TOKEN_REVOKED: true,
  ASN_KIND_SET: true,
  FIRST_ADMIN_CREATED: true,
  INCIDENT_HOLDER_RESPONSE: true,
  INCIDENT_OPENED: true,
  INCIDENT_RESOLVED: true,
  IP_AUTO_BLOCKED: true,
  IP_BLOCKED: true,
  IP_MARKED_SAFE: true,
  IP_RESTRICTION_CHANGED: true,
  IP_RESTRICTION_LIFTED_BY_CLI: true,
  IP_UNBLOCKED: true,
  NAMED_LOCATION_CREATED: true,
  NAMED_LOCATION_DELETED: true,
  PASSWORD_CHANGED: true,
  PASSWORD_RESET: true,
  PASSWORD_RESET_LINK_SENT: true,
  PERMISSIONS_CHANGED: true,
  REAUTH_FAILED: true,
  RECOVERY_CODES_GENERATED: true,
  RECOVERY_CODE_USED: true,
  REQUIRES_TWO_FACTOR_CHANGED: true,
  SECOND_FACTOR_LOCKED: true,
  SECOND_FACTOR_UNLOCKED: true,
  SESSION_REVOKED: true,
  SETTINGS_CHANGED: true,
  TOTP_REPLAY_REFUSED: true,
  SIGN_INS_RESUMED: true,
  TRUSTED_IP_REMOVED: true,
  TWO_FACTOR_DISABLED: true,
  TWO_FACTOR_ENABLED: true,
  TWO_FACTOR_RESET: true,
  TWO_FACTOR_RESET_BY_CLI: true,
  TWO_FACTOR_RESET_REQUESTED: true,
  TWO_FACTOR_RESET_REQUEST_CLOSED: true,
  WEBAUTHN_COUNTER_REGRESSION: true,
  WEBAUTHN_RENAMED: true,
};
const ACTIONS = (Object.keys(ACTION_SET) as AuditAction[]).sort();
const PAGE = 50;
const label = (a: string) => a.charAt(0) + a.slice(1).toLowerCase().replaceAll('_', ' ');

export function Component() {
  usePageTitle('Audit log');
  const viewer = useViewer();
  const [action, setAction] = useState<AuditAction | ''>('');
  const [actor, setActor] = useState('');
  const [target, setTarget] = useState('');
  const [debouncedActor] = useDebouncedValue(actor.trim(), 300);
  const [debouncedTarget] = useDebouncedValue(target.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const filter = {
    action: action || null,
    actorEmail: debouncedActor || null,
    target: debouncedTarget || null,
    from: from ? new Date(from).toISOString() : null,
    to: to ? new Date(to).toISOString() : null,
  };
  const { data, error, refetch } = useQuery(AuditPageDocument, {
    variables: { filter, page: { limit: PAGE, offset: (page - 1) * PAGE } },
    fetchPolicy: 'cache-and-network',
    skip: !canReadAudit(viewer),
  });
  useLastPageClamp(data?.auditLog.totalCount, page, setPage, PAGE);
  if (!canReadAudit(viewer)) return <Alert color="yellow">You need the “Read audit log” permission.</Alert>;
  const params = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => !!e[1]));
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Audit log</Title>
      <Group align="flex-end">
        <NativeSelect
          label="Action"
          data={[{ value: '', label: 'All actions' }, ...ACTIONS.map((a) => ({ value: a, label: label(a) }))]}
          value={action}
          onChange={(e) => {
            setAction(e.currentTarget.value as AuditAction | '');
            setPage(1);
          }}
        />
        <TextInput
          label="Who (e-mail)"
          placeholder="starts with…"
          value={actor}
          onChange={(e) => {
            setActor(e.currentTarget.value);
            setPage(1);
          }}
        />
        <TextInput
          label="Target"
          placeholder="e-mail, address, name…"
          value={target}
          onChange={(e) => {
            setTarget(e.currentTarget.value);
            setPage(1);
          }}
        />
        <DateRangeInputs
          labels={['From', 'To']}
          from={from}
          to={to}
          setFrom={setFrom}
          setTo={setTo}
          onChange={() => setPage(1)}
        />
        <Anchor href={`/export/audit.csv?${params.toString()}`} download>
          Export CSV
        </Anchor>
      </Group>
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : data.auditLog.nodes.length === 0 ? (
        <EmptyState icon={<IconListDetails aria-hidden />} title="No entries" description="Nothing matches these filters." />
      ) : (
        <Table aria-label="Audit log" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>IP</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.auditLog.nodes.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <FormattedDate value={e.occurredAt} />
                </Table.Td>
                <Table.Td>{e.actorEmail ?? 'System'}</Table.Td>
                <Table.Td>{label(e.action)}</Table.Td>
                <Table.Td>{[e.targetType, e.targetLabel].filter(Boolean).join(': ')}</Table.Td>
                <Table.Td>{e.ip}</Table.Td>
                <Table.Td>{Object.keys(e.details).length > 0 && <Code>{JSON.stringify(e.details)}</Code>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && data.auditLog.totalCount > PAGE && (
        <Pagination total={Math.ceil(data.auditLog.totalCount / PAGE)} value={page} onChange={setPage} />
      )}
    </Stack>
  );
}
