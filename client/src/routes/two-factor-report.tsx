import { useQuery } from '@apollo/client/react';
import { Alert, Badge, Card, Pagination, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { ROLE_LABELS } from '../features/account/labels';
import { canManageSettings, canManageUsers, useViewer } from '../features/session/viewer';
import { METHOD_LABELS } from '../features/two-factor/labels';
import { PendingResetsCard } from '../features/two-factor/PendingResetsCard';
import { TwoFactorSettingsCard } from '../features/two-factor/TwoFactorSettingsCard';

const ComplianceDocument = graphql(`
  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {
    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {
      total
      matching
      withTwoFactor
      withoutTwoFactor
      requiredButMissing
      onlyUnusableMethods
      cannotSignIn
      rows {
        role
        enabled
        methods
        unusableMethods
        recoveryCodesLeft
        required
        lastLoginAt
        account {
          id
          email
          name
          disabledAt
        }
      }
    }
  }
`);

const PAGE = 50;

/** Why sign-in refuses a method an account holds (`unusableMethods`). */
const UNUSABLE_WHY: Partial<Record<string, string>> = {
  WEBAUTHN: 'flagged as a possible clone',
  EMAIL: 'off for staff',
};

interface StatusRow {
  enabled: boolean;
  required: boolean;
  unusableMethods: readonly string[];
  recoveryCodesLeft: number;
  account: { disabledAt?: unknown };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The accounts a policy will lead through setup at their next sign-in. */
function missingNotice(n: number): string {
  return n === 1
    ? '1 account must use 2FA and has none: it will be led through setup at its next sign-in.'
    : `${n} accounts must use 2FA and have none: they will be led through setup at their next sign-in.`;
}

/** The accounts holding only methods sign-in refuses (`all`), and those of them with no recovery code left (`none`). */
function unusableNotice(all: number, none: number): string {
  const holds = `${all === 1 ? '1 account holds' : `${all} accounts hold`} only methods sign-in refuses now (a security key flagged as a possible clone, or e-mail codes while they are off for admins and sub-admins)`;
  const left = all - none;
  const stuck = (n: number) => `cannot sign in until ${n === 1 ? 'its' : 'their'} 2FA is reset`;
  if (none === 0) return `${holds}: each of ${all === 1 ? 'its' : 'their'} sign-ins uses up a recovery code.`;
  if (left === 0) return `${holds} and no recovery code: ${all === 1 ? 'it' : 'they'} ${stuck(all)}.`;
  return `${holds}. ${left === 1 ? '1 of them uses' : `${left} of them use`} up a recovery code at each sign-in; ${none === 1 ? '1 has' : `${none} have`} none left and ${stuck(none)}.`;
}

/**
 * On, off, required and off; or, for an account that holds only methods sign-in refuses, what its
 * next sign-in meets: a recovery code asked for while one is left, then no way in until a reset. A
 * disabled account signs in with nothing (the counts leave it out too).
 */
function StatusBadge({ row: r }: { row: StatusRow }) {
  if (!r.enabled && r.unusableMethods.length > 0 && r.account.disabledAt) {
    return (
      <Badge color="gray" variant="light">
        Disabled, no usable method
      </Badge>
    );
  }
  if (r.enabled) {
    return (
      <Badge color="green" variant="light">
        On
      </Badge>
    );
  }
  if (r.unusableMethods.length > 0) {
    return r.recoveryCodesLeft > 0 ? (
      <Badge color="orange" variant="light">
        No usable method: {plural(r.recoveryCodesLeft, 'recovery code')} left
      </Badge>
    ) : (
      <Badge color="red" variant="light">
        Cannot sign in: reset its 2FA
      </Badge>
    );
  }
  return (
    <Badge color={r.required ? 'red' : 'gray'} variant="light">
      {r.required ? 'Required, off' : 'Off'}
    </Badge>
  );
}

export function Component() {
  usePageTitle('2FA compliance');
  const viewer = useViewer();
  const [without, setWithout] = useState(false);
  const [page, setPage] = useState(1);
  // The report is for who manages users; who only manages settings (reached by address: the menu
  // leads it to Protection settings) sees the settings card alone, not a refused query.
  const reports = canManageUsers(viewer);
  const { data, previousData, error, refetch } = useQuery(ComplianceDocument, {
    variables: { without, page: { limit: PAGE, offset: (page - 1) * PAGE } },
    fetchPolicy: 'cache-and-network',
    skip: !reports,
  });
  // While another page or the filter loads, the last one stays (the switch and the pager with it, and
  // the keyboard's place on them), rather than a loader in their stead.
  const fresh = data?.twoFactorCompliance;
  const report = fresh ?? previousData?.twoFactorCompliance;
  // Fewer rows than before (accounts gone, or 2FA set up meanwhile): back to the last page that has any.
  const lastPage = Math.max(1, Math.ceil((report?.matching ?? 0) / PAGE));
  useEffect(() => {
    if (fresh && page > lastPage) setPage(lastPage);
  }, [fresh, page, lastPage]);

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={1}>Two-factor authentication</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Every account’s second factors, for audits, and the system-wide rules.
        </Text>
      </div>
      {viewer.role === 'ADMIN' && <PendingResetsCard viewer={viewer} />}
      {canManageSettings(viewer) && <TwoFactorSettingsCard />}
      {!reports ? null : !report ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : (
        <Card withBorder padding="lg">
          <SimpleGrid cols={{ base: 2, sm: 4 }} mb="md">
            <Stat label="Accounts" value={report.total} />
            <Stat label="With 2FA" value={report.withTwoFactor} />
            <Stat label="Without 2FA" value={report.withoutTwoFactor} />
            <Stat label="Required but missing" value={report.requiredButMissing} />
          </SimpleGrid>
          {report.requiredButMissing > 0 && (
            <Alert color="orange" variant="light" mb="md" role="status">
              {missingNotice(report.requiredButMissing)}
            </Alert>
          )}
          {report.onlyUnusableMethods > 0 && (
            <Alert color="red" variant="light" mb="md" role="status">
              {unusableNotice(report.onlyUnusableMethods, report.cannotSignIn)}
            </Alert>
          )}
          {/* The rows shown are the last ones read: a page or filter that failed to load says so above them. */}
          {error && !fresh && (
            <div style={{ marginBottom: 'var(--mantine-spacing-md)' }}>
              <QueryError
                error={error}
                onRetry={refetch}
                title="Could not load these accounts: the rows below are the earlier ones"
              />
            </div>
          )}
          <Switch
            label="Only accounts without 2FA"
            checked={without}
            onChange={(e) => {
              setWithout(e.currentTarget.checked);
              setPage(1);
            }}
            mb="md"
          />
          {/* On a phone the columns scroll within the card, not the whole page sideways. */}
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="2FA status per account" striped aria-busy={!fresh} style={fresh ? undefined : { opacity: 0.6 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>2FA</Table.Th>
                  <Table.Th>Methods</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.rows.map((r) => (
                  <Table.Tr key={r.account.id}>
                    <Table.Td>
                      <Text size="sm">{r.account.name}</Text>
                      <Text size="xs" c="dimmed">
                        {r.account.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>{ROLE_LABELS[r.role]}</Table.Td>
                    <Table.Td>
                      <StatusBadge row={r} />
                    </Table.Td>
                    <Table.Td>
                      {[
                        ...r.methods.map((m) => METHOD_LABELS[m]),
                        ...r.unusableMethods.map((m) => `${METHOD_LABELS[m]} (${UNUSABLE_WHY[m] ?? 'refused'})`),
                      ].join(', ') || '—'}
                    </Table.Td>
                    <Table.Td>{r.lastLoginAt ? <FormattedDate value={r.lastLoginAt} /> : 'Never'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {(report.matching > PAGE || page > 1) && (
            <Pagination mt="md" total={Math.max(lastPage, page)} value={page} onChange={setPage} aria-label="Pages" />
          )}
        </Card>
      )}
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl">
        {value}
      </Text>
    </div>
  );
}
