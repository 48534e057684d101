import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Pagination,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { graphql } from '../__generated__';
import type { TwoFactorMethod, TwoFactorSettingsInput } from '../__generated__/graphql';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { ROLE_LABELS } from '../features/account/labels';
import { canManageSettings, useViewer } from '../features/session/viewer';
import { METHOD_LABELS } from '../features/two-factor/labels';
import { PendingResetsCard } from '../features/two-factor/PendingResetsCard';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';

const ComplianceDocument = graphql(`
  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {
    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {
      total
      matching
      withTwoFactor
      withoutTwoFactor
      requiredButMissing
      rows {
        role
        enabled
        methods
        required
        lastLoginAt
        account {
          id
          email
          name
        }
      }
    }
  }
`);

const SettingsDocument = graphql(`
  query TwoFactorSettingsPage {
    twoFactorSettings {
      enabled
      issuer
      allowedMethods
      requiredForStaff
      emailForStaff
    }
  }
`);

const UpdateSettingsDocument = graphql(`
  mutation UpdateTwoFactorSettings($input: TwoFactorSettingsInput!) {
    updateTwoFactorSettings(input: $input) {
      enabled
      issuer
      allowedMethods
      requiredForStaff
      emailForStaff
    }
  }
`);

const ALL_METHODS: TwoFactorMethod[] = ['TOTP', 'EMAIL', 'WEBAUTHN'];
const PAGE = 50;

function SettingsCard() {
  const { data, error, refetch } = useQuery(SettingsDocument);
  const [update, { loading }] = useMutation(UpdateSettingsDocument);
  // Weakening changes (2FA off, no longer required for staff, e-mail codes for staff) ask for a fresh confirmation.
  const { guard, modal } = useReauthGuard();
  const s = data?.twoFactorSettings;
  const [issuer, setIssuer] = useState('');
  useEffect(() => {
    if (s) setIssuer(s.issuer);
  }, [s]);
  if (!s) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;

  async function save(input: TwoFactorSettingsInput) {
    await guard('Saving', async () => {
      await update({ variables: { input } });
      notifications.show({ color: 'green', message: 'Two-factor settings saved.' });
    });
  }

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="sm">
        System-wide settings
      </Title>
      <Stack gap="md">
        <Switch
          label="Two-factor authentication"
          description="Off: nobody is asked for a second step and nobody can set one up."
          checked={s.enabled}
          disabled={loading}
          onChange={(e) => void save({ enabled: e.currentTarget.checked })}
        />
        <Group align="end">
          <TextInput
            label="Issuer name in authenticator apps"
            description="Changing it never breaks anyone's codes: existing app entries keep their old label and keep working; new setups show the new name."
            value={issuer}
            maxLength={64}
            onChange={(e) => setIssuer(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button variant="light" disabled={issuer === s.issuer} loading={loading} onClick={() => void save({ issuer })}>
            Save name
          </Button>
        </Group>
        <Checkbox.Group
          label="Methods that may be set up"
          description="Methods people already use keep working when you untick them, so nobody is locked out."
          value={s.allowedMethods.filter((m) => m !== 'RECOVERY_CODE')}
          onChange={(v) => void save({ allowedMethods: [...(v as TwoFactorMethod[]), 'RECOVERY_CODE'] })}
        >
          <Group mt="xs">
            {ALL_METHODS.map((m) => (
              <Checkbox key={m} value={m} label={METHOD_LABELS[m]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Switch
          label="Require 2FA for admins and sub-admins"
          description="Staff without a method are led through setup right after their password and can do nothing else until done."
          checked={s.requiredForStaff}
          disabled={loading}
          onChange={(e) => void save({ requiredForStaff: e.currentTarget.checked })}
        />
        <Switch
          label="Allow e-mail codes for admins and sub-admins"
          description="Off by default: NIST SP 800-63B-4 does not accept e-mail as an out-of-band authenticator, because mailboxes are often reachable with the same password."
          checked={s.emailForStaff}
          disabled={loading}
          onChange={(e) => void save({ emailForStaff: e.currentTarget.checked })}
        />
      </Stack>
      {modal}
    </Card>
  );
}

export function Component() {
  usePageTitle('2FA compliance');
  const viewer = useViewer();
  const [without, setWithout] = useState(false);
  const [page, setPage] = useState(1);
  const { data, error, refetch } = useQuery(ComplianceDocument, {
    variables: { without, page: { limit: PAGE, offset: (page - 1) * PAGE } },
    fetchPolicy: 'cache-and-network',
  });
  const report = data?.twoFactorCompliance;
  // Fewer rows than before (accounts gone, or 2FA set up meanwhile): back to the last page that has any.
  const lastPage = Math.max(1, Math.ceil((report?.matching ?? 0) / PAGE));
  useEffect(() => {
    if (report && page > lastPage) setPage(lastPage);
  }, [report, page, lastPage]);

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={1}>Two-factor authentication</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Every account’s second factors, for audits, and the system-wide rules.
        </Text>
      </div>
      {viewer.role === 'ADMIN' && <PendingResetsCard viewer={viewer} />}
      {canManageSettings(viewer) && <SettingsCard />}
      {!report ? (
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
            <Alert color="orange" variant="light" mb="md">
              {report.requiredButMissing} account(s) must use 2FA and have none: they will be led through setup at their next
              sign-in.
            </Alert>
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
          <Table aria-label="2FA status per account" striped>
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
                    <Badge color={r.enabled ? 'green' : r.required ? 'red' : 'gray'} variant="light">
                      {r.enabled ? 'On' : r.required ? 'Required, off' : 'Off'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.methods.map((m) => METHOD_LABELS[m]).join(', ') || '—'}</Table.Td>
                  <Table.Td>{r.lastLoginAt ? <FormattedDate value={r.lastLoginAt} /> : 'Never'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
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
