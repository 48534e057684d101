import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Card, Group, NumberInput, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import type { Problem } from '../features/errors/problem';
import { formatDuration } from '../features/ip-block/format';
import { canManageSettings, useViewer } from '../features/session/viewer';
import { TwoFactorSettingsCard } from '../features/two-factor/TwoFactorSettingsCard';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';

const ProtectionSettingsDocument = graphql(`
  query ProtectionSettingsPage {
    bruteForceSettings {
      ipThreshold
      accountIpThreshold
      windowSeconds
      blockSeconds
      maxBlockSeconds
      escalationFactor
    }
    incidentSettings {
      enabled
      windowSeconds
      distanceKm
      maxSpeedKmh
      failuresBeforeSuccess
    }
  }
`);

const UpdateBruteForceDocument = graphql(`
  mutation UpdateBruteForceSettings($input: BruteForceSettingsInput!) {
    updateBruteForceSettings(input: $input) {
      ipThreshold
      accountIpThreshold
      windowSeconds
      blockSeconds
      maxBlockSeconds
      escalationFactor
    }
  }
`);

const UpdateIncidentDocument = graphql(`
  mutation UpdateIncidentSettings($input: IncidentSettingsInput!) {
    updateIncidentSettings(input: $input) {
      enabled
      windowSeconds
      distanceKm
      maxSpeedKmh
      failuresBeforeSuccess
    }
  }
`);

/** One whole-number field of a settings form: its label, help, limits and the unit shown beside it. */
interface NumberField<K extends string> {
  key: K;
  label: string;
  description: string;
  min: number;
  max: number;
  /** Seconds: the value is also shown as a duration ("15 minutes"). */
  seconds?: boolean;
}

const BRUTE_FORCE_FIELDS: NumberField<
  'accountIpThreshold' | 'ipThreshold' | 'windowSeconds' | 'blockSeconds' | 'maxBlockSeconds' | 'escalationFactor'
>[] = [
  {
    key: 'accountIpThreshold',
    label: 'Failures for one account',
    description: 'From one source within the window; then the source is blocked.',
    min: 1,
    max: 100_000,
  },
  {
    key: 'ipThreshold',
    label: 'Failures for any accounts',
    description: 'From one source within the window, whichever accounts were tried.',
    min: 1,
    max: 100_000,
  },
  {
    key: 'windowSeconds',
    label: 'Window (seconds)',
    description: 'How far back failures count.',
    min: 10,
    max: 604_800,
    seconds: true,
  },
  {
    key: 'blockSeconds',
    label: 'First block (seconds)',
    description: 'How long a first block lasts.',
    min: 10,
    max: 2_592_000,
    seconds: true,
  },
  {
    key: 'maxBlockSeconds',
    label: 'Longest block (seconds)',
    description: 'Repeat blocks grow up to this.',
    min: 10,
    max: 31_536_000,
    seconds: true,
  },
  {
    key: 'escalationFactor',
    label: 'Growth per repeat',
    description: 'Each repeat block lasts this many times longer (1 = always the same).',
    min: 1,
    max: 100,
  },
];

const INCIDENT_FIELDS: NumberField<'windowSeconds' | 'distanceKm' | 'maxSpeedKmh' | 'failuresBeforeSuccess'>[] = [
  {
    key: 'windowSeconds',
    label: 'Window (seconds)',
    description: 'Successful logins of one account this close in time are compared.',
    min: 60,
    max: 2_592_000,
    seconds: true,
  },
  {
    key: 'distanceKm',
    label: 'Distance within a country (km)',
    description: 'Places farther apart than this count as two locations even in one country.',
    min: 1,
    max: 20_000,
  },
  {
    key: 'maxSpeedKmh',
    label: 'Impossible travel (km/h)',
    description: 'Faster than this between two logins is impossible travel.',
    min: 10,
    max: 100_000,
  },
  {
    key: 'failuresBeforeSuccess',
    label: 'Failures before a success',
    description: 'This many wrong passwords, then a right one, raise an incident (a guessed password).',
    min: 1,
    max: 100_000,
  },
];

/**
 * The numbers of one settings card, edited as text (an emptied field is "unchanged" until filled)
 * and sent together: only the fields that differ from what the server holds.
 */
function useNumberForm<K extends string>(saved: Record<K, number> | undefined, fields: NumberField<K>[]) {
  const [values, setValues] = useState<Partial<Record<K, number | string>>>({});
  const shown = useRef<Record<K, number> | undefined>(undefined);
  // A field follows the server only where the server's value changed (a save, another admin): an
  // edit not saved yet survives a refetch caused by something else on the page.
  useEffect(() => {
    if (!saved) return;
    const before = shown.current;
    shown.current = saved;
    setValues((old) => {
      const next = { ...old };
      for (const f of fields) if (!before || before[f.key] !== saved[f.key]) next[f.key] = saved[f.key];
      return next;
    });
  }, [saved, fields]);
  const changed: Partial<Record<K, number>> = {};
  if (saved) {
    for (const f of fields) {
      const v = values[f.key];
      if (typeof v === 'number' && v !== saved[f.key]) changed[f.key] = v;
    }
  }
  return { values, setValues, changed, dirty: Object.keys(changed).length > 0 };
}

function NumberFields<K extends string>({
  fields,
  values,
  onChange,
  errors,
}: {
  fields: NumberField<K>[];
  values: Partial<Record<K, number | string>>;
  onChange: (key: K, value: number | string) => void;
  errors: Record<string, string>;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {fields.map((f) => {
        const v = values[f.key];
        return (
          <NumberInput
            key={f.key}
            label={f.label}
            description={f.seconds && typeof v === 'number' ? `${f.description} Now: ${formatDuration(v)}.` : f.description}
            min={f.min}
            max={f.max}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=" "
            value={v ?? ''}
            error={errors[f.key]}
            onChange={(value) => onChange(f.key, typeof value === 'bigint' ? Number(value) : value)}
          />
        );
      })}
    </SimpleGrid>
  );
}

function BruteForceCard({ saved }: { saved: Record<(typeof BRUTE_FORCE_FIELDS)[number]['key'], number> }) {
  const form = useNumberForm(saved, BRUTE_FORCE_FIELDS);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [update, { loading }] = useMutation(UpdateBruteForceDocument, { refetchQueries: ['ProtectionSettingsPage'] });
  // Blocking less (a higher threshold, a shorter block…) asks for a fresh confirmation first.
  const { guard, modal } = useReauthGuard();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const input = form.changed;
    await guard(
      'Saving',
      async () => {
        await update({ variables: { input } });
        notifications.show({ color: 'green', message: 'Brute-force settings saved. They apply to the next failure.' });
      },
      setProblem,
    );
  }
  const fe = problem?.fieldErrors ?? {};
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="brute-force-title">
      <Title order={2} size="h4" id="brute-force-title">
        Brute-force protection
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Sources (an IPv4 address, or an IPv6 /64) that fail too often are blocked for every account. Addresses marked safe are
        never blocked.
      </Text>
      <form onSubmit={(e) => void onSubmit(e)}>
        <Stack>
          {problem && Object.keys(fe).length === 0 && (
            <Alert color="red" variant="light" role="alert">
              {problem.message}
            </Alert>
          )}
          <NumberFields
            fields={BRUTE_FORCE_FIELDS}
            values={form.values}
            errors={fe}
            onChange={(k, v) => form.setValues((old) => ({ ...old, [k]: v }))}
          />
          <Group justify="flex-end">
            <Button type="submit" disabled={!form.dirty} loading={loading}>
              Save brute-force settings
            </Button>
          </Group>
        </Stack>
      </form>
      {modal}
    </Card>
  );
}

function IncidentCard({ saved }: { saved: Record<(typeof INCIDENT_FIELDS)[number]['key'], number> & { enabled: boolean } }) {
  const form = useNumberForm(saved, INCIDENT_FIELDS);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [update, { loading }] = useMutation(UpdateIncidentDocument, { refetchQueries: ['ProtectionSettingsPage'] });
  // Switching detection off, or making it raise less, asks for a fresh confirmation first.
  const { guard, modal } = useReauthGuard();
  async function send(input: Record<string, number | boolean>, done: string) {
    setProblem(null);
    await guard(
      'Saving',
      async () => {
        await update({ variables: { input } });
        notifications.show({ color: 'green', message: done });
      },
      setProblem,
    );
  }
  const fe = problem?.fieldErrors ?? {};
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="incident-title">
      <Title order={2} size="h4" id="incident-title">
        Security incidents
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        An incident is raised when one account signs in from several places (another country, far apart, impossible travel) or
        after a guessed password. Trusted addresses and trusted named locations never raise one.
      </Text>
      <Stack>
        {problem && Object.keys(fe).length === 0 && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        <Switch
          label="Detect security incidents"
          description="Off: logins are still recorded, but nothing is raised and nobody is alerted."
          checked={saved.enabled}
          disabled={loading}
          onChange={(e) =>
            void send(
              { enabled: e.currentTarget.checked },
              e.currentTarget.checked ? 'Incident detection is on.' : 'Incident detection is off.',
            )
          }
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send(form.changed, 'Incident settings saved.');
          }}
        >
          <Stack>
            <NumberFields
              fields={INCIDENT_FIELDS}
              values={form.values}
              errors={fe}
              onChange={(k, v) => form.setValues((old) => ({ ...old, [k]: v }))}
            />
            <Group justify="flex-end">
              <Button type="submit" disabled={!form.dirty} loading={loading}>
                Save incident settings
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
      {modal}
    </Card>
  );
}

export function Component() {
  usePageTitle('Protection settings');
  const viewer = useViewer();
  const { data, error, refetch } = useQuery(ProtectionSettingsDocument, { fetchPolicy: 'cache-and-network' });
  if (!canManageSettings(viewer)) {
    return (
      <Alert color="red" variant="light" role="alert" title="Not allowed">
        Changing the protection settings needs the MANAGE_SETTINGS permission.
      </Alert>
    );
  }
  return (
    <Stack gap="lg" maw={900}>
      <div>
        <Title order={1}>Protection settings</Title>
        <Text c="dimmed" size="sm" mt={4}>
          System-wide: they apply to every account and every integration. Each change is in the audit log with the values before
          and after.
        </Text>
      </div>
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : (
        <>
          <TwoFactorSettingsCard />
          <BruteForceCard saved={data.bruteForceSettings} />
          <IncidentCard saved={data.incidentSettings} />
        </>
      )}
    </Stack>
  );
}
