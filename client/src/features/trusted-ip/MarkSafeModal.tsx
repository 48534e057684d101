import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { graphql } from '../../__generated__';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
import { canManageSettings, canManageUsers, useViewer } from '../session/viewer';
import { useReauthGuard } from '../two-factor/useReauthGuard';
import { WideRangeAck } from './WideRangeAck';

const MarkIpSafeDocument = graphql(`
  mutation MarkIpSafe($input: MarkIpSafeInput!) {
    markIpSafe(input: $input) {
      __typename
      ... on TrustedIp {
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

const AccountPickerDocument = graphql(`
  query AccountPicker($search: String) {
    accounts(filter: { search: $search }, page: { limit: 20, offset: 0 }) {
      nodes {
        id
        email
      }
    }
  }
`);

const GLOBAL = '__global__';
export function MarkSafeModal({
  opened,
  onClose,
  initialCidr = '',
  account,
}: {
  opened: boolean;
  onClose: () => void;
  initialCidr?: string;
  /** Preselects the account the IP is trusted for. */
  account?: { id: string; email: string };
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Mark as safe" size="lg">
      <MarkSafeForm initialCidr={initialCidr} account={account} onDone={onClose} />
    </Modal>
  );
}

function MarkSafeForm({
  initialCidr,
  account,
  onDone,
}: {
  initialCidr: string;
  account?: { id: string; email: string };
  onDone: () => void;
}) {
  const viewer = useViewer();
  // The global list exempts every account (staff too): it takes MANAGE_SETTINGS besides MANAGE_IPS.
  const mayGlobal = canManageSettings(viewer);
  const [cidr, setCidr] = useState(initialCidr);
  const [target, setTarget] = useState<string | null>(account?.id ?? (mayGlobal ? GLOBAL : null));
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [note, setNote] = useState('');
  const [expires, setExpires] = useState('');
  const [needsAck, setNeedsAck] = useState(false);
  const [ack, setAck] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Without MANAGE_USERS (MANAGE_IPS alone) accounts are looked up, not listed: 3 characters first.
  const lookupOnly = !canManageUsers(viewer);
  const { data } = useQuery(AccountPickerDocument, {
    variables: { search: debounced.trim() || null },
    skip: lookupOnly && debounced.trim().length < 3,
  });
  const [mark, { loading }] = useMutation(MarkIpSafeDocument, {
    refetchQueries: ['TrustedIpsPage', 'CheckIp', 'BlockedIpsPage', 'AccountTrustedIps'],
  });

  // A wide public range (for everyone or for one account) asks for a fresh confirmation that it is you.
  const { confirmThen, modal } = useReauthGuard();

  const options = [
    ...(mayGlobal ? [{ value: GLOBAL, label: 'All accounts (global safe list)' }] : []),
    ...(account && !(data?.accounts.nodes ?? []).some((a) => a.id === account.id)
      ? [{ value: account.id, label: account.email }]
      : []),
    ...(data?.accounts.nodes ?? []).map((a) => ({ value: a.id, label: a.email })),
  ];

  async function submit(): Promise<void> {
    const { data: result } = await mark({
      variables: {
        input: {
          cidr: cidr.trim(),
          accountId: target === GLOBAL ? null : target,
          note: note.trim() || null,
          expiresAt: expires ? new Date(expires).toISOString() : null,
          acknowledgeWideRange: ack,
        },
      },
    });
    const r = result?.markIpSafe;
    if (r?.__typename === 'TrustedIp') {
      notifications.show({ color: 'green', title: 'Marked as safe', message: `${r.cidr} is trusted now.` });
      onDone();
    } else if (r?.__typename === 'WideRangeNeedsAcknowledgementError') {
      setNeedsAck(true);
    } else if (r && 'code' in r) {
      setProblem(problemFromCode(r.code));
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    try {
      await submit();
    } catch (error) {
      const p = toProblem(error);
      if (p.code === 'REAUTH_REQUIRED') confirmThen(() => submit().catch((again: unknown) => setProblem(toProblem(again))));
      else setProblem(p);
    }
  }

  const fieldErrors = problem?.fieldErrors ?? {};
  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <Stack gap="md">
        {problem && !fieldErrors['cidr'] && !fieldErrors['expiresAt'] && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        <TextInput
          label="IP address or range"
          description="An address (203.0.113.7) or a CIDR range (203.0.113.0/24, 2001:db8::/48)"
          required
          data-autofocus
          value={cidr}
          error={fieldErrors['cidr']}
          onChange={(e) => {
            setCidr(e.currentTarget.value);
            setNeedsAck(false);
            setAck(false);
          }}
        />
        <Select
          label="Trusted for"
          data={options}
          placeholder="Search an account by e-mail"
          required={!mayGlobal}
          value={target}
          onChange={(v) => setTarget(v ?? (mayGlobal ? GLOBAL : null))}
          searchable
          onSearchChange={setSearch}
          nothingFoundMessage={
            lookupOnly && debounced.trim().length < 3 ? 'Type 3 characters of the e-mail address' : 'No account matches'
          }
          allowDeselect={false}
        />
        <TextInput
          label="Note"
          placeholder="e.g. CRM sync server"
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <TextInput
          label="Expires"
          description="Optional: the trust ends by itself at this time"
          type="datetime-local"
          value={expires}
          error={fieldErrors['expiresAt']}
          onChange={(e) => setExpires(e.currentTarget.value)}
        />
        {needsAck && <WideRangeAck checked={ack} onChange={setAck} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={loading} disabled={(needsAck && !ack) || target === null}>
            Mark as safe
          </Button>
        </Group>
      </Stack>
      {modal}
    </form>
  );
}
