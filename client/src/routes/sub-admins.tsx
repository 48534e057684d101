import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  CopyButton,
  Code,
  EmptyState,
  Group,
  Modal,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconUserShield } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { graphql } from '../__generated__';
import type { Permission } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { ProblemAlert } from '../components/ProblemAlert';
import { QueryError } from '../components/QueryError';
import { RowActionButton } from '../components/RowActionButton';
import { AccountStatusModal } from '../features/account/AccountStatusModal';
import { useLastPageClamp } from '../components/useLastPageClamp';
import { usePageTitle } from '../components/usePageTitle';
import { CreateAccountModal } from '../features/account/CreateAccountModal';
import { ALL_PERMISSIONS, PERMISSION_LABELS } from '../features/account/labels';
import { type Problem, toProblem } from '../features/errors/problem';
import { mayGrant, useViewer, type Viewer } from '../features/session/viewer';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';

const SubAdminsPageDocument = graphql(`
  query SubAdminsPage($offset: Int!) {
    accounts(filter: { role: SUB_ADMIN }, page: { limit: 50, offset: $offset }) {
      totalCount
      nodes {
        id
        email
        name
        permissions
        apiOnly
        ipRestricted
        disabledAt
        lastLoginAt
      }
    }
  }
`);

const SetPermissionsDocument = graphql(`
  mutation SetSubAdminPermissions($id: ID!, $permissions: [Permission!]!) {
    setPermissions(id: $id, permissions: $permissions) {
      id
      permissions
    }
  }
`);

const DeleteAccountDocument = graphql(`
  mutation DeleteSubAdmin($id: ID!) {
    deleteAccount(id: $id)
  }
`);

const ApiTokensDocument = graphql(`
  query ApiTokens($accountId: ID!) {
    apiTokens(accountId: $accountId) {
      id
      name
      prefix
      createdAt
      createdByEmail
      expiresAt
      lastUsedAt
      lastUsedIp
      revokedAt
    }
  }
`);

const CreateApiTokenDocument = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
      }
    }
  }
`);

const RevokeApiTokenDocument = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revokedAt
    }
  }
`);

const PER_PAGE = 50;

type SubAdmin = { id: string; email: string; permissions: Permission[]; apiOnly: boolean };

function canManageSubAdmins(v: Viewer): boolean {
  return v.role === 'ADMIN' || (v.role === 'SUB_ADMIN' && v.permissions.includes('MANAGE_SUB_ADMINS'));
}

/** Sub-admins: the team (people and API-only integrations), each with exactly the permissions it needs. */
export function Component() {
  usePageTitle('Sub-admins');
  const viewer = useViewer();
  const allowed = canManageSubAdmins(viewer);
  const [page, setPage] = useState(1);
  const { data, error, refetch } = useQuery(SubAdminsPageDocument, {
    variables: { offset: (page - 1) * PER_PAGE },
    skip: !allowed,
    fetchPolicy: 'cache-and-network',
  });
  const total = data?.accounts.totalCount;
  const pages = Math.ceil((total ?? 0) / PER_PAGE);
  useLastPageClamp(total, page, setPage, PER_PAGE);
  const [createOpened, create] = useDisclosure(false);
  const [editing, setEditing] = useState<SubAdmin | null>(null);
  const [tokensFor, setTokensFor] = useState<SubAdmin | null>(null);
  const [deleting, setDeleting] = useState<SubAdmin | null>(null);
  // Disabling revokes tokens for good: confirmed in the dialog that says so, as on the Users page.
  const [statusFor, setStatusFor] = useState<{ id: string; email: string; disabledAt: string | null } | null>(null);
  // The dialog keeps showing its account while it closes (its title and text would change mid-animation).
  const [statusShown, setStatusShown] = useState<{ id: string; email: string; disabledAt: string | null } | null>(null);
  if (statusFor !== null && statusFor !== statusShown) setStatusShown(statusFor);

  if (!allowed) return <Alert color="yellow">You need the “Manage sub-admins” permission.</Alert>;
  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between">
        <Title order={1}>Sub-admins</Title>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={create.open}>
          New sub-admin
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Staff accounts and API-only integrations with exactly the permissions they need. API-only sub-admins never sign in to the
        dashboard: they use API tokens (e.g. a mail server reporting logins needs only “Report logins”).
      </Text>
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : data.accounts.totalCount === 0 ? (
        <EmptyState
          icon={<IconUserShield aria-hidden />}
          title="No sub-admins yet"
          description="Create one for each person or integration."
        />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {data.accounts.totalCount === 1 ? '1 sub-admin' : `${data.accounts.totalCount} sub-admins`}
          </Text>
          <Table aria-label="Sub-admins" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.accounts.nodes.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {a.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {a.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {a.apiOnly ? <Badge color="violet">API only</Badge> : <Badge variant="light">Person</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {a.permissions.length === 0 ? (
                        <Text size="xs" c="dimmed">
                          none
                        </Text>
                      ) : (
                        a.permissions.map((p) => (
                          <Badge key={p} variant="outline" size="sm">
                            {PERMISSION_LABELS[p].label}
                          </Badge>
                        ))
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {a.disabledAt ? 'Disabled' : 'Active'}
                    {a.ipRestricted && (
                      <Badge ml="xs" size="sm" color="teal">
                        IP restricted
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(a)} disabled={a.id === viewer.id}>
                        Permissions
                      </Button>
                      <Button size="xs" variant="default" component={Link} to={`/users/${a.id}/access-list`}>
                        IP list
                      </Button>
                      {a.apiOnly && (
                        <Button size="xs" variant="default" onClick={() => setTokensFor(a)}>
                          API tokens
                        </Button>
                      )}
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setStatusFor(a)}
                        disabled={a.id === viewer.id}
                        aria-label={`${a.disabledAt ? 'Enable' : 'Disable'} ${a.email}`}
                      >
                        {a.disabledAt ? 'Enable' : 'Disable'}
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="subtle"
                        onClick={() => setDeleting(a)}
                        disabled={a.id === viewer.id}
                        aria-label={`Delete ${a.email}`}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
        </>
      )}
      {createOpened && (
        <CreateAccountModal
          opened
          onClose={() => {
            create.close();
            void refetch();
          }}
          roles={['SUB_ADMIN']}
        />
      )}
      {editing && <PermissionsModal account={editing} onClose={() => setEditing(null)} />}
      {tokensFor && <TokensModal account={tokensFor} onClose={() => setTokensFor(null)} />}
      <AccountStatusModal opened={statusFor !== null} account={statusShown} onClose={() => setStatusFor(null)} />
      {deleting && (
        <DeleteModal
          account={deleting}
          onClose={(deleted) => {
            setDeleting(null);
            if (deleted) void refetch();
          }}
        />
      )}
    </Stack>
  );
}

function PermissionsModal({ account, onClose }: { account: SubAdmin; onClose: () => void }) {
  const viewer = useViewer();
  const [chosen, setChosen] = useState<Permission[]>(account.permissions);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [save, { loading }] = useMutation(SetPermissionsDocument);
  // Adding a permission asks for a recent re-authentication first.
  const { confirmThen, modal } = useReauthGuard();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const run = async () => {
      await save({ variables: { id: account.id, permissions: chosen } });
      notifications.show({ color: 'green', message: `Permissions of ${account.email} saved; they apply at once.` });
      onClose();
    };
    try {
      await run();
    } catch (err) {
      const p = toProblem(err);
      if (p.code === 'REAUTH_REQUIRED') confirmThen(() => run().catch((again: unknown) => setProblem(toProblem(again))));
      else setProblem(p);
    }
  }
  return (
    <Modal opened onClose={onClose} title={`Permissions of ${account.email}`} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as Permission[])} label="Permissions">
            <Stack gap="xs" mt="xs">
              {ALL_PERMISSIONS.map((p) => (
                <Checkbox
                  key={p}
                  value={p}
                  label={PERMISSION_LABELS[p].label}
                  // Only what you hold yourself can be handed on (one held already can still be taken away).
                  disabled={!mayGrant(viewer, p) && !account.permissions.includes(p)}
                  description={
                    mayGrant(viewer, p)
                      ? PERMISSION_LABELS[p].description
                      : `${PERMISSION_LABELS[p].description} You do not hold it, so you cannot grant it.`
                  }
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <ProblemAlert problem={problem} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Save permissions
            </Button>
          </Group>
        </Stack>
      </form>
      {modal}
    </Modal>
  );
}

function TokensModal({ account, onClose }: { account: SubAdmin; onClose: () => void }) {
  const { data, error, refetch } = useQuery(ApiTokensDocument, {
    variables: { accountId: account.id },
    fetchPolicy: 'network-only',
  });
  const { guard, modal } = useReauthGuard();
  const [createToken, { loading }] = useMutation(CreateApiTokenDocument);
  const [revoke] = useMutation(RevokeApiTokenDocument);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    void guard('Creating the token', async () => {
      const r = await createToken({
        variables: {
          input: { accountId: account.id, name: name.trim(), expiresAt: expires ? new Date(expires).toISOString() : null },
        },
      });
      setFresh(r.data?.createApiToken.token ?? null);
      setName('');
      setExpires('');
      void refetch();
    });
  }

  return (
    <Modal opened onClose={onClose} title={`API tokens of ${account.email}`} size="xl">
      <Stack>
        {fresh && (
          <Alert color="green" title="New token: copy it now, it is shown only once">
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="new-api-token" style={{ wordBreak: 'break-all' }}>
                {fresh}
              </Code>
              <CopyButton value={fresh}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" mt="xs">
              Send it as <Code>Authorization: Bearer …</Code>. Only a hash is stored.
            </Text>
          </Alert>
        )}
        <form onSubmit={submit}>
          <Group align="flex-end">
            <TextInput
              label="Token name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextInput
              label="Expires (optional)"
              type="datetime-local"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
            />
            <Button type="submit" loading={loading}>
              Create token
            </Button>
          </Group>
        </form>
        {!data ? (
          error ? (
            <QueryError error={error} onRetry={refetch} />
          ) : (
            <PageLoader />
          )
        ) : data.apiTokens.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tokens yet.
          </Text>
        ) : (
          <Table aria-label="API tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.apiTokens.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>
                    <Code>{t.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <FormattedDate value={t.createdAt} />
                    {t.createdByEmail ? ` by ${t.createdByEmail}` : ''}
                  </Table.Td>
                  <Table.Td>
                    <FormattedDate value={t.expiresAt} fallback="never" />
                  </Table.Td>
                  <Table.Td>
                    <FormattedDate value={t.lastUsedAt} fallback="never" />
                    {t.lastUsedIp ? ` from ${t.lastUsedIp}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {t.revokedAt ? (
                      <Badge color="gray">Revoked</Badge>
                    ) : (
                      <RowActionButton
                        label="Revoke"
                        accessibleName={`Revoke ${t.name}`}
                        action={() => revoke({ variables: { id: t.id } })}
                        ask={{
                          title: `Revoke the token ${t.name}?`,
                          body: `Whatever uses the token ${t.prefix}… (a mail server reporting sign-ins, a billing panel) is refused from now on. This cannot be undone: a new token has to be created and configured there.`,
                          confirmLabel: 'Revoke token',
                        }}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {modal}
    </Modal>
  );
}

function DeleteModal({ account, onClose }: { account: SubAdmin; onClose: (deleted: boolean) => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const { guard, modal } = useReauthGuard();
  const [del, { loading }] = useMutation(DeleteAccountDocument, {
    update(cache) {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'accounts' });
      cache.gc();
    },
  });
  async function confirm() {
    setProblem(null);
    // Deleting a sub-admin needs a recent confirmation that it is you: asked for when missing.
    await guard(
      'Deleting the sub-admin',
      async () => {
        await del({ variables: { id: account.id } });
        notifications.show({ color: 'green', message: `${account.email} deleted.` });
        onClose(true);
      },
      setProblem,
    );
  }
  return (
    <Modal opened onClose={() => onClose(false)} title={`Delete ${account.email}?`}>
      {modal}
      <Stack>
        <Text size="sm">
          Its sessions, API tokens, second factors and access list are deleted with it, and the API tokens it created for
          integrations are revoked. Login history and audit entries stay.
        </Text>
        <ProblemAlert problem={problem} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose(false)}>
            Cancel
          </Button>
          <Button color="red" loading={loading} onClick={() => void confirm()}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
