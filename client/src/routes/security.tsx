import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { sentenceForCodeAndReason } from '../features/errors/catalog';
import { problemSentence, toProblem } from '../features/errors/problem';
import { EmailSetup, type Enabled, TotpSetup, WebauthnSetup } from '../features/two-factor/EnrollmentFlows';
import { METHOD_LABELS } from '../features/two-factor/labels';
import {
  DisableEmailFactorDocument,
  DisableTotpDocument,
  GenerateRecoveryCodesDocument,
  MyTwoFactorDocument,
  RemoveWebauthnDocument,
  RenameWebauthnDocument,
} from '../features/two-factor/operations';
import { useReauthGuard } from '../features/two-factor/useReauthGuard';
import { useConfirm } from '../components/useConfirm';
import { RecoveryCodesDisplay } from '../features/two-factor/RecoveryCodesDisplay';
import { holdsFactor } from '../features/two-factor/factors';
import { ChangePasswordCard } from '../features/account/ChangePasswordCard';
import { useViewer } from '../features/session/viewer';
import { focusLost } from '../components/focus';

export function Component() {
  usePageTitle('Security');
  const { data, error, refetch } = useQuery(MyTwoFactorDocument, { fetchPolicy: 'cache-and-network' });
  const [freshCodes, setFreshCodes] = useState<string[] | null>(null);
  const [disableTotp, { loading: removingTotp }] = useMutation(DisableTotpDocument);
  const [disableEmail, { loading: removingEmail }] = useMutation(DisableEmailFactorDocument);
  const [removeKey, { loading: removingKey }] = useMutation(RemoveWebauthnDocument);
  const [renameKey, { loading: renamingBusy }] = useMutation(RenameWebauthnDocument);
  const [generate, { loading: generating }] = useMutation(GenerateRecoveryCodesDocument);
  const tf = data?.myTwoFactor;
  const viewer = useViewer();
  /**
   * What removing this method leaves, said in the removal's confirmation. The last method takes the
   * recovery codes with it (they would back up nothing), since the codes the holder keeps stop working
   * too. The last one that can sign you in, with only unusable ones left (a key flagged as a copy,
   * e-mail codes admins may not use), leaves each sign-in to a recovery code, or cannot go at all
   * without one (WOULD_LOCK_YOU_OUT). Under a policy the last usable one cannot go (LAST_METHOD_REQUIRED).
   */
  const removalNote = (removing: { totp?: true; email?: true; keyId?: string }): string => {
    if (!tf) return '';
    const keys = tf.webauthnCredentials.filter((c) => c.id !== removing.keyId);
    const email = tf.emailAddress !== null && tf.emailAddress !== undefined && !removing.email;
    const heldAfter = (tf.totpEnabled && !removing.totp ? 1 : 0) + (email ? 1 : 0) + keys.length;
    // While 2FA is off system-wide nothing is usable now: only what is held is told apart.
    const emailUsable = email && (!tf.systemEnabled || tf.methods.includes('EMAIL'));
    const usableAfter =
      (tf.totpEnabled && !removing.totp ? 1 : 0) + (emailUsable ? 1 : 0) + keys.filter((c) => !c.flagged).length;
    const codes = tf.recoveryCodesRemaining;
    if (usableAfter > 0) return '';
    if (tf.required)
      return ' It is your last method that can sign you in, and two-factor authentication is required of your account: set up another method before you remove it.';
    if (heldAfter === 0)
      return codes > 0
        ? ' It is your last method: your recovery codes are deleted with it, and signing in takes your password alone.'
        : '';
    return codes > 0
      ? ` It is your last method that can sign you in: what stays (a security key flagged as a copy, or e-mail codes admins may not use) cannot, so each sign-in will take ${codes === 1 ? 'your last recovery code' : `one of your ${codes} recovery codes`}. Set up another method.`
      : ` ${sentenceForCodeAndReason('WOULD_LOCK_YOU_OUT', 'NO_USABLE_METHOD_LEFT')}`;
  };
  const { guard, modal } = useReauthGuard();
  const { confirm, modal: confirmModal } = useConfirm();
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  // A rename saved or cancelled gives keyboard focus back to its row's Rename button (the field that
  // held it is gone), not to the page.
  const renameButtons = useRef(new Map<string, HTMLButtonElement>());
  const endRenaming = (id: string) => {
    setRenaming(null);
    requestAnimationFrame(() => renameButtons.current.get(id)?.focus());
  };
  // A method removed takes its button (which had the keyboard focus) off the page: the focus goes to
  // its card's heading, not back to the top of the page. `gone` says when the page shows it removed.
  const totpHeading = useRef<HTMLHeadingElement>(null);
  const emailHeading = useRef<HTMLHeadingElement>(null);
  const keysHeading = useRef<HTMLHeadingElement>(null);
  const focusOnceGone = useRef<{
    heading: RefObject<HTMLHeadingElement | null>;
    gone: (t: NonNullable<typeof tf>) => boolean;
  } | null>(null);
  // A key gone (removed here, or elsewhere before its rename): the focus goes to the keys card.
  const focusKeysCardOnceGone = (id: string) => {
    focusOnceGone.current = { heading: keysHeading, gone: (t) => !t.webauthnCredentials.some((k) => k.id === id) };
  };
  useEffect(() => {
    const after = focusOnceGone.current;
    if (!after || !tf || !after.gone(tf)) return;
    focusOnceGone.current = null;
    // Only when the focus was lost with the button (not when it was moved elsewhere meanwhile).
    if (focusLost()) after.heading.current?.focus();
  });

  // Codes shown after the last method went (and with it every recovery code) work no more: not left on screen.
  const remaining = tf?.recoveryCodesRemaining;
  useEffect(() => {
    if (remaining === 0) setFreshCodes(null);
  }, [remaining]);

  if (!tf) {
    return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  }
  // A factor held but of no use at sign-in now: sign-ins still ask for a second step, which only a
  // recovery code can give.
  const holds = holdsFactor(tf);
  // (Switched off for the system, nothing is asked of anyone: not a factor of no use.)
  const unusable = holds && !tf.enabled && tf.systemEnabled;
  // …and no recovery code left: the next sign-in is refused, and nothing held can confirm it is you.
  const stranded = unusable && tf.recoveryCodesRemaining === 0;

  const onEnabled = (e: Enabled) => {
    if (e.recoveryCodes) setFreshCodes(e.recoveryCodes);
    // Its setup form leaves the page once the methods are read again, with the focus in it: the focus
    // goes to its card's heading then (unless the new recovery codes took it).
    if (e.method === 'TOTP') focusOnceGone.current = { heading: totpHeading, gone: (t) => t.totpEnabled };
    if (e.method === 'EMAIL') focusOnceGone.current = { heading: emailHeading, gone: (t) => t.emailAddress !== null };
    notifications.show({ color: 'green', message: `${METHOD_LABELS[e.method]} is on.` });
    void refetch();
  };
  const allowed = tf.allowedMethods;

  return (
    <Stack gap="lg" maw={900}>
      {modal}
      {confirmModal}
      <div>
        <Group gap="sm">
          <Title order={1}>Security</Title>
          <Badge
            color={tf.enabled ? 'green' : unusable ? 'orange' : 'gray'}
            variant="light"
            leftSection={<IconShieldCheck size={14} aria-hidden />}
          >
            {!tf.systemEnabled
              ? 'Two-factor authentication switched off for everyone'
              : tf.enabled
                ? 'Two-factor authentication on'
                : unusable
                  ? 'Two-factor authentication: no usable method'
                  : 'Two-factor authentication off'}
          </Badge>
        </Group>
        <Text c="dimmed" size="sm" mt={4}>
          A second step after your password keeps your account safe even if the password leaks.
        </Text>
      </div>
      {!tf.systemEnabled && (
        <Alert
          color="gray"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title="Switched off by an administrator"
          role="status"
        >
          Two-factor authentication is switched off for the whole system: sign-ins ask for your password only, and no method can
          be set up. Your methods are kept and are asked for again once it is switched back on.
        </Alert>
      )}
      {unusable && !stranded && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Your method cannot be used now">
          A security key flagged as a possible clone, or e-mail codes while they are off for admins and sub-admins, cannot finish
          a sign-in: until you set up another method below, each sign-in uses up one of your recovery codes.
        </Alert>
      )}
      {stranded && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title="Set up another method now"
          role="alert"
        >
          Your method cannot finish a sign-in (a security key flagged as a possible clone, or e-mail codes while they are off for
          admins and sub-admins) and no recovery code is left: your next sign-in will be refused until an administrator resets
          your two-factor authentication. Set up another method below now: a few minutes after signing in, setting one up asks you
          to confirm it is you, which nothing you hold can do.
        </Alert>
      )}
      {tf.systemEnabled && tf.required && !tf.enabled && !unusable && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} role="status">
          Your account must use two-factor authentication. Set up a method below.
        </Alert>
      )}
      {tf.locked && (
        <Alert color="red" variant="light">
          Two-step sign-in is locked after too many wrong codes. An administrator must unlock it.
        </Alert>
      )}
      {tf.recommendSecondMethod && (
        <Alert color="blue" variant="light" title="Add a second method" role="status">
          You have one method. Add another (for example a security key as well as the app), so losing one device does not lock you
          out.
        </Alert>
      )}
      {freshCodes && <RecoveryCodesDisplay codes={freshCodes} account={viewer.email} />}

      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="xs" ref={totpHeading} tabIndex={-1}>
          Authenticator app
        </Title>
        {tf.totpEnabled ? (
          <Group justify="space-between">
            <Text size="sm">
              On
              {tf.totpConfirmedAt ? (
                <>
                  {' '}
                  since <FormattedDate value={tf.totpConfirmedAt} />
                </>
              ) : null}
              .
            </Text>
            <Button
              variant="light"
              color="red"
              size="xs"
              loading={removingTotp}
              onClick={() =>
                confirm({
                  title: 'Remove the authenticator app?',
                  body: `Its codes stop working at once. To use an app again, you set it up anew with a new QR code.${removalNote({ totp: true })}`,
                  confirmLabel: 'Remove app',
                  onConfirm: () =>
                    void guard('Removing the app', async () => {
                      // Read again also when refused: removed elsewhere meanwhile, the page would say "on".
                      try {
                        await disableTotp();
                        focusOnceGone.current = { heading: totpHeading, gone: (t) => !t.totpEnabled };
                      } finally {
                        await refetch().catch(() => undefined);
                      }
                    }),
                })
              }
            >
              Remove authenticator app
            </Button>
          </Group>
        ) : allowed.includes('TOTP') ? (
          <TotpSetup onEnabled={onEnabled} onStale={() => void refetch()} />
        ) : (
          <Text size="sm" c="dimmed">
            Not allowed by the system settings.
          </Text>
        )}
      </Card>

      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="xs" ref={emailHeading} tabIndex={-1}>
          E-mail codes
        </Title>
        {tf.emailAddress ? (
          <Group justify="space-between">
            <Text size="sm">Codes go to {tf.emailAddress}.</Text>
            <Button
              variant="light"
              color="red"
              size="xs"
              loading={removingEmail}
              onClick={() =>
                confirm({
                  title: 'Remove e-mail codes?',
                  body: `Sign-in codes are no longer sent to ${tf.emailAddress}.${removalNote({ email: true })}`,
                  confirmLabel: 'Remove e-mail codes',
                  onConfirm: () =>
                    void guard('Removing e-mail codes', async () => {
                      try {
                        await disableEmail();
                        focusOnceGone.current = { heading: emailHeading, gone: (t) => !t.emailAddress };
                      } finally {
                        await refetch().catch(() => undefined);
                      }
                    }),
                })
              }
            >
              Remove e-mail codes
            </Button>
          </Group>
        ) : allowed.includes('EMAIL') ? (
          <EmailSetup onEnabled={onEnabled} onStale={() => void refetch()} />
        ) : (
          <Text size="sm" c="dimmed">
            {viewer.role === 'USER'
              ? 'Not allowed by the system settings.'
              : 'Not available for your account: the system settings do not allow e-mail codes, or not for admins and sub-admins (e-mail is not accepted as a second factor for them unless the settings allow it).'}
          </Text>
        )}
      </Card>

      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="xs" ref={keysHeading} tabIndex={-1}>
          Security keys and passkeys
        </Title>
        {tf.webauthnCredentials.length > 0 && (
          // Scrolls sideways on a narrow screen, so each row's buttons stay reachable (not cut off by the card).
          <Table.ScrollContainer minWidth={520} mb="md">
            <Table aria-label="Security keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tf.webauthnCredentials.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      {renaming?.id === c.id ? (
                        <form
                          onSubmit={(e) => {
                            e.preventDefault();
                            if (renamingBusy) return;
                            void renameKey({ variables: { id: c.id, name: renaming.name } })
                              .then(() => endRenaming(c.id))
                              .catch((err: unknown) => {
                                const p = toProblem(err);
                                if (p.code === 'NOT_FOUND') {
                                  // Removed meanwhile (another tab or device): said, and the list read again without it.
                                  notifications.show({
                                    color: 'red',
                                    message: `${c.name} was removed meanwhile (in another tab or on another device).`,
                                  });
                                  setRenaming(null);
                                  focusKeysCardOnceGone(c.id);
                                  void refetch().catch(() => undefined);
                                  return;
                                }
                                // A refused name says why (its field's sentence), not "check the highlighted fields".
                                notifications.show({ color: 'red', message: problemSentence(p) });
                              });
                          }}
                        >
                          <Group gap="xs" wrap="nowrap">
                            <TextInput
                              aria-label={`New name for ${c.name}`}
                              size="xs"
                              value={renaming.name}
                              required
                              maxLength={64}
                              data-autofocus
                              autoFocus
                              onChange={(e) => setRenaming({ id: c.id, name: e.currentTarget.value })}
                              onKeyDown={(e) => {
                                if (e.key === 'Escape') endRenaming(c.id);
                              }}
                            />
                            <Button size="xs" type="submit" loading={renamingBusy}>
                              Save
                            </Button>
                            <Button size="xs" variant="default" onClick={() => endRenaming(c.id)}>
                              Cancel
                            </Button>
                          </Group>
                        </form>
                      ) : (
                        <Group gap="xs">
                          <Text size="sm">{c.name}</Text>
                          {c.flagged && (
                            <Badge color="red" variant="light">
                              Flagged: possible clone
                            </Badge>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <FormattedDate value={c.createdAt} />
                    </Table.Td>
                    <Table.Td>{c.lastUsedAt ? <FormattedDate value={c.lastUsedAt} /> : 'Never'}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          ref={(el) => {
                            if (el) renameButtons.current.set(c.id, el);
                            else renameButtons.current.delete(c.id);
                          }}
                          aria-label={`Rename ${c.name}`}
                          onClick={() => setRenaming({ id: c.id, name: c.name })}
                        >
                          Rename
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          aria-label={`Remove ${c.name}`}
                          disabled={removingKey}
                          onClick={() =>
                            confirm({
                              title: `Remove ${c.name}?`,
                              body: `This security key or passkey can no longer sign you in. To use it again, you add it anew.${removalNote({ keyId: c.id })}`,
                              confirmLabel: 'Remove key',
                              onConfirm: () =>
                                void guard('Removing the key', async () => {
                                  try {
                                    await removeKey({ variables: { id: c.id } });
                                    focusKeysCardOnceGone(c.id);
                                  } finally {
                                    await refetch().catch(() => undefined);
                                  }
                                }),
                            })
                          }
                        >
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {allowed.includes('WEBAUTHN') ? (
          <WebauthnSetup onEnabled={onEnabled} onStale={() => void refetch()} keys={tf.webauthnCredentials.map((c) => c.id)} />
        ) : (
          <Text size="sm" c="dimmed">
            Not allowed by the system settings.
          </Text>
        )}
      </Card>

      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="xs">
          Recovery codes
        </Title>
        {tf.enabled || holds ? (
          <Stack gap="sm">
            <Text size="sm" data-testid="recovery-remaining">
              {tf.recoveryCodesRemaining} of 10 recovery codes left.
            </Text>
            {tf.recoveryCodesRemaining <= 3 && !stranded && (
              <Alert color="orange" variant="light" role="status">
                Few recovery codes are left. Generate a new set and store it safely.
              </Alert>
            )}
            {stranded ? (
              <Text size="sm" c="dimmed">
                A new set needs you to confirm it is you, which nothing you hold can do now: set up another method first, and it
                comes with new codes.
              </Text>
            ) : (
              <Group>
                <Button
                  variant="light"
                  loading={generating}
                  onClick={() =>
                    confirm({
                      title: 'Generate new recovery codes?',
                      body: 'Your current recovery codes stop working at once, the unused ones too. Store the new set somewhere safe.',
                      confirmLabel: 'Generate new codes',
                      onConfirm: () =>
                        void guard('Generating codes', async () => {
                          const { data: d } = await generate();
                          if (d) setFreshCodes(d.generateRecoveryCodes.codes);
                          // The codes are made (and shown): a failed read-back of the page is no failure of theirs.
                          await refetch().catch(() => undefined);
                        }),
                    })
                  }
                >
                  Generate new recovery codes
                </Button>
              </Group>
            )}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Recovery codes are created when you set up your first method.
          </Text>
        )}
      </Card>

      <ChangePasswordCard />
    </Stack>
  );
}
