import { useMutation } from '@apollo/client/react';
import { Alert, Button, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { SecondFactorInput, TwoFactorMethod } from '../../__generated__/graphql';
import {
  emailLimitMessage,
  isEmailLimit,
  type Problem,
  problemFromCeremony,
  problemFromCode,
  toProblem,
} from '../errors/problem';
import { withoutSpaces } from './codes';
import { METHOD_LABELS } from './labels';
import { useCooldown } from './useCooldown';
import { SendEmailCodeDocument, WebauthnAuthenticationOptionsDocument } from './operations';

/**
 * A refused proof said for the method it was: a recovery code or an e-mailed code the server calls
 * CODE_INVALID may be one used already (each works once), which "not right" would hide.
 */
function forMethod(problem: Problem, method: TwoFactorMethod): Problem {
  if (problem.code !== 'CODE_INVALID') return problem;
  if (method === 'RECOVERY_CODE')
    return { ...problem, message: 'That recovery code is wrong, or was used already. Each code works once: enter another one.' };
  if (method === 'EMAIL')
    return { ...problem, message: 'That code is not right, or was used already. Enter the code from the latest e-mail.' };
  return problem;
}

/**
 * A limit on e-mailed codes (the server's `reason`: too many e-mailed lately, or the code died of
 * wrong tries), said in the sign-in form: with the time a new code may be asked for and the other
 * methods, unless that time is after `deadline` (the sign-in ends first): then that none can be sent
 * in time. Other problems are left as they are.
 */
function emailLimitSaid(problem: Problem, deadline: Date | null): Problem {
  if (!isEmailLimit(problem)) return problem;
  return { ...problem, message: emailLimitMessage(problem.reason, problem.retryAt, { deadline }) };
}

/**
 * Picks one of the account's methods and produces its proof: a code, or a security-key assertion
 * for a fresh challenge. `submit` sends it (sign-in or re-authentication) and answers a problem or
 * null when accepted. `intercept`: sees the problems of asking for an e-mailed code or a key's
 * challenge first, and answers the one to show (null: handled, e.g. the sign-in ended). `deadline`:
 * when the sign-in being finished ends (a new code that cannot come before then is said so).
 */
export function SecondFactorForm({
  methods,
  submit,
  submitLabel,
  intercept = (p) => p,
  deadline = null,
}: {
  methods: TwoFactorMethod[];
  submit: (proof: SecondFactorInput) => Promise<Problem | null>;
  submitLabel: string;
  intercept?: (problem: Problem) => Problem | null;
  deadline?: Date | null;
}) {
  const [method, setMethod] = useState<TwoFactorMethod>(methods[0] ?? 'TOTP');
  // Focus goes to the first method's field (or key button) when the form appears, not when the method
  // changes: a keyboard user moving through the choices with the arrow keys stays on them (WCAG 3.2.2).
  const appearing = useRef(true);
  useEffect(() => {
    appearing.current = false;
  }, []);
  // The methods read again (a key blocked as a possible copy is no method any more): one no longer
  // offered gives way to the first that is, and the refusal that said why stays.
  useEffect(() => {
    if (methods.length > 0 && !methods.includes(method)) setMethod(methods[0]!);
  }, [methods, method]);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sendCode, sendState] = useMutation(SendEmailCodeDocument);
  // The next code may be asked for once the server's cool-down ends: the button counts down till then.
  const [sendWait, startSendWait] = useCooldown();
  const [askOptions] = useMutation(WebauthnAuthenticationOptionsDocument);
  // The code field (or the key's button) gets the keyboard focus back after a refusal or a code sent:
  // the button that was pressed is disabled while busy (or for the cool-down), and the browser drops
  // the focus to the page with it.
  const codeField = useRef<HTMLInputElement>(null);
  const keyButton = useRef<HTMLButtonElement>(null);
  const refocus = () => requestAnimationFrame(() => (codeField.current ?? keyButton.current)?.focus());
  // Once the cool-down is over, "a code was sent moments ago" is no longer true.
  useEffect(() => {
    if (sendWait === 0) setProblem((p) => (p?.code === 'EMAIL_COOLDOWN' ? null : p));
  }, [sendWait]);

  async function run(proof: SecondFactorInput) {
    setBusy(true);
    setProblem(null);
    try {
      const p = await submit(proof);
      if (p) {
        setProblem(emailLimitSaid(forMethod(p, proof.method), deadline));
        setCode('');
        refocus();
      }
    } catch (error) {
      setProblem(toProblem(error));
      refocus();
    } finally {
      setBusy(false);
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Spaces only are no code (the server would refuse it as bad input): asked for again here.
    if (code.trim() === '') {
      setProblem({ code: 'BAD_USER_INPUT', message: 'Enter the code.', fieldErrors: { code: 'Enter the code.' } });
      return;
    }
    await run({ method, code: code.trim() });
  }

  async function onSendCode(automatic = false) {
    // Sent on its own (e-mail codes left as the only method, the methods read again after a refusal):
    // the refusal that said why stays beside the notice.
    if (!automatic) setProblem(null);
    setNotice(null);
    try {
      const { data } = await sendCode();
      const r = data?.sendEmailCode;
      // Sent on its own a moment ago (this page reloaded): the code already on its way is the one to enter.
      if (r?.__typename === 'TwoFactorError' && r.code === 'EMAIL_COOLDOWN') startSendWait(r.retryAfter);
      if (r?.__typename === 'EmailCodeSent') startSendWait(r.nextSendAfter, r.sentAt);
      if (automatic && r?.__typename === 'TwoFactorError' && r.code === 'EMAIL_COOLDOWN') {
        setNotice('A code was sent to your verified address moments ago. Enter it, or ask for another once the button allows.');
      } else if (r?.__typename === 'TwoFactorError') {
        const p = intercept(problemFromCode(r.code, r.retryAfter, r.reason));
        setProblem(p && emailLimitSaid(p, deadline));
      } else setNotice('A code is on its way to your verified address. It is valid for 10 minutes.');
    } catch (error) {
      setProblem(intercept(toProblem(error)));
    }
    if (!automatic) refocus();
  }

  // E-mail codes as the only method (recovery codes aside): the code is sent at once, as people expect
  // of "a code each time you sign in"; with a choice, they ask for it. Once per form (a ref, so React's
  // development double run of effects does not send twice).
  const autoSent = useRef(false);
  const emailOnly = methods.filter((m) => m !== 'RECOVERY_CODE').join() === 'EMAIL';
  useEffect(() => {
    if (!emailOnly || autoSent.current) return;
    autoSent.current = true;
    void onSendCode(true);
  }, [emailOnly]);

  async function onSecurityKey() {
    setProblem(null);
    setBusy(true);
    try {
      const { data } = await askOptions();
      const optionsJSON = data?.webauthnAuthenticationOptions as unknown as Parameters<
        typeof startAuthentication
      >[0]['optionsJSON'];
      const assertion = await startAuthentication({ optionsJSON });
      setBusy(false);
      await run({ method: 'WEBAUTHN', webauthnResponse: assertion as unknown as Record<string, unknown> });
    } catch (error) {
      setBusy(false);
      setProblem(problemFromCeremony(error, 'sign-in') ?? intercept(toProblem(error)));
      refocus();
    }
  }

  // Recovery codes only: the usual method is held but cannot finish a sign-in now (the server offers
  // recovery codes only beside a method held), which the person looking for it is told.
  const recoveryOnly = methods.length === 1 && methods[0] === 'RECOVERY_CODE';

  return (
    <Stack gap="md">
      {recoveryOnly && (
        <Alert color="yellow" variant="light" role="status">
          Only a recovery code is asked for: your usual second factor cannot be used right now. A security key may be blocked as a
          possible copy, or e-mail codes may no longer be allowed for admins and sub-admins. Use one of your recovery codes, then
          set up another method on your Security page, or ask an administrator.
        </Alert>
      )}
      {methods.length > 1 && (
        <SegmentedControl
          aria-label="Second factor"
          fullWidth
          orientation={methods.length > 2 ? 'vertical' : 'horizontal'}
          value={method}
          onChange={(v) => {
            setMethod(v as TwoFactorMethod);
            setProblem(null);
            setNotice(null);
            setCode('');
          }}
          data={methods.map((m) => ({ value: m, label: METHOD_LABELS[m] }))}
        />
      )}
      {problem && (
        <Alert color="red" variant="light" role="alert">
          {problem.message}
        </Alert>
      )}
      {notice && (
        <Alert color="blue" variant="light" role="status">
          {notice}
        </Alert>
      )}
      {method === 'WEBAUTHN' ? (
        <>
          <Text size="sm">Use a security key, Touch ID, Windows Hello or a passkey registered to your account.</Text>
          {/* Focused when the dialog opens on it: Enter uses the key (not the dialog's close button). */}
          <Button
            ref={keyButton}
            onClick={() => void onSecurityKey()}
            loading={busy}
            data-autofocus
            autoFocus={appearing.current}
          >
            Use security key
          </Button>
        </>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)}>
          <Stack gap="sm">
            {method === 'EMAIL' && (
              <Button variant="light" onClick={() => void onSendCode()} loading={sendState.loading} disabled={sendWait > 0}>
                {sendWait > 0 ? `Send again in ${sendWait} s` : 'Send code by e-mail'}
              </Button>
            )}
            <TextInput
              ref={codeField}
              label={
                method === 'RECOVERY_CODE'
                  ? 'Recovery code'
                  : method === 'EMAIL'
                    ? 'Code from the e-mail'
                    : 'Code from your authenticator app'
              }
              description={
                method === 'RECOVERY_CODE' ? 'One of the codes you saved, e.g. ABCDE-FGHJK. Each works once.' : undefined
              }
              autoComplete="one-time-code"
              inputMode={method === 'RECOVERY_CODE' ? 'text' : 'numeric'}
              // Room for "123 456" as apps show it (spaces are dropped as typed or pasted).
              maxLength={method === 'RECOVERY_CODE' ? 16 : 12}
              required
              // Also when the form appears in a dialog already open (the re-authentication's second step).
              autoFocus={appearing.current}
              data-autofocus
              error={problem?.fieldErrors['code']}
              value={code}
              onChange={(e) => setCode(method === 'RECOVERY_CODE' ? e.currentTarget.value : withoutSpaces(e.currentTarget.value))}
            />
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
