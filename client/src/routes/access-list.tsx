import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Card, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useParams } from 'react-router';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { RowActionButton } from '../components/RowActionButton';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, toProblem } from '../features/errors/problem';
import { useViewer } from '../features/session/viewer';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';

const AccessListPageDocument = graphql(`
  query AccessListPage($accountId: ID) {
    adminAccessList(accountId: $accountId) {
      account {
        id
        email
      }
      restricted
      currentIp
      currentIpListed
      entries {
        id
        cidr
        label
        createdAt
      }
    }
    ipRestrictionPreview(accountId: $accountId) {
      ip
      count
      lastAt
      services
    }
  }
`);

const AddEntriesDocument = graphql(`
  mutation AddAccessEntries($lines: String!, $label: String, $accountId: ID) {
    addAdminAccessEntries(lines: $lines, label: $label, accountId: $accountId) {
      restricted
    }
  }
`);

const RemoveEntryDocument = graphql(`
  mutation RemoveAccessEntry($id: ID!) {
    removeAdminAccessEntry(id: $id) {
      restricted
    }
  }
`);

const SetRestrictionDocument = graphql(`
  mutation SetIpRestriction($restricted: Boolean!, $accountId: ID) {
    setIpRestriction(restricted: $restricted, accountId: $accountId) {
      restricted
    }
  }
`);

const refetch = { refetchQueries: ['AccessListPage'] };

export function Component() {
  const viewer = useViewer();
  // `/users/:id/access-list`: an admin (or MANAGE_SUB_ADMINS for sub-admins) manages someone else's list.
  const { id: accountId } = useParams();
  const own = !accountId || accountId === viewer.id;
  usePageTitle(own ? 'My IP access list' : 'IP access list');
  const {
    data,
    error,
    refetch: reload,
  } = useQuery(AccessListPageDocument, {
    variables: { accountId: own ? null : accountId },
    fetchPolicy: 'cache-and-network',
    skip: viewer.role === 'USER',
  });
  const [add, { loading: adding }] = useMutation(AddEntriesDocument, refetch);
  const [remove] = useMutation(RemoveEntryDocument, refetch);
  const [setRestriction, { loading: switching }] = useMutation(SetRestrictionDocument, refetch);
  const [lines, setLines] = useState('');
  const [label, setLabel] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [warnOpened, warn] = useDisclosure(false);
  // Changing IP restrictions asks for a fresh confirmation (password and second factor) first.
  const { guard, confirmThen, modal } = useReauthGuard();

  if (viewer.role === 'USER') return <Alert color="yellow">IP access lists are for admins and sub-admins.</Alert>;
  if (!data) return error ? <QueryError error={error} onRetry={reload} /> : <PageLoader />;
  const list = data.adminAccessList;

  async function onAdd(e: FormEvent, text = lines) {
    e.preventDefault();
    setProblem(null);
    const run = async () => {
      await add({ variables: { lines: text, label: label.trim() || null, accountId: own ? null : accountId } });
      setLines('');
      notifications.show({ color: 'green', message: own ? 'Added to your access list.' : 'Added to the access list.' });
    };
    try {
      await run();
    } catch (err) {
      const p = toProblem(err);
      // Lines are checked first: a re-authentication is asked for only once they are right.
      if (p.code === 'REAUTH_REQUIRED') confirmThen(run);
      else setProblem(p);
    }
  }

  async function toggle(restricted: boolean) {
    // The warning has been read: it closes before a re-authentication is asked for.
    warn.close();
    await guard('Changing the restriction', async () => {
      await setRestriction({ variables: { restricted, accountId: own ? null : accountId } });
    });
  }

  const lineErrors = problem ? Object.entries(problem.fieldErrors).filter(([f]) => f.startsWith('lines')) : [];
  return (
    <Stack gap="lg" maw={1000}>
      <Title order={1}>{own ? 'My IP access list' : `IP access list of ${list.account.email}`}</Title>
      <Card withBorder>
        <Group justify="space-between">
          <div>
            <Text fw={600}>
              Status:{' '}
              {list.restricted ? (
                <Badge color="orange">Login restricted to the IPs in the list</Badge>
              ) : (
                <Badge color="gray">Unrestricted access</Badge>
              )}
            </Text>
            <Text size="sm" mt={4}>
              {own ? 'Your current IP' : 'Your own current IP'}: <strong>{list.currentIp}</strong>{' '}
              {list.currentIpListed ? '(in the list)' : '(not in the list)'}
            </Text>
          </div>
          {list.restricted ? (
            <Button variant="default" loading={switching} onClick={() => void toggle(false)}>
              Allow unrestricted access
            </Button>
          ) : (
            <Button color="orange" onClick={warn.open}>
              Restrict login to these IPs
            </Button>
          )}
        </Group>
        {own && !list.currentIpListed && (
          <Button mt="sm" variant="light" size="xs" onClick={(e) => void onAdd(e, list.currentIp)}>
            Add my current IP
          </Button>
        )}
      </Card>
      <form onSubmit={(e) => void onAdd(e)}>
        <Stack gap="sm">
          <Textarea
            label="Addresses or ranges"
            description="One per line, optionally followed by a label: 203.0.113.7 Office"
            autosize
            minRows={3}
            value={lines}
            onChange={(e) => setLines(e.currentTarget.value)}
            error={lineErrors.length > 0 ? lineErrors.map(([, m]) => m).join(' ') : undefined}
          />
          <Group align="flex-end">
            <TextInput label="Label for lines without one" value={label} onChange={(e) => setLabel(e.currentTarget.value)} />
            <Button type="submit" loading={adding}>
              Add to list
            </Button>
          </Group>
          {problem && lineErrors.length === 0 && (
            <Alert color="red" role="alert">
              {problem.message}
            </Alert>
          )}
        </Stack>
      </form>
      <Table aria-label="Access list" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Address or range</Table.Th>
            <Table.Th>Label</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th>Action</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.entries.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{e.cidr}</Table.Td>
              <Table.Td>{e.label ?? '—'}</Table.Td>
              <Table.Td>
                <FormattedDate value={e.createdAt} />
              </Table.Td>
              <Table.Td>
                <RowActionButton
                  label="Remove"
                  accessibleName={`Remove ${e.cidr}`}
                  action={() =>
                    guard('Removing', async () => {
                      await remove({ variables: { id: e.id } });
                    })
                  }
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={warnOpened} onClose={warn.close} title="Restrict login to the IPs in the list?">
        <Stack>
          <Text size="sm">
            This works only with static IPs. Sign-ins, sessions and API tokens from any other address will be refused — make sure
            your internet provider does not change your IP.
          </Text>
          {data.ipRestrictionPreview.length > 0 && (
            <Alert color="orange" title="Activity of the last 30 days that would have been refused">
              {data.ipRestrictionPreview.map((p) => (
                <Text size="sm" key={`${p.ip}-${p.services.join()}`}>
                  {p.ip} — {p.count}× {p.services.join(', ')}, last <FormattedDate value={p.lastAt} />
                </Text>
              ))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={warn.close}>
              Cancel
            </Button>
            <Button color="orange" loading={switching} onClick={() => void toggle(true)}>
              Restrict access
            </Button>
          </Group>
        </Stack>
      </Modal>
      {modal}
    </Stack>
  );
}
