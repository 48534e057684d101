import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconMapPin } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { graphql } from '../__generated__';
import type { NetworkKind } from '../__generated__/graphql';
import { PageLoader } from '../components/PageLoader';
import { RowActionButton } from '../components/RowActionButton';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, problemFromCode, toProblem } from '../features/errors/problem';
import { NETWORK_KIND_LABELS, formatPlace } from '../features/ip-block/format';
import { WideRangeAck } from '../features/trusted-ip/WideRangeAck';
import { canManageSettings, useViewer } from '../features/session/viewer';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';

const NamedLocationsPageDocument = graphql(`
  query NamedLocationsPage {
    namedLocations {
      id
      cidr
      name
      countryCode
      region
      city
      latitude
      longitude
      asn
      asnOrg
      networkKind
      trusted
    }
  }
`);

const CreateNamedLocationDocument = graphql(`
  mutation CreateNamedLocation($input: NamedLocationInput!) {
    createNamedLocation(input: $input) {
      __typename
      ... on NamedLocation {
        id
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`);

const AsnKindsDocument = graphql(`
  query AsnKinds {
    asnNetworkKinds {
      asn
      kind
    }
  }
`);

const SetAsnKindDocument = graphql(`
  mutation SetAsnKind($asn: Int!, $kind: NetworkKind) {
    setAsnNetworkKind(asn: $asn, kind: $kind) {
      asn
      kind
    }
  }
`);

const DeleteNamedLocationDocument = graphql(`
  mutation DeleteNamedLocation($id: ID!) {
    deleteNamedLocation(id: $id)
  }
`);

export function Component() {
  usePageTitle('Named locations');
  const [opened, modal] = useDisclosure(false);
  const { data, error, refetch } = useQuery(NamedLocationsPageDocument, { fetchPolicy: 'cache-and-network' });
  const [remove] = useMutation(DeleteNamedLocationDocument, { refetchQueries: ['NamedLocationsPage'] });
  let body;
  if (!data) body = error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  else if (data.namedLocations.length === 0)
    body = (
      <EmptyState
        icon={<IconMapPin aria-hidden />}
        title="No named locations"
        description="Name your office, VPN or private ranges so logins from them show a real place instead of “Unknown”."
      />
    );
  else
    body = (
      <Table aria-label="Named locations" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Range</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Place</Table.Th>
            <Table.Th>Network</Table.Th>
            <Table.Th>Action</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.namedLocations.map((l) => (
            <Table.Tr key={l.id}>
              <Table.Td>{l.cidr}</Table.Td>
              <Table.Td>
                {l.name} {l.trusted && <Badge variant="light">Trusted</Badge>}
              </Table.Td>
              <Table.Td>{formatPlace(l)}</Table.Td>
              <Table.Td>
                {[l.asn ? `AS${l.asn}` : null, l.asnOrg, l.networkKind ? NETWORK_KIND_LABELS[l.networkKind] : null]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </Table.Td>
              <Table.Td>
                <RowActionButton
                  label="Delete"
                  accessibleName={`Delete ${l.name}`}
                  action={() => remove({ variables: { id: l.id } })}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1}>Named locations</Title>
      <Text size="sm" c="dimmed">
        A named range overrides the GeoIP database for its addresses; the most specific range wins.
      </Text>
      <Group justify="flex-end">
        <Button onClick={modal.open}>New named location</Button>
      </Group>
      {body}
      <Modal opened={opened} onClose={modal.close} title="New named location" size="lg">
        <NamedLocationForm onDone={modal.close} />
      </Modal>
      <AsnKindsCard />
    </Stack>
  );
}

/**
 * The network kind reported for a whole autonomous system (a carrier's mobile network, a hosting
 * provider, a VPN service), overriding the built-in table and the name rules. Proposed reasons of
 * incidents ("a datacenter network", "a mobile connection") follow it.
 */
function AsnKindsCard() {
  const { data, error, refetch } = useQuery(AsnKindsDocument, { fetchPolicy: 'cache-and-network' });
  const [setKind, { loading }] = useMutation(SetAsnKindDocument, { refetchQueries: ['AsnKinds'] });
  const [asn, setAsn] = useState<number | string>('');
  const [kind, setKindChoice] = useState<NetworkKind>('MOBILE');
  const [problem, setProblem] = useState<Problem | null>(null);
  const fe = problem?.fieldErrors ?? {};
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      await setKind({ variables: { asn: Number(asn), kind } });
      notifications.show({ color: 'green', message: `AS${asn} is reported as ${NETWORK_KIND_LABELS[kind]}.` });
      setAsn('');
    } catch (err) {
      setProblem(toProblem(err));
    }
  }
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="asn-kinds-title">
      <Title order={2} size="h4" id="asn-kinds-title">
        Network kinds by ASN
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        What kind of network an autonomous system is, when the built-in list gets it wrong: it decides the reason proposed for an
        incident (a mobile connection, a datacenter, a VPN).
      </Text>
      <form onSubmit={(e) => void onSubmit(e)}>
        <Group align="flex-start">
          <NumberInput
            label="ASN"
            required
            min={1}
            max={2_147_483_647}
            allowDecimal={false}
            allowNegative={false}
            value={asn}
            error={fe['asn']}
            onChange={setAsn}
          />
          <NativeSelect
            label="Network kind"
            data={KINDS.map((k) => ({ value: k, label: NETWORK_KIND_LABELS[k] }))}
            value={kind}
            onChange={(e) => setKindChoice(e.currentTarget.value as NetworkKind)}
          />
          <Button type="submit" mt={25} loading={loading} disabled={asn === ''}>
            Set kind
          </Button>
        </Group>
        {problem && Object.keys(fe).length === 0 && (
          <Alert color="red" variant="light" role="alert" mt="sm">
            {problem.message}
          </Alert>
        )}
      </form>
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : data.asnNetworkKinds.length === 0 ? (
        <Text size="sm" mt="md">
          No overrides: the built-in list decides.
        </Text>
      ) : (
        <Table aria-label="Network kinds by ASN" mt="md" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>ASN</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Action</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.asnNetworkKinds.map((o) => (
              <Table.Tr key={o.asn}>
                <Table.Td>AS{o.asn}</Table.Td>
                <Table.Td>{NETWORK_KIND_LABELS[o.kind]}</Table.Td>
                <Table.Td>
                  <RowActionButton
                    label="Remove"
                    accessibleName={`Remove the override of AS${o.asn}`}
                    action={() => setKind({ variables: { asn: o.asn, kind: null } })}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

const KINDS: NetworkKind[] = ['FIXED', 'MOBILE', 'HOSTING', 'VPN', 'PRIVATE', 'UNKNOWN'];

function NamedLocationForm({ onDone }: { onDone: () => void }) {
  const [v, setV] = useState({
    cidr: '',
    name: '',
    countryCode: '',
    region: '',
    city: '',
    latitude: '',
    longitude: '',
    asn: '',
    asnOrg: '',
    networkKind: '',
  });
  // Trusting a location exempts every account from incidents, as the global safe list does: only with
  // "Manage settings" (and a wide public range after a re-authentication).
  const mayTrust = canManageSettings(useViewer());
  const { confirmThen, modal } = useReauthGuard();
  const [trusted, setTrusted] = useState(false);
  const [needsAck, setNeedsAck] = useState(false);
  const [ack, setAck] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [create, { loading }] = useMutation(CreateNamedLocationDocument, { refetchQueries: ['NamedLocationsPage'] });
  const fe = problem?.fieldErrors ?? {};
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) => setV({ ...v, [k]: e.currentTarget.value });
  const num = (s: string) => (s.trim() === '' ? null : Number(s.trim().replace(',', '.')));
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    // A number that does not read as one is said here: sent, it would become null and be saved as "none".
    const unreadable = (['latitude', 'longitude', 'asn'] as const).filter((k) => {
      // An AS number is a whole number, written without separators.
      if (k === 'asn') return v.asn.trim() !== '' && !/^\d+$/.test(v.asn.trim());
      const n = num(v[k]);
      return n !== null && !Number.isFinite(n);
    });
    if (unreadable.length > 0) {
      setProblem({
        code: 'BAD_USER_INPUT',
        message: 'Some of the values are not valid.',
        fieldErrors: Object.fromEntries(
          unreadable.map((k) => [k, k === 'asn' ? 'Enter the AS number alone (e.g. 3320).' : 'Enter a number, e.g. 52.52.']),
        ),
      });
      return;
    }
    const submit = async () => {
      const { data } = await create({
        variables: {
          input: {
            cidr: v.cidr.trim(),
            name: v.name,
            countryCode: v.countryCode.trim() || null,
            region: v.region.trim() || null,
            city: v.city.trim() || null,
            latitude: num(v.latitude),
            longitude: num(v.longitude),
            asn: num(v.asn),
            asnOrg: v.asnOrg.trim() || null,
            networkKind: (v.networkKind || null) as NetworkKind | null,
            trusted,
            acknowledgeWideRange: ack,
          },
        },
      });
      const r = data?.createNamedLocation;
      if (r?.__typename === 'NamedLocation') {
        notifications.show({ color: 'green', message: `${v.name} saved.` });
        onDone();
      } else if (r?.__typename === 'WideRangeNeedsAcknowledgementError') {
        setNeedsAck(true);
      } else if (r && 'code' in r) setProblem(problemFromCode(r.code));
    };
    try {
      await submit();
    } catch (err) {
      const p = toProblem(err);
      if (p.code === 'REAUTH_REQUIRED') confirmThen(() => submit().catch((again: unknown) => setProblem(toProblem(again))));
      else setProblem(p);
    }
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <Stack>
        {problem && Object.keys(fe).length === 0 && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        <TextInput
          label="IP range"
          required
          data-autofocus
          value={v.cidr}
          error={fe['cidr']}
          onChange={(e) => {
            set('cidr')(e);
            setNeedsAck(false);
            setAck(false);
          }}
        />
        <TextInput label="Name" required maxLength={100} value={v.name} error={fe['name']} onChange={set('name')} />
        <Group grow>
          <TextInput
            label="Country code"
            maxLength={2}
            value={v.countryCode}
            error={fe['countryCode']}
            onChange={set('countryCode')}
          />
          <TextInput label="Region" maxLength={100} value={v.region} error={fe['region']} onChange={set('region')} />
          <TextInput label="City" maxLength={100} value={v.city} error={fe['city']} onChange={set('city')} />
        </Group>
        <Group grow>
          <TextInput label="Latitude" inputMode="decimal" value={v.latitude} error={fe['latitude']} onChange={set('latitude')} />
          <TextInput
            label="Longitude"
            inputMode="decimal"
            value={v.longitude}
            error={fe['longitude']}
            onChange={set('longitude')}
          />
        </Group>
        <Group grow>
          <TextInput label="ASN" inputMode="numeric" value={v.asn} error={fe['asn']} onChange={set('asn')} />
          <TextInput label="Organisation" maxLength={200} value={v.asnOrg} error={fe['asnOrg']} onChange={set('asnOrg')} />
          <NativeSelect
            label="Network kind"
            data={[{ value: '', label: 'From the ASN' }, ...KINDS.map((k) => ({ value: k, label: NETWORK_KIND_LABELS[k] }))]}
            value={v.networkKind}
            onChange={set('networkKind')}
          />
        </Group>
        {mayTrust && (
          <Checkbox
            label="Trusted location (logins from it raise no incident, for every account)"
            checked={trusted}
            onChange={(e) => {
              setTrusted(e.currentTarget.checked);
              setNeedsAck(false);
              setAck(false);
            }}
          />
        )}
        {needsAck && <WideRangeAck checked={ack} onChange={setAck} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={loading} disabled={needsAck && !ack}>
            Save
          </Button>
        </Group>
      </Stack>
      {modal}
    </form>
  );
}
