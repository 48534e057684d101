import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import type { TwoFactorMethod } from '../../__generated__/graphql';
import { SecondFactorModal } from '../two-factor/SecondFactorModal';
import { PasswordField } from '../../components/PasswordField';
import { ipBlockedProblem, type Problem, problemFromCode, timeOfDay, toProblem } from '../errors/problem';
import { useLoginMutation } from './useLoginMutation';
import { setSignInStartedHere, signInDeadline } from './signInStartedHere';
import { forgetSignInEnded, rememberSignInEnded, signInEndedReason } from './signInEnded';
import { useLogoutMutation } from './useLogoutMutation';

/** The sign-in pop-up just went (cancelled, or its sign-in ended): the next form drawn takes the keyboard focus. */
let focusFormWhenDrawn = false;

/**
 * Cancelling a waiting sign-in that did not reach the server: it may still be waiting there (until
 * `expiresAt`). This page no longer counts as the one that started it, so a reload ends it.
 */
function cancelNotReached(expiresAt: string | null): Problem {
  return {
    code: 'NETWORK',
    fieldErrors: {},
    message: `Cancelling the sign-in did not reach the server, so it may still be waiting there${
      expiresAt ? ` until ${timeOfDay(expiresAt)}` : ''
    }. Check your connection, then reload this page: that ends it.`,
  };
}

/** E-mail + password sign-in. Calls onSuccess once the new session's data is in the cache. */
export function LoginForm({ onSuccess, initialMethods }: { onSuccess: () => void; initialMethods?: TwoFactorMethod[] | null }) {
  const [login, { loading }] = useLoginMutation();
  const [logout] = useLogoutMutation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(signInEndedReason);
  // The second step's methods, and when its sign-in ends (shown again on coming back: as remembered).
  const [secondStep, setSecondStep] = useState<{ methods: TwoFactorMethod[]; expiresAt: string | null } | null>(() =>
    initialMethods ? { methods: initialMethods, expiresAt: signInDeadline() } : null,
  );
  const navigate = useNavigate();
  // The pop-up gone (cancelled, or its sign-in ended), the keyboard focus goes back to the form's start,
  // not to the page: the button that opened the pop-up is the form's own.
  // (The form may be drawn anew once the app sees the session gone: it then takes the focus as it mounts.)
  const emailField = useRef<HTMLInputElement>(null);
  const focusEmailSoon = () => {
    focusFormWhenDrawn = true;
    requestAnimationFrame(() => emailField.current?.focus());
  };
  useEffect(() => {
    if (!focusFormWhenDrawn) return;
    focusFormWhenDrawn = false;
    emailField.current?.focus();
  }, []);
  const fieldErrors = problem?.fieldErrors ?? {};
  const showAlert = problem !== null && (problem.code !== 'BAD_USER_INPUT' || !(fieldErrors['email'] ?? fieldErrors['password']));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    forgetSignInEnded();
    try {
      const result = await login({ email, password });
      if (result.__typename === 'LoginSuccess') {
        onSuccess();
      } else if (result.__typename === 'SecondFactorRequired') {
        setSignInStartedHere(true, result.expiresAt);
        setPassword('');
        setSecondStep({ methods: result.methods, expiresAt: result.expiresAt });
      } else if (result.__typename === 'TwoFactorEnrollmentRequired') {
        setSignInStartedHere(true, result.expiresAt);
        void navigate('/enroll-2fa', { replace: true });
      } else if (result.__typename === 'IpBlockedError') {
        // A block by hand has no end: no "try again later" then.
        setProblem(ipBlockedProblem(result.until));
        setPassword('');
      } else {
        setProblem(problemFromCode(result.code));
        setPassword('');
      }
    } catch (error) {
      setProblem(toProblem(error));
    }
  }

  return (
    <>
      {secondStep && (
        <SecondFactorModal
          methods={secondStep.methods}
          expiresAt={secondStep.expiresAt}
          onMethods={(methods) => setSecondStep((s) => s && { ...s, methods })}
          onSuccess={onSuccess}
          onCancel={() => {
            // The waiting sign-in ends on the server too: a reload of /login must not bring it back.
            setSecondStep(null);
            focusEmailSoon();
            void logout().catch(() => setProblem(cancelNotReached(secondStep.expiresAt)));
          }}
          onEnded={(ended) => {
            setSecondStep(null);
            setProblem(ended);
            focusEmailSoon();
            // Said again by the form drawn anew once the app sees the session gone.
            rememberSignInEnded(ended);
            void logout().catch(() => setProblem(cancelNotReached(secondStep.expiresAt)));
          }}
        />
      )}
      <form onSubmit={(e) => void onSubmit(e)}>
        <Stack gap="md">
          {showAlert && (
            <Alert color="red" variant="light" role="alert">
              {problem.message}
            </Alert>
          )}
          <TextInput
            ref={emailField}
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldErrors['email']}
          />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldErrors['password']}
          />
          <Button type="submit" loading={loading}>
            Sign in
          </Button>
        </Stack>
      </form>
    </>
  );
}
