import { useMutation } from '@apollo/client/react';
import { Alert, Anchor, Button, Card, Group, Image, Stack, Text, TextInput, Title } from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import type { TooManyAttemptsReason, TwoFactorMethod } from '../../__generated__/graphql';
import { type Problem, problemFromCeremony, problemFromCode, problemSentence, toProblem } from '../errors/problem';
import { useReauthGuard } from './useReauthGuard';
import { withoutSpaces } from './codes';
import { useCooldown } from './useCooldown';
import { focusLost } from '../../components/focus';
import {
  ConfirmEmailDocument,
  ConfirmTotpDocument,
  FinishWebauthnRegistrationDocument,
  StartEmailDocument,
  StartTotpDocument,
  WebauthnRegistrationOptionsDocument,
} from './operations';

export interface Enabled {
  method: TwoFactorMethod;
  recoveryCodes?: string[] | null;
  signedIn: boolean;
}

type EnabledResult =
  | { __typename: 'TwoFactorEnabled'; method: TwoFactorMethod; recoveryCodes?: string[] | null; signedIn: boolean }
  | { __typename: 'TwoFactorError'; code: Problem['code']; retryAfter?: string | null; reason?: TooManyAttemptsReason | null };

/** A refusal: the field sentences when the input was refused (a blank device name, an address the server does not take), else the code's. */
function ProblemAlert({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <Alert color="red" variant="light" role="alert">
      {problem.code === 'SECOND_FACTOR_REQUIRED'
        ? // Only a required enrollment hears it: the account got a method meanwhile (another window or device).
          'Your account has a method set up now. Cancel, sign in again and use it.'
        : problemSentence(problem)}
    </Alert>
  );
}

/** Runs a confirm mutation's union result into onEnabled or a problem. */
function settle(r: EnabledResult | undefined, onEnabled: (e: Enabled) => void): Problem | null {
  if (r?.__typename === 'TwoFactorEnabled') {
    onEnabled({ method: r.method, recoveryCodes: r.recoveryCodes, signedIn: r.signedIn });
    return null;
  }
  return r?.__typename === 'TwoFactorError' && r.code !== 'NETWORK'
    ? problemFromCode(r.code, r.retryAfter, r.reason)
    : problemFromCode('INTERNAL_SERVER_ERROR');
}

/**
 * The code field gets the keyboard focus back once the page has settled: the button that sent the code
 * is disabled while busy (or for the cool-down), and the browser drops the focus to the page with it.
 */
function focusSoon(field: RefObject<HTMLElement | null>): void {
  requestAnimationFrame(() => field.current?.focus());
}

/**
 * The settings changed under a setup in progress (an admin disallowed the method, or switched 2FA off):
 * the setup cannot finish, so it ends, and the page reads what is allowed now.
 */
function settingsChanged(p: Problem | null): boolean {
  // Keys unavailable on a server reached by an IP address: no setting changed.
  if (p?.reason === 'RP_ID_NOT_A_DOMAIN') return false;
  return p?.code === 'METHOD_NOT_ALLOWED' || p?.code === 'TWO_FACTOR_DISABLED';
}

/** How long an app setup can be turned on (the server's TOTP_ENROLLMENT_TTL_MS). */
const TOTP_SETUP_VALID_MS = 15 * 60_000;

/** The time of day a setup lapses, as the clock on the wall shows it (hours and minutes). */
function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The earlier of two instants (`deadline` may be absent). */
function earlier(iso: string, deadline: string | null | undefined): string {
  return deadline && Date.parse(deadline) < Date.parse(iso) ? deadline : iso;
}

/**
 * Authenticator app: QR code and grouped secret, then a current code switches it on. `deadline`: when
 * the sign-in it is set up in ends (a required enrollment), which no lapse said may pass.
 */
export function TotpSetup({
  onEnabled,
  onStale,
  deadline,
}: {
  onEnabled: (e: Enabled) => void;
  onStale?: () => void;
  deadline?: string | null;
}) {
  const [start, startState] = useMutation(StartTotpDocument);
  const [confirm, confirmState] = useMutation(ConfirmTotpDocument);
  const [enrollment, setEnrollment] = useState<{
    qr: string;
    secret: string;
    uri: string;
    expiresAt: string | null;
    /** Milliseconds from its arrival until it lapses: its own 15 minutes, or the sign-in's end when that comes first. */
    lapsesIn: number;
    /** It lapses with the sign-in it is set up in (a required enrollment), not by itself. */
    endsWithSignIn: boolean;
  } | null>(null);
  // A setup that lapsed leaves an entry in the authenticator app that will never work: said, with the
  // start button focused (unless the focus was elsewhere on the page when it lapsed on its own).
  const [lapsed, setLapsed] = useState(false);
  const [focusStart, setFocusStart] = useState(true);
  const [code, setCode] = useState('');
  // Turned on: the QR code and the key leave the page at once, not when the page's own re-read lands
  // (which may fail). The focus, lost with the form it was in, goes to the line that says so, unless
  // something else took it meanwhile (the new recovery codes do).
  const [turnedOn, setTurnedOn] = useState(false);
  const turnedOnLine = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (!turnedOn) return;
    const frame = requestAnimationFrame(() => {
      if (focusLost()) turnedOnLine.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [turnedOn]);
  const codeField = useRef<HTMLInputElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  // Once the lapsed setup is off the page (the start button rendered in its place), the focus goes there.
  useEffect(() => {
    if (lapsed && !enrollment && focusStart) startButton.current?.focus();
  }, [lapsed, enrollment, focusStart]);
  // A setup shown (the start button that had the focus is gone, also after a re-authentication asked
  // for on the way): the focus goes to its code field.
  const shown = enrollment !== null;
  useEffect(() => {
    if (shown) codeField.current?.focus();
  }, [shown]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // A setup that lapses while shown goes off the page then, so that its QR code is not scanned after it
  // can no longer be turned on. Timed from when it arrived (the server's 15 minutes), not by the
  // browser's clock against the server's time: the two may differ.
  useEffect(() => {
    if (!enrollment) return;
    const timer = setTimeout(() => {
      // The focus follows only from the setup itself (its field or buttons, now gone), never from elsewhere on the page.
      const focused = document.activeElement;
      setFocusStart(focused === null || focused === document.body || form.current?.contains(focused) === true);
      setEnrollment(null);
      setLapsed(true);
      setProblem(
        enrollment.endsWithSignIn
          ? {
              code: 'UNAUTHENTICATED',
              fieldErrors: {},
              message:
                'This sign-in ended before the app was turned on. If you added it to your authenticator app, remove that entry (its codes will never work), then sign in again.',
            }
          : problemFromCode('NOT_ENROLLING'),
      );
    }, enrollment.lapsesIn);
    return () => clearTimeout(timer);
  }, [enrollment]);
  // Adding a method in a session signed in a while ago asks to confirm it is you, then goes on.
  const { guard, modal } = useReauthGuard();

  async function onStart() {
    setProblem(null);
    setLapsed(false);
    setCode('');
    await guard(
      'Set-up',
      async () => {
        const { data } = await start();
        const e = data!.startTotpEnrollment;
        const signInEndsFirstBy = deadline && e.expiresAt ? Math.max(0, Date.parse(e.expiresAt) - Date.parse(deadline)) : 0;
        setEnrollment({
          qr: `data:image/svg+xml;base64,${btoa(e.qrCodeSvg)}`,
          secret: e.secret,
          uri: e.otpauthUri,
          expiresAt: e.expiresAt ?? null,
          // Both ends are the server's times: their difference needs no agreement with the browser's clock.
          lapsesIn: TOTP_SETUP_VALID_MS - signInEndsFirstBy,
          endsWithSignIn: signInEndsFirstBy > 0,
        });
      },
      (p) => {
        setProblem(p);
        // Switched on meanwhile (another tab or device), or no longer allowed: the page's own state is out of date.
        if (p.code === 'ALREADY_ENABLED' || settingsChanged(p)) onStale?.();
        if (settingsChanged(p)) setEnrollment(null);
      },
    );
  }

  async function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    try {
      const { data } = await confirm({ variables: { code: code.trim() } });
      const p = settle(data?.confirmTotpEnrollment as EnabledResult | undefined, onEnabled);
      setProblem(p);
      if (!p) {
        setEnrollment(null);
        setCode('');
        setTurnedOn(true);
      } else if (p.code === 'NOT_ENROLLING') {
        // The setup expired (or was replaced elsewhere): back to the start button, which makes a new one
        // (the code field that had the focus is gone).
        setEnrollment(null);
        setFocusStart(true);
        setLapsed(true);
      } else if (p) {
        setCode('');
        focusSoon(codeField);
      }
    } catch (error) {
      const p = toProblem(error);
      setProblem(p);
      if (settingsChanged(p)) {
        setEnrollment(null);
        onStale?.();
      }
    }
  }

  return (
    <Stack gap="sm">
      {modal}
      {lapsed && problem?.code === 'NOT_ENROLLING' ? (
        <Alert color="red" variant="light" role="alert">
          This setup expired before it was turned on. If you added it to your authenticator app, remove that entry (its codes will
          never work), then set up the app again with a new QR code.
        </Alert>
      ) : (
        <ProblemAlert problem={problem} />
      )}
      {turnedOn ? (
        <Text size="sm" role="status" ref={turnedOnLine} tabIndex={-1}>
          Turned on. The QR code and the key are no longer shown.
        </Text>
      ) : !enrollment ? (
        <Group>
          <Button ref={startButton} onClick={() => void onStart()} loading={startState.loading}>
            Set up authenticator app
          </Button>
        </Group>
      ) : (
        <form ref={form} onSubmit={(e) => void onConfirm(e)} aria-label="Authenticator app setup">
          <Stack gap="sm">
            <Text size="sm">
              1. Scan this QR code with your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …).
            </Text>
            <Image src={enrollment.qr} alt="QR code for your authenticator app" w={200} h={200} />
            <Text size="sm">
              Setting up on this device? <Anchor href={enrollment.uri}>Open it in your authenticator app</Anchor>. Or type this
              key into the app:
            </Text>
            <Text ff="monospace" fw={600} data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
              {enrollment.secret}
            </Text>
            <Text size="sm">
              2. Enter the 6-digit code the app shows. Two-factor authentication switches on only when the code is right.
            </Text>
            {enrollment.expiresAt && (
              <Text size="sm" c="dimmed" data-testid="totp-setup-expires">
                This setup expires at {timeOfDay(earlier(enrollment.expiresAt, deadline))}. Not turned on by then, it has to be
                started again.
              </Text>
            )}
            <TextInput
              ref={codeField}
              label="Code from the app"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={12}
              required
              value={code}
              onChange={(e) => setCode(withoutSpaces(e.currentTarget.value))}
            />
            <Group>
              <Button type="submit" loading={confirmState.loading}>
                Turn on
              </Button>
              <Button variant="subtle" onClick={() => void onStart()} loading={startState.loading}>
                Start over with a new QR code
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

/** How long an e-mailed code is valid (the server's EMAIL_CODE_TTL_MS). */
const EMAIL_CODE_VALID_MS = 10 * 60_000;

/** E-mail codes: an address, then the code sent there. `deadline`: as for `TotpSetup`. */
export function EmailSetup({
  onEnabled,
  onStale,
  deadline,
}: {
  onEnabled: (e: Enabled) => void;
  onStale?: () => void;
  deadline?: string | null;
}) {
  const [start, startState] = useMutation(StartEmailDocument);
  const [confirm, confirmState] = useMutation(ConfirmEmailDocument);
  const [address, setAddress] = useState('');
  const [sent, setSent] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  // Within a sign-in that ends first, the code is said to be good until then (not for its own 10 minutes).
  const [validUntil, setValidUntil] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const codeField = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const { guard, modal } = useReauthGuard();
  // Another code may be asked for once the server's cool-down ends: the button counts down till then.
  const [sendWait, startSendWait] = useCooldown();
  // Once it has, "a code was sent moments ago" is no longer true.
  useEffect(() => {
    if (sendWait === 0) setProblem((p) => (p?.code === 'EMAIL_COOLDOWN' ? null : p));
  }, [sendWait]);

  async function onSend(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    await guard(
      'Set-up',
      async () => {
        const { data } = await start({ variables: { address } });
        const r = data?.startEmailEnrollment;
        if (r?.__typename === 'TwoFactorError' && r.code === 'EMAIL_COOLDOWN') {
          startSendWait(r.retryAfter);
          // A code went out moments ago (from this page before a reload, say): it can still be entered.
          setSent(true);
        }
        if (r?.__typename === 'TwoFactorError' && r.code === 'ALREADY_ENABLED') onStale?.();
        if (r?.__typename === 'EmailCodeSent') {
          startSendWait(r.nextSendAfter, r.sentAt);
          setSent(true);
          setSentTo(address.trim());
          // From the server's time of sending, as the sign-in's end is: both on one clock.
          const lapse = new Date(Date.parse(r.sentAt) + EMAIL_CODE_VALID_MS).toISOString();
          setValidUntil(deadline && Date.parse(deadline) < Date.parse(lapse) ? deadline : null);
          setCode('');
          focusSoon(codeField);
        } else
          setProblem(
            r?.__typename === 'TwoFactorError'
              ? problemFromCode(r.code, r.retryAfter, r.reason)
              : problemFromCode('INTERNAL_SERVER_ERROR'),
          );
      },
      (p) => {
        setProblem(p);
        if (p.code === 'ALREADY_ENABLED' || settingsChanged(p)) onStale?.();
        if (settingsChanged(p)) setSent(false);
      },
    );
  }

  async function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    try {
      const { data } = await confirm({ variables: { code: code.trim() } });
      const settled = settle(data?.confirmEmailEnrollment as EnabledResult | undefined, onEnabled);
      // A code from an earlier e-mail (one was sent again since) is refused as not right: say which one counts.
      const p =
        settled?.code === 'CODE_INVALID'
          ? {
              ...settled,
              message: 'That code is not right. If you asked for another code, enter the one from the latest e-mail.',
            }
          : settled;
      setProblem(p);
      if (p) {
        setCode('');
        focusSoon(codeField);
      }
      // The setup lapsed or was replaced: start again from the address.
      if (p?.code === 'NOT_ENROLLING') setSent(false);
    } catch (error) {
      const p = toProblem(error);
      setProblem(p);
      if (settingsChanged(p)) {
        setSent(false);
        onStale?.();
      }
    }
  }

  return (
    <Stack gap="sm">
      {modal}
      <ProblemAlert problem={problem} />
      <form onSubmit={(e) => void onSend(e)} aria-label="E-mail code setup">
        <Group align="end">
          <TextInput
            label="Address for codes"
            type="email"
            required
            value={address}
            onChange={(e) => setAddress(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button type="submit" variant={sent ? 'light' : 'filled'} loading={startState.loading} disabled={sendWait > 0}>
            {sendWait > 0 ? `Send again in ${sendWait} s` : sent ? 'Send again' : 'Send code'}
          </Button>
        </Group>
      </form>
      {sent && sentTo && (
        <Text size="sm" c="dimmed" role="status">
          A code is on its way to {sentTo}.{' '}
          {validUntil ? `Enter it by ${timeOfDay(validUntil)}, when this sign-in ends.` : 'It is valid for 10 minutes.'}
        </Text>
      )}
      {sent && (
        <form onSubmit={(e) => void onConfirm(e)}>
          <Group align="end">
            <TextInput
              ref={codeField}
              label="Code from the e-mail"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={12}
              required
              autoFocus
              value={code}
              onChange={(e) => setCode(withoutSpaces(e.currentTarget.value))}
            />
            <Button type="submit" loading={confirmState.loading}>
              Confirm address
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}

/** The most security keys an account may have (the server's MAX_SECURITY_KEYS, flagged ones included). */
const MAX_SECURITY_KEYS = 20;

/** A security key or passkey: a friendly name, then the browser's prompt. */
export function WebauthnSetup({
  onEnabled,
  onStale,
  keys,
}: {
  onEnabled: (e: Enabled) => void;
  onStale?: () => void;
  keys?: readonly string[];
}) {
  const [options] = useMutation(WebauthnRegistrationOptionsDocument);
  const [finish] = useMutation(FinishWebauthnRegistrationDocument);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The Add button is disabled while busy, which drops the keyboard focus to the page: it comes back
  // to the button once a key was added, to the name field when something was refused.
  const nameField = useRef<HTMLInputElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  // A refused name is said at its field (BAD_USER_INPUT on `name`), not as a general alert.
  const nameError = problem?.code === 'BAD_USER_INPUT' ? problem.fieldErrors['name'] : undefined;
  const refuse = (p: Problem) => {
    setProblem(p);
    focusSoon(nameField);
    // No longer allowed (settings changed meanwhile), or the limit reached by a key added elsewhere: the
    // page reads what is allowed now, and the keys there are.
    if (settingsChanged(p) || p.code === 'TOO_MANY_KEYS') onStale?.();
  };
  // What a refusal said ("already registered") no longer holds once the list of keys changed.
  const keyList = keys?.join(',');
  useEffect(() => setProblem(null), [keyList]);
  const { guard, modal } = useReauthGuard();

  async function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    await guard(
      'Set-up',
      async () => {
        setBusy(true);
        try {
          const { data } = await options({ variables: { name } });
          const optionsJSON = data?.webauthnRegistrationOptions as unknown as Parameters<
            typeof startRegistration
          >[0]['optionsJSON'];
          let attestation: Awaited<ReturnType<typeof startRegistration>>;
          try {
            attestation = await startRegistration({ optionsJSON });
          } catch (error) {
            // Cancelled, no key answered, a key already registered: the browser's own refusal, said as such.
            const refused = problemFromCeremony(error, 'register');
            if (!refused) throw error;
            refuse(refused);
            return;
          }
          const res = await finish({ variables: { response: attestation as unknown as Record<string, unknown> } });
          const p = settle(res.data?.finishWebauthnRegistration as EnabledResult | undefined, onEnabled);
          if (p) refuse(p);
          else {
            setName('');
            focusSoon(addButton);
          }
        } finally {
          setBusy(false);
        }
      },
      refuse,
    );
  }

  // At the limit, no name is asked for that could only be refused: the card says what to do instead.
  if (keys && keys.length >= MAX_SECURITY_KEYS && !busy) {
    return (
      <Text size="sm" role="status">
        You have {keys.length} security keys, the most an account can have. Remove one you no longer use to add another.
      </Text>
    );
  }

  return (
    <Stack gap="sm">
      {modal}
      <ProblemAlert problem={nameError ? null : problem} />
      <form onSubmit={(e) => void onAdd(e)} aria-label="Security key setup">
        <Group align="end">
          <TextInput
            ref={nameField}
            label="Device name"
            description="So you can tell your keys apart, e.g. “YubiKey on keyring”."
            required
            maxLength={64}
            value={name}
            error={nameError}
            onChange={(e) => {
              setName(e.currentTarget.value);
              if (nameError) setProblem(null);
            }}
            style={{ flex: 1 }}
          />
          <Button ref={addButton} type="submit" loading={busy}>
            Add security key
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

/** One card per method the settings allow (used by the Security page and the required-enrollment page). */
export function EnrollmentCards({
  allowed,
  show,
  onEnabled,
  deadline,
}: {
  allowed: TwoFactorMethod[];
  show: { totp: boolean; email: boolean; webauthn: boolean };
  onEnabled: (e: Enabled) => void;
  /** When the sign-in these set-ups finish ends (a required enrollment). */
  deadline?: string | null;
}) {
  return (
    <>
      {allowed.includes('TOTP') && show.totp && (
        <Card withBorder padding="lg">
          <Title order={3} size="h4" mb="xs">
            Authenticator app
          </Title>
          <TotpSetup onEnabled={onEnabled} deadline={deadline} />
        </Card>
      )}
      {allowed.includes('EMAIL') && show.email && (
        <Card withBorder padding="lg">
          <Title order={3} size="h4" mb="xs">
            E-mail codes
          </Title>
          <EmailSetup onEnabled={onEnabled} deadline={deadline} />
        </Card>
      )}
      {allowed.includes('WEBAUTHN') && show.webauthn && (
        <Card withBorder padding="lg">
          <Title order={3} size="h4" mb="xs">
            Security keys and passkeys
          </Title>
          <WebauthnSetup onEnabled={onEnabled} />
        </Card>
      )}
    </>
  );
}
