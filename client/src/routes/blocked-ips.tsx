import { useLazyQuery, useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  NativeSelect,
  Pagination,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconShieldOff } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { graphql } from '../__generated__';
import type { BlockReason } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { RowActionButton } from '../components/RowActionButton';
import { QueryError } from '../components/QueryError';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, problemFromCode, toProblem } from '../features/errors/problem';
import { DBIP_ATTRIBUTION, formatDuration, formatNetwork, formatPlace } from '../features/ip-block/format';
import { useViewer } from '../features/session/viewer';
import { MarkSafeModal } from '../features/trusted-ip/MarkSafeModal';

const CheckIpDocument = graphql(`
  query CheckIp($ip: String!) {
    checkIp(ip: $ip) {
      ip
      sourcePrefix
      recentFailures
      activeBlock {
        id
        cidr
        reason
        note
        strike
        expiresAt
      }
      accountsTried {
        attemptedName
        failures
        lastAt
      }
      globalSafe {
        id
        cidr
      }
      trustedBy {
        accountId
        email
        entry {
          id
          cidr
        }
      }
      location {
        city
        region
        countryCode
        asn
        asnOrg
        networkKind
        namedLocation
      }
    }
  }
`);

const BlockedIpsPageDocument = graphql(`
  query BlockedIpsPage($activeOnly: Boolean!, $reason: BlockReason, $offset: Int!) {
    ipBlocks(activeOnly: $activeOnly, reason: $reason, page: { limit: 50, offset: $offset }) {
      totalCount
      nodes {
        id
        cidr
        reason
        note
        failures
        strike
        createdAt
        expiresAt
        liftedAt
      }
    }
    bruteForceSettings {
      ipThreshold
      accountIpThreshold
      windowSeconds
      blockSeconds
      maxBlockSeconds
      escalationFactor
    }
  }
`);

const BLOCKS_PER_PAGE = 50;

const UnblockIpDocument = graphql(`
  mutation UnblockIp($ip: String!) {
    unblockIp(ip: $ip) {
      id
      liftedAt
    }
  }
`);

const BlockIpDocument = graphql(`
  mutation BlockIp($input: BlockIpInput!) {
    blockIp(input: $input) {
      __typename
      ... on IpBlock {
        id
        cidr
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`);

const REASON_LABELS: Record<BlockReason, string> = { BRUTE_FORCE: 'Too many failed logins', MANUAL: 'Blocked by an admin' };

export function Component() {
  usePageTitle('Blocked IPs');
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Blocked IPs</Title>
      <CheckIpCard />
      <BlocksSection />
      <Text size="xs" c="dimmed">
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          {DBIP_ATTRIBUTION}
        </a>
      </Text>
    </Stack>
  );
}

function CheckIpCard() {
  const [ip, setIp] = useState('');
  const [check, { data, loading, error, refetch, called }] = useLazyQuery(CheckIpDocument, { fetchPolicy: 'network-only' });
  const [unblock, { loading: unblocking }] = useMutation(UnblockIpDocument, { refetchQueries: ['BlockedIpsPage', 'CheckIp'] });
  const [confirmOpened, confirm] = useDisclosure(false);
  const [safeOpened, safe] = useDisclosure(false);
  const result = data?.checkIp;
  const problem = error ? toProblem(error) : null;

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb="sm">
        Check an IP
      </Title>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (ip.trim()) void check({ variables: { ip: ip.trim() } });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="IP address"
            placeholder="203.0.113.7 or 2001:db8::1"
            value={ip}
            onChange={(e) => setIp(e.currentTarget.value)}
            error={problem?.fieldErrors['ip']}
            style={{ flex: 1, maxWidth: 360 }}
          />
          <Button type="submit" loading={loading}>
            Check
          </Button>
        </Group>
      </form>
      {problem && !problem.fieldErrors['ip'] && <QueryError error={error} title="Could not check the IP" />}
      {called && result && (
        <Stack gap="sm" mt="md" aria-live="polite">
          <Group gap="sm">
            <Text fw={600}>{result.ip}</Text>
            {result.activeBlock ? (
              <Badge color="red" size="lg">
                {result.activeBlock.expiresAt ? (
                  <>
                    Blocked until <FormattedDate value={result.activeBlock.expiresAt} />
                  </>
                ) : (
                  'Blocked until lifted'
                )}
              </Badge>
            ) : (
              <Badge color="green" size="lg">
                Not blocked
              </Badge>
            )}
          </Group>
          {result.activeBlock && (
            <Text size="sm">
              {REASON_LABELS[result.activeBlock.reason]}
              {result.activeBlock.note ? ` — ${result.activeBlock.note}` : ''} (block {result.activeBlock.strike} of this source,
              range {result.activeBlock.cidr})
            </Text>
          )}
          <Text size="sm">
            {formatPlace(result.location)} · {formatNetwork(result.location)}
          </Text>
          <Text size="sm">
            {result.recentFailures} failed logins in the last 24 hours from {result.sourcePrefix}.
          </Text>
          {result.globalSafe.length > 0 && (
            <Text size="sm">On the global safe list ({result.globalSafe.map((s) => s.cidr).join(', ')}).</Text>
          )}
          {result.trustedBy.length > 0 && <Text size="sm">Trusted by: {result.trustedBy.map((t) => t.email).join(', ')}.</Text>}
          {result.accountsTried.length > 0 && (
            <Table aria-label="Accounts tried" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account tried</Table.Th>
                  <Table.Th>Failures</Table.Th>
                  <Table.Th>Last</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.accountsTried.map((a) => (
                  <Table.Tr key={a.attemptedName}>
                    <Table.Td>{a.attemptedName}</Table.Td>
                    <Table.Td>{a.failures}</Table.Td>
                    <Table.Td>
                      <FormattedDate value={a.lastAt} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group>
            {result.activeBlock && (
              <Button color="red" variant="light" onClick={confirm.open}>
                Unblock
              </Button>
            )}
            <Button variant="default" onClick={safe.open}>
              Mark as safe
            </Button>
          </Group>
        </Stack>
      )}
      <Modal opened={confirmOpened} onClose={confirm.close} title="Unblock this IP?">
        <Text size="sm">Logins from {result?.ip} will be accepted again and its failure count starts afresh.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={confirm.close}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={unblocking}
            onClick={async () => {
              try {
                await unblock({ variables: { ip: result!.ip } });
                notifications.show({ color: 'green', title: 'Unblocked', message: `${result!.ip} can log in again.` });
              } catch (e) {
                notifications.show({ color: 'red', title: 'Could not unblock', message: toProblem(e).message });
              }
              confirm.close();
              await refetch();
            }}
          >
            Unblock IP
          </Button>
        </Group>
      </Modal>
      <MarkSafeModal opened={safeOpened} onClose={safe.close} initialCidr={result?.ip ?? ''} />
    </Card>
  );
}

function BlocksSection() {
  const viewer = useViewer();
  const [showAll, setShowAll] = useState(false);
  const [reason, setReason] = useState<BlockReason | ''>('');
  const [page, setPage] = useState(1);
  const [blockOpened, blockModal] = useDisclosure(false);
  const { data, error, refetch } = useQuery(BlockedIpsPageDocument, {
    variables: { activeOnly: !showAll, reason: reason || null, offset: (page - 1) * BLOCKS_PER_PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const [unblock] = useMutation(UnblockIpDocument, { refetchQueries: ['BlockedIpsPage', 'CheckIp'] });
  const total = data?.ipBlocks.totalCount;
  useLastPageClamp(total, page, setPage, BLOCKS_PER_PAGE);
  void viewer;
  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  const s = data.bruteForceSettings;
  const pages = Math.ceil(data.ipBlocks.totalCount / BLOCKS_PER_PAGE);
  return (
    <Stack gap="md">
      <Card withBorder padding="md">
        <Title order={2} size="h4" mb={4}>
          Brute-force settings
        </Title>
        <Text size="sm">
          {s.accountIpThreshold} failures for one account, or {s.ipThreshold} for any accounts, from one source within{' '}
          {formatDuration(s.windowSeconds)} block the source for {formatDuration(s.blockSeconds)}
          {s.escalationFactor > 1 ? `, ${s.escalationFactor}× longer for each repeat` : ''}, up to{' '}
          {formatDuration(s.maxBlockSeconds)}. IPv6 sources count per /64.
        </Text>
      </Card>
      <Group justify="space-between">
        <Group>
          <NativeSelect
            label="Reason"
            data={[
              { value: '', label: 'All reasons' },
              { value: 'BRUTE_FORCE', label: REASON_LABELS.BRUTE_FORCE },
              { value: 'MANUAL', label: REASON_LABELS.MANUAL },
            ]}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value as BlockReason | '');
              setPage(1);
            }}
          />
          <Switch
            mt="lg"
            label="Show lifted and expired"
            checked={showAll}
            onChange={(e) => {
              setShowAll(e.currentTarget.checked);
              setPage(1);
            }}
          />
        </Group>
        <Button onClick={blockModal.open}>Block an IP</Button>
      </Group>
      {data.ipBlocks.nodes.length === 0 && page === 1 ? (
        <EmptyState
          icon={<IconShieldOff aria-hidden />}
          title="No blocks"
          description={showAll || reason ? 'No block matches these filters.' : 'No IP is blocked right now.'}
        />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {data.ipBlocks.totalCount === 1 ? '1 block' : `${data.ipBlocks.totalCount} blocks`}
          </Text>
          <Table aria-label="Blocks" striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Range</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th>Until</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.ipBlocks.nodes.map((b) => {
                const active = !b.liftedAt && (!b.expiresAt || new Date(b.expiresAt) > new Date());
                return (
                  <Table.Tr key={b.id}>
                    <Table.Td>{b.cidr}</Table.Td>
                    <Table.Td>
                      {REASON_LABELS[b.reason]}
                      {b.note ? ` — ${b.note}` : ''}
                    </Table.Td>
                    <Table.Td>
                      <FormattedDate value={b.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      {b.liftedAt ? 'Lifted' : b.expiresAt ? <FormattedDate value={b.expiresAt} /> : 'Until lifted'}
                    </Table.Td>
                    <Table.Td>
                      {active && (
                        <RowActionButton
                          label="Unblock"
                          accessibleName={`Unblock ${b.cidr}`}
                          action={() => unblock({ variables: { ip: b.cidr } })}
                        />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
        </>
      )}
      <Modal opened={blockOpened} onClose={blockModal.close} title="Block an IP">
        <BlockIpForm onDone={blockModal.close} />
      </Modal>
    </Stack>
  );
}

function BlockIpForm({ onDone }: { onDone: () => void }) {
  const [cidr, setCidr] = useState('');
  const [note, setNote] = useState('');
  const [ends, setEnds] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [block, { loading }] = useMutation(BlockIpDocument, { refetchQueries: ['BlockedIpsPage', 'CheckIp'] });
  const fe = problem?.fieldErrors ?? {};
  return (
    <form
      onSubmit={async (e: FormEvent) => {
        e.preventDefault();
        setProblem(null);
        try {
          const { data } = await block({
            variables: { input: { cidr: cidr.trim(), note, expiresAt: ends ? new Date(ends).toISOString() : null } },
          });
          const r = data?.blockIp;
          if (r?.__typename === 'IpBlock') {
            notifications.show({ color: 'green', title: 'Blocked', message: `${r.cidr} is blocked.` });
            onDone();
          } else if (r && 'code' in r) setProblem(problemFromCode(r.code));
        } catch (err) {
          setProblem(toProblem(err));
        }
      }}
    >
      <Stack>
        {problem && Object.keys(fe).length === 0 && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        <TextInput
          label="IP address or range"
          required
          data-autofocus
          value={cidr}
          error={fe['cidr']}
          onChange={(e) => setCidr(e.currentTarget.value)}
        />
        <TextInput
          label="Reason"
          required
          maxLength={500}
          value={note}
          error={fe['note']}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <TextInput
          label="Ends"
          description="Optional; empty = until lifted"
          type="datetime-local"
          value={ends}
          error={fe['expiresAt']}
          onChange={(e) => setEnds(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={loading}>
            Block
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
