import { useQuery } from '@apollo/client/react';
import { Anchor, Card, Pagination, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { ROLE_LABELS } from '../features/account/labels';
import { DBIP_ATTRIBUTION } from '../features/ip-block/format';
import { LoginHistoryTable } from '../features/login-event/LoginHistoryTable';
import { canManageIps, mayManageRole, seesAccountData, useViewer } from '../features/session/viewer';
import { AdminTwoFactorCard } from '../features/two-factor/AdminTwoFactorCard';
import { SignInGuardCard } from '../features/session/SignInGuardCard';
import { AccountTrustedIps } from '../features/trusted-ip/AccountTrustedIps';

const AccountPageDocument = graphql(`
  query AccountPage($id: ID!, $page: PageInput) {
    account(id: $id) {
      id
      email
      name
      role
      disabledAt
      createdAt
      lastLoginAt
      requiresTwoFactor
    }
    loginEvents(filter: { accountId: $id }, page: $page) {
      totalCount
      nodes {
        id
        occurredAt
        ip
        service
        outcome
        city
        region
        countryCode
        namedLocation
        asn
        asnOrg
        networkKind
      }
    }
  }
`);

const PAGE = 25;

export function Component() {
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [page, setPage] = useState(1);
  const { data, error, refetch } = useQuery(AccountPageDocument, {
    variables: { id, page: { limit: PAGE, offset: (page - 1) * PAGE } },
    fetchPolicy: 'cache-and-network',
  });
  usePageTitle(data?.account.email ?? 'Account');
  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  const a = data.account;
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>{a.email}</Title>
      <Card withBorder>
        <Text>
          {a.name} · {ROLE_LABELS[a.role]} · {a.disabledAt ? 'Disabled' : 'Enabled'} · created{' '}
          <FormattedDate value={a.createdAt} /> · last login <FormattedDate value={a.lastLoginAt} fallback="never" />
        </Text>
        {/* Staff lists, for whoever may manage that role (an admin's for admins only). */}
        {a.role !== 'USER' && mayManageRole(viewer, a.role) && (
          <Anchor component={Link} to={`/users/${a.id}/access-list`} size="sm" mt="xs">
            IP access list
          </Anchor>
        )}
      </Card>
      {/* The password guard (many wrong passwords from many places) for whoever may manage its role. */}
      {mayManageRole(viewer, a.role) && a.id !== viewer.id && <SignInGuardCard account={a} />}
      {/* Its 2FA (status, reset, unlock) for whoever may manage its role, never one's own (the Security page). */}
      {mayManageRole(viewer, a.role) && a.id !== viewer.id && <AdminTwoFactorCard account={a} />}
      {/* No sub-admin trusts an IP for itself (the server refuses it), nor for staff it may not manage. */}
      {canManageIps(viewer) && seesAccountData(viewer, a) && (viewer.role === 'ADMIN' || a.id !== viewer.id) && (
        <AccountTrustedIps account={{ id: a.id, email: a.email }} />
      )}
      <Title order={2} size="h3">
        Login history
      </Title>
      {seesAccountData(viewer, a) ? (
        <LoginHistoryTable events={data.loginEvents.nodes} />
      ) : (
        <Text size="sm" c="dimmed">
          {a.role === 'ADMIN'
            ? 'An admin’s sign-ins are shown to admins only.'
            : 'A sub-admin’s sign-ins are shown to those who manage sub-admins.'}
        </Text>
      )}
      {data.loginEvents.totalCount > PAGE && (
        <Pagination
          total={Math.ceil(data.loginEvents.totalCount / PAGE)}
          value={page}
          onChange={setPage}
          aria-label="Login history pages"
        />
      )}
      <Text size="xs" c="dimmed">
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          {DBIP_ATTRIBUTION}
        </a>
      </Text>
    </Stack>
  );
}
