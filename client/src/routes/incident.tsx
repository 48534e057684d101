import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft } from '@tabler/icons-react';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { getFragmentData, graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { ProblemAlert } from '../components/ProblemAlert';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, toProblem } from '../features/errors/problem';
import {
  HOLDER_LABELS,
  REASON_LABELS,
  RESOLUTION_LABELS,
  SEVERITY_COLORS,
  SEVERITY_LABELS,
  STATUS_LABELS,
} from '../features/security-incident/labels';
import {
  DismissIncidentDocument,
  IncidentDetailFragment,
  MarkIncidentIpsSafeDocument,
  TreatIncidentAsCompromisedDocument,
} from '../features/security-incident/operations';
import { canManageUsers, canReadIncidents, canResolveIncidents, useViewer } from '../features/session/viewer';

const IncidentMap = lazy(() => import('../features/security-incident/IncidentMap').then((m) => ({ default: m.IncidentMap })));

const SendPasswordResetLinkDocument = graphql(`
  mutation SendPasswordResetLink($accountId: ID!) {
    sendPasswordResetLink(accountId: $accountId)
  }
`);

const IncidentPageDocument = graphql(`
  query IncidentPage($id: ID!) {
    securityIncident(id: $id) {
      ...IncidentDetail
      logins {
        id
        occurredAt
        ip
        countryCode
        region
        city
        latitude
        longitude
        asn
        asnOrg
        networkKind
        namedLocation
        service
        userAgent
        outcome
      }
      legs {
        fromLoginId
        toLoginId
        distanceKm
        hours
        speedKmh
        impossible
      }
    }
  }
`);

function place(l: { city?: string | null; region?: string | null; countryCode?: string | null }): string {
  return [l.city, l.region, l.countryCode].filter(Boolean).join(', ') || 'Unknown place';
}

function formatHours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${Math.round(h * 10) / 10} h`;
}

export function Component() {
  usePageTitle('Security incident');
  const { id = '' } = useParams();
  const viewer = useViewer();
  const allowed = canReadIncidents(viewer);
  const { data, error, refetch } = useQuery(IncidentPageDocument, {
    variables: { id },
    skip: !allowed,
    fetchPolicy: 'cache-and-network',
  });
  const [dialog, setDialog] = useState<'safe' | 'dismiss' | 'compromised' | null>(null);
  const [sendLink, { loading: sending }] = useMutation(SendPasswordResetLinkDocument);

  if (!allowed) return <Alert color="yellow">You need the “Read incidents” permission.</Alert>;
  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  const raw = data.securityIncident;
  const incident = getFragmentData(IncidentDetailFragment, raw);
  const located = raw.logins.filter((l) => l.latitude !== null && l.longitude !== null);
  const ips = [...new Set(raw.logins.map((l) => l.ip))];
  const byId = new Map(raw.logins.map((l) => [l.id, l]));
  const canAct = canResolveIncidents(viewer) && incident.status === 'OPEN';
  // Resolved otherwise before the holder answered "This wasn't me": it may still be treated as compromised.
  const deniedAfterResolution =
    canResolveIncidents(viewer) &&
    incident.status === 'RESOLVED' &&
    incident.holderResponse === 'DENIED' &&
    incident.resolution !== 'COMPROMISED';

  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to="/security/incidents" size="sm">
        <IconArrowLeft size={14} aria-hidden /> All incidents
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>Incident: {incident.account.email}</Title>
          <Text c="dimmed" size="sm">
            Opened <FormattedDate value={incident.openedAt} /> · {incident.loginCount} logins · last change{' '}
            <FormattedDate value={incident.updatedAt} />
          </Text>
        </div>
        <Group gap="xs">
          <Badge size="lg" color={SEVERITY_COLORS[incident.severity]} data-testid="incident-severity">
            {SEVERITY_LABELS[incident.severity]}
          </Badge>
          <Badge size="lg" variant="outline" color={incident.status === 'OPEN' ? 'red' : 'green'} data-testid="incident-status">
            {STATUS_LABELS[incident.status]}
          </Badge>
        </Group>
      </Group>

      {incident.status === 'RESOLVED' && incident.resolution && (
        <Alert color="green" title={RESOLUTION_LABELS[incident.resolution]}>
          By {incident.resolvedBy?.email ?? 'a deleted account'} on <FormattedDate value={incident.resolvedAt} />
          {incident.resolutionNote && <>: “{incident.resolutionNote}”</>}
        </Alert>
      )}
      {incident.holderResponse && (
        <Alert color={incident.holderResponse === 'DENIED' ? 'red' : 'blue'} title={HOLDER_LABELS[incident.holderResponse]}>
          Answered <FormattedDate value={incident.holderRespondedAt} /> through the link in the incident e-mail.
          {incident.holderResponse === 'CONFIRMED' && ' Dismissal is proposed; the decision is yours.'}
        </Alert>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={2} size="h4">
            Likely reason: {REASON_LABELS[incident.reason]}
          </Title>
          {incident.impossibleTravel && (
            <Badge color="red" mt="xs">
              Impossible travel
            </Badge>
          )}
          <List size="sm" mt="sm" spacing={4}>
            {incident.evidence.map((e) => (
              <List.Item key={e}>{e}</List.Item>
            ))}
          </List>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4">
            Account
          </Title>
          <Text size="sm" mt="xs">
            {/* The account page needs MANAGE_USERS: without it, the name alone (no link to a refusal). */}
            {canManageUsers(viewer) ? (
              <Anchor component={Link} to={`/users/${incident.account.id}`}>
                {incident.account.name} ({incident.account.email})
              </Anchor>
            ) : (
              `${incident.account.name} (${incident.account.email})`
            )}
          </Text>
          {incident.account.disabledAt && <Badge color="gray">Locked</Badge>}
          {incident.account.passwordResetRequired && (
            <Group gap="xs" mt={4}>
              <Badge color="orange">Password reset pending</Badge>
              {canResolveIncidents(viewer) && (
                <Button
                  size="xs"
                  variant="light"
                  loading={sending}
                  onClick={() => {
                    const to = incident.account.email;
                    sendLink({ variables: { accountId: incident.account.id } })
                      .then(() =>
                        notifications.show({
                          color: 'green',
                          message: `A new reset link was e-mailed to ${to}. Earlier links no longer work.`,
                        }),
                      )
                      .catch((err: unknown) => notifications.show({ color: 'red', message: toProblem(err).message }));
                  }}
                >
                  E-mail a new reset link
                </Button>
              )}
            </Group>
          )}
          {canAct && (
            <Group mt="md" gap="xs">
              <Button onClick={() => setDialog('safe')}>Mark IPs as safe</Button>
              <Button variant="default" onClick={() => setDialog('dismiss')}>
                Dismiss
              </Button>
              <Button color="red" onClick={() => setDialog('compromised')}>
                Treat as compromised
              </Button>
            </Group>
          )}
          {deniedAfterResolution && (
            <Stack mt="md" gap="xs">
              <Text size="sm">
                The account holder said “This wasn’t me” after this incident was resolved. Its addresses trusted for the account
                stop being trusted when you treat it as compromised.
              </Text>
              <Group>
                <Button color="red" onClick={() => setDialog('compromised')}>
                  Treat as compromised
                </Button>
              </Group>
            </Stack>
          )}
        </Card>
      </SimpleGrid>

      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          Map
        </Title>
        {located.length === 0 ? (
          <Text size="sm" c="dimmed">
            None of the logins has a location.
          </Text>
        ) : (
          <Suspense fallback={<PageLoader />}>
            <IncidentMap
              logins={located.map((l) => ({ id: l.id, latitude: l.latitude!, longitude: l.longitude!, label: place(l) }))}
              legs={raw.legs}
            />
          </Suspense>
        )}
      </Card>

      <Title order={2} size="h4">
        Logins in order
      </Title>
      <Table aria-label="Logins of the incident" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Time</Table.Th>
            <Table.Th>IP</Table.Th>
            <Table.Th>Place</Table.Th>
            <Table.Th>Network</Table.Th>
            <Table.Th>Service</Table.Th>
            <Table.Th>User agent</Table.Th>
            <Table.Th>Outcome</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {raw.logins.map((l, i) => (
            <Table.Tr key={l.id}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>
                <FormattedDate value={l.occurredAt} />
              </Table.Td>
              <Table.Td>{l.ip}</Table.Td>
              <Table.Td>
                {place(l)}
                {l.namedLocation && (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    ({l.namedLocation})
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {l.asn ? `AS${l.asn} ` : ''}
                {l.asnOrg ?? ''} <Badge variant="light">{l.networkKind.toLowerCase()}</Badge>
              </Table.Td>
              <Table.Td>{l.service}</Table.Td>
              <Table.Td>
                <Text size="xs" lineClamp={2}>
                  {l.userAgent ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>{l.outcome.toLowerCase().replaceAll('_', ' ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      {raw.legs.length > 0 && (
        <>
          <Title order={2} size="h4">
            Distances and speeds
          </Title>
          <Table aria-label="Distances and speeds" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>Distance</Table.Th>
                <Table.Th>Time between</Table.Th>
                <Table.Th>Speed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {raw.legs.map((leg) => {
                const a = byId.get(leg.fromLoginId);
                const b = byId.get(leg.toLoginId);
                return (
                  <Table.Tr key={`${leg.fromLoginId}-${leg.toLoginId}`}>
                    <Table.Td>{a ? place(a) : '?'}</Table.Td>
                    <Table.Td>{b ? place(b) : '?'}</Table.Td>
                    <Table.Td>{leg.distanceKm.toLocaleString()} km</Table.Td>
                    <Table.Td>{formatHours(leg.hours)}</Table.Td>
                    <Table.Td>
                      {leg.speedKmh === null
                        ? '—'
                        : leg.speedKmh >= 1e9
                          ? 'same moment'
                          : `${Math.round(leg.speedKmh).toLocaleString()} km/h`}
                      {leg.impossible && (
                        <Badge ml="xs" color="red">
                          impossible
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </>
      )}

      <MarkSafeDialog opened={dialog === 'safe'} onClose={() => setDialog(null)} id={incident.id} ips={ips} />
      <DismissDialog opened={dialog === 'dismiss'} onClose={() => setDialog(null)} id={incident.id} />
      <CompromisedDialog
        opened={dialog === 'compromised'}
        onClose={() => setDialog(null)}
        id={incident.id}
        email={incident.account.email}
      />
    </Stack>
  );
}

function MarkSafeDialog({ opened, onClose, id, ips }: { opened: boolean; onClose: () => void; id: string; ips: string[] }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mutate, { loading }] = useMutation(MarkIncidentIpsSafeDocument);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      await mutate({ variables: { input: { id, ips: chosen, note: note.trim() || null } } });
      notifications.show({
        color: 'green',
        message: `${chosen.length} IP${chosen.length === 1 ? '' : 's'} marked safe; incident resolved.`,
      });
      onClose();
    } catch (err) {
      setProblem(toProblem(err));
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Mark IPs as safe for this account">
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            Logins from the chosen addresses are never blocked for this account and never raise an incident again.
          </Text>
          <Checkbox.Group label="Addresses" value={chosen} onChange={setChosen}>
            <Stack gap={4} mt="xs">
              {ips.map((ip) => (
                <Checkbox key={ip} value={ip} label={ip} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea label="Note (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
          <ProblemAlert problem={problem} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={loading} disabled={chosen.length === 0}>
              Mark safe and resolve
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DismissDialog({ opened, onClose, id }: { opened: boolean; onClose: () => void; id: string }) {
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mutate, { loading }] = useMutation(DismissIncidentDocument);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      await mutate({ variables: { input: { id, note } } });
      notifications.show({ color: 'green', message: 'Incident dismissed.' });
      onClose();
    } catch (err) {
      setProblem(toProblem(err));
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Dismiss incident">
      <form onSubmit={submit}>
        <Stack>
          <Textarea
            label="Why is it harmless?"
            required
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={1000}
            error={problem?.fieldErrors['note']}
          />
          <ProblemAlert problem={problem && !problem.fieldErrors['note'] ? problem : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Dismiss
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function CompromisedDialog({ opened, onClose, id, email }: { opened: boolean; onClose: () => void; id: string; email: string }) {
  const [reset, setReset] = useState(true);
  const [lock, setLock] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mutate, { loading }] = useMutation(TreatIncidentAsCompromisedDocument);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      const r = await mutate({
        variables: { input: { id, requirePasswordReset: reset, lockAccount: lock, note: note.trim() || null } },
      });
      const d = r.data?.treatIncidentAsCompromised;
      notifications.show({
        color: 'green',
        message: `Done: ${d?.sessionsRevoked ?? 0} sessions and ${d?.tokensRevoked ?? 0} API tokens revoked.`,
      });
      onClose();
    } catch (err) {
      setProblem(toProblem(err));
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Treat as compromised">
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">Every session and API token of {email} is revoked at once. Also:</Text>
          <Checkbox
            label="Force a password reset (the old password stops working; a single-use link is e-mailed)"
            checked={reset}
            onChange={(e) => setReset(e.currentTarget.checked)}
          />
          <Checkbox
            label="Lock the account (until an admin enables it)"
            checked={lock}
            onChange={(e) => setLock(e.currentTarget.checked)}
          />
          <Textarea label="Note (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
          <ProblemAlert problem={problem} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={loading} disabled={!reset && !lock}>
              Treat as compromised
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
