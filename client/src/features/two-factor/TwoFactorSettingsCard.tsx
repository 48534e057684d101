import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { Button, Card, Checkbox, Group, Stack, Switch, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../../__generated__';
import type { TwoFactorMethod, TwoFactorSettingsInput } from '../../__generated__/graphql';
import { focusLost } from '../../components/focus';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useConfirm } from '../../components/useConfirm';
import { problemSentence, toProblem, type Problem } from '../errors/problem';
import { METHOD_LABELS } from './labels';
import { useReauthGuard } from './useReauthGuard';

export const TwoFactorSettingsDocument = graphql(`
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

const SettingsImpactDocument = graphql(`
  query TwoFactorSettingsImpact($input: TwoFactorSettingsInput!) {
    twoFactorSettingsImpact(input: $input) {
      accountsNewlyRequired
      staffNewlyRequired
      accountsSignedOut
      sessionsEnded
      staffLeftWithoutUsableFactor
      staffWithoutRecoveryCode
    }
  }
`);

const ALL_METHODS: TwoFactorMethod[] = ['TOTP', 'EMAIL', 'WEBAUTHN'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Staff left with only recovery codes by a change (their only method, e-mail codes, no longer
 * accepted from staff), and those of them with none left: a sentence with a leading space, or ''.
 * (They may also be among the accounts that newly owe a method: "of the admins and sub-admins".)
 */
function emailOnlySentence(stuck: number, noCodes: number): string {
  if (stuck === 0) return '';
  const who = stuck === 1 ? '1 signs' : `${stuck} sign`;
  let text = ` Of the admins and sub-admins, ${who} in with e-mail codes only: at the next sign-in they are asked for a recovery code instead.`;
  if (noCodes > 0) {
    const none =
      noCodes === stuck
        ? stuck === 1
          ? 'That one has'
          : 'None of them has'
        : `${noCodes} of them ${noCodes === 1 ? 'has' : 'have'}`;
    text += ` ${none} ${noCodes === stuck && stuck > 1 ? 'any' : 'no'} recovery code left: refused until an admin resets their two-factor authentication.`;
  }
  return text;
}

/** Who a change would send through enrollment and sign out, in sentences (the server counts them). */
function impactSentence(i: {
  accountsNewlyRequired: number;
  staffNewlyRequired: number;
  accountsSignedOut: number;
  sessionsEnded: number;
  staffLeftWithoutUsableFactor: number;
  staffWithoutRecoveryCode: number;
}): string {
  const n = i.accountsNewlyRequired;
  const users = n - i.staffNewlyRequired;
  const out = i.accountsSignedOut;
  const stuck = i.staffLeftWithoutUsableFactor;
  const emailOnly = emailOnlySentence(stuck, i.staffWithoutRecoveryCode);
  if (n === 0 && out === 0)
    return stuck > 0
      ? `Nobody is signed out.${emailOnly}`
      : 'Nobody is signed out: every account it covers already has a method it can use.';
  const who = [
    ...(i.staffNewlyRequired > 0 ? [plural(i.staffNewlyRequired, 'admin or sub-admin', 'admins or sub-admins')] : []),
    ...(users > 0 ? [plural(users, 'user marked as requiring 2FA', 'users marked as requiring 2FA')] : []),
  ].join(' and ');
  const required =
    n > 0
      ? `${who} ${n === 1 ? 'has' : 'have'} no method ${n === 1 ? 'it' : 'they'} can use: at the next sign-in, ${n === 1 ? 'if none is set up, it is' : 'those with none set up are'} led through setting one up right after the password, and can do nothing else until done. `
      : '';
  const signedOut =
    out > 0
      ? `${plural(out, 'account')} signed in now ${out === 1 ? 'is' : 'are'} signed out at once, everywhere (${plural(i.sessionsEnded, 'session')}).`
      : 'None of them is signed in now.';
  return required + signedOut + emailOnly;
}
const REFUSED_NOTICE = 'two-factor-settings-refused';

/** A refusal of the change itself, which the preview answers as the save would (not a failure to read it). */
const refusesChange = (p: Problem): boolean =>
  p.code === 'WOULD_LOCK_YOU_OUT' ||
  p.code === 'ENROLL_YOURSELF_FIRST' ||
  (p.code === 'BAD_USER_INPUT' && p.fieldErrors['allowedMethods'] !== undefined);

/** The system-wide 2FA settings (MANAGE_SETTINGS): on/off, issuer, methods, staff rules. */
export function TwoFactorSettingsCard() {
  const { data, error, refetch } = useQuery(TwoFactorSettingsDocument);
  const [update, { loading }] = useMutation(UpdateSettingsDocument);
  // Weakening changes (2FA off, no longer required for staff, e-mail codes for staff) ask for a fresh confirmation.
  const { guard, modal } = useReauthGuard();
  // Switching 2FA off for everyone, or requiring it for staff (which signs staff out), is asked first.
  const { confirm, modal: confirmModal } = useConfirm();
  const client = useApolloClient();
  // Reading who a change would sign out, before asking: the switches wait.
  const [weighing, setWeighing] = useState(false);
  // The switch a change was asked from: disabled while it is saved, so the focus may fall to the page;
  // it gets it back once nothing is under way (focus a dialog or the person moved elsewhere stays there).
  // While the server is asked what a change would do, the switches stay focusable and ignore clicks: a
  // disabled one would drop the focus, and the question's dialog would give it back to the page.
  const refocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = refocus.current;
    if (weighing || loading || !el) return;
    if (!el.isConnected) refocus.current = null;
    else if (focusLost()) {
      refocus.current = null;
      el.focus();
    }
  }, [weighing, loading]);
  const s = data?.twoFactorSettings;
  const [issuer, setIssuer] = useState('');
  // Only a new saved name replaces the field: saving another setting keeps a name being typed.
  const savedIssuer = s?.issuer;
  useEffect(() => {
    if (savedIssuer !== undefined) setIssuer(savedIssuer);
  }, [savedIssuer]);
  if (!s) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;

  async function save(input: TwoFactorSettingsInput) {
    await guard('Saving', async () => {
      // The compliance table on the same page counts methods the settings may switch off; your own
      // methods decide what the next confirmation that it is you asks for (none while 2FA is off).
      await update({ variables: { input }, refetchQueries: ['TwoFactorCompliancePage', 'MyTwoFactor'] });
      notifications.show({ color: 'green', message: 'Two-factor settings saved.' });
    });
  }

  /**
   * What saving `input` would do at once, as sentences, and whether it signs anyone out or sends anyone
   * through enrollment. Unreadable: said, and counted as someone (the question is asked). A change the
   * save would refuse (you or every admin locked out, nothing left to set up, a policy on you before you
   * set up a method) is refused here as the save would refuse it: null, and nobody is asked to confirm it.
   */
  async function weigh(input: TwoFactorSettingsInput, control: HTMLElement): Promise<{ text: string; anyone: boolean } | null> {
    refocus.current = control;
    setWeighing(true);
    try {
      const r = await client.query({ query: SettingsImpactDocument, variables: { input }, fetchPolicy: 'network-only' });
      const i = r.data?.twoFactorSettingsImpact;
      if (!i) throw r.error ?? new Error('no answer');
      return {
        text: impactSentence(i),
        anyone: i.accountsNewlyRequired + i.accountsSignedOut + i.staffLeftWithoutUsableFactor > 0,
      };
    } catch (error) {
      const p = toProblem(error);
      if (refusesChange(p)) {
        // One notice at a time (a second refusal replaces it), kept until closed: a long sentence saying what to do first.
        notifications.hide(REFUSED_NOTICE);
        notifications.show({
          id: REFUSED_NOTICE,
          color: 'red',
          title: 'Not saved',
          message: problemSentence(p),
          autoClose: false,
        });
        return null;
      }
      return {
        text: `Accounts it covers that have no method they can use are signed out at once, everywhere, and led through setting one up at their next sign-in. How many could not be read: ${p.message}`,
        anyone: true,
      };
    } finally {
      setWeighing(false);
    }
  }

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="two-factor-settings-title">
      <Title order={2} size="h4" mb="sm" id="two-factor-settings-title">
        Two-factor authentication, system-wide
      </Title>
      <Stack gap="md">
        <Switch
          label="Two-factor authentication"
          description="Off: nobody is asked for a second step and nobody can set one up."
          checked={s.enabled}
          disabled={loading}
          aria-disabled={weighing || undefined}
          onChange={(e) => {
            if (weighing) return;
            if (e.currentTarget.checked) {
              // Policies set while it was off come into force: whoever they cover without a method is signed out.
              return void weigh({ enabled: true }, e.currentTarget).then((weighed) =>
                weighed === null
                  ? undefined
                  : weighed.anyone
                    ? confirm({
                        title: 'Switch on two-factor authentication?',
                        body: `Second steps are asked for again, and the policies come into force: the sessions signed in with the password alone while it was off, by accounts that have a second factor or recovery codes, end too. ${weighed.text}`,
                        confirmLabel: 'Switch on',
                        onConfirm: () => void save({ enabled: true }),
                      })
                    : save({ enabled: true }),
              );
            }
            confirm({
              title: 'Switch off two-factor authentication for everyone?',
              body: 'Nobody is asked for a second step at sign-in any more, and nobody can set one up; sign-ins waiting for a second step end now. Methods already set up are kept for when it is switched on again.',
              confirmLabel: 'Switch off',
              onConfirm: () => void save({ enabled: false }),
            });
          }}
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
              <Checkbox key={m} value={m} label={METHOD_LABELS[m]} disabled={loading} />
            ))}
          </Group>
        </Checkbox.Group>
        <Switch
          label="Require 2FA for admins and sub-admins"
          description="Staff without a method are signed out at once, then led through setup right after their password and can do nothing else until done. Set up your own method first."
          checked={s.requiredForStaff}
          disabled={loading}
          aria-disabled={weighing || undefined}
          onChange={(e) => {
            if (weighing) return;
            if (!e.currentTarget.checked) return void save({ requiredForStaff: false });
            const ask = (body: string) =>
              confirm({
                title: 'Require two-factor authentication for admins and sub-admins?',
                body,
                confirmLabel: 'Require it',
                onConfirm: () => void save({ requiredForStaff: true }),
              });
            // Also while 2FA is off: a change the save would refuse (nothing left for staff to set up) is said at once.
            void weigh({ requiredForStaff: true }, e.currentTarget).then(
              (weighed) =>
                weighed &&
                ask(
                  s.enabled
                    ? weighed.text
                    : 'It takes effect when two-factor authentication is switched on for the system: then admins and sub-admins without a method are signed out, and led through setting one up right after their password.',
                ),
            );
          }}
        />
        <Switch
          label="Allow e-mail codes for admins and sub-admins"
          description="Off by default: NIST SP 800-63B-4 does not accept e-mail as an out-of-band authenticator, because mailboxes are often reachable with the same password."
          checked={s.emailForStaff}
          disabled={loading}
          aria-disabled={weighing || undefined}
          onChange={(e) => {
            if (weighing) return;
            if (e.currentTarget.checked || !s.enabled) {
              return void save({ emailForStaff: e.currentTarget.checked });
            }
            // Staff whose only method is e-mail codes are left a recovery code (and, when 2FA is required
            // of staff, owe a method and are signed out): asked first, with the numbers.
            void weigh({ emailForStaff: false }, e.currentTarget).then((weighed) =>
              weighed === null
                ? undefined
                : weighed.anyone
                  ? confirm({
                      title: 'Stop accepting e-mail codes from admins and sub-admins?',
                      body: `E-mail codes no longer count as a second factor for admins and sub-admins. ${weighed.text}`,
                      confirmLabel: 'Stop accepting them',
                      onConfirm: () => void save({ emailForStaff: false }),
                    })
                  : save({ emailForStaff: false }),
            );
          }}
        />
      </Stack>
      {confirmModal}
      {modal}
    </Card>
  );
}
