import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { PasswordField } from '../../components/PasswordField';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
import { useSetupFirstAdminMutation } from './useSetupFirstAdminMutation';

interface SetupFormProps {
  /** Token taken from the setup link's fragment; when absent the form asks for it. */
  tokenFromLink: string | null;
  onSuccess: () => void;
}

const MISMATCH = 'The passwords do not match.';

/** The first-admin form: name, e-mail, password twice, and the one-time token. */
export function SetupForm({ tokenFromLink, onSuccess }: SetupFormProps) {
  const [setup, { loading }] = useSetupFirstAdminMutation();
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const visibleFields = new Set(['name', 'email', 'password', ...(tokenFromLink ? [] : ['token'])]);
  const fieldErrors = problem?.fieldErrors ?? {};
  const tokenProblem = problem?.code === 'SETUP_TOKEN_INVALID' && !tokenFromLink;
  const showAlert =
    problem !== null &&
    !tokenProblem &&
    (problem.code !== 'BAD_USER_INPUT' || !Object.keys(fieldErrors).some((f) => visibleFields.has(f)));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    try {
      const result = await setup({ token: tokenFromLink ?? token.trim(), name, email, password });
      if (result.__typename === 'SetupSuccess') onSuccess();
      else setProblem(problemFromCode(result.code));
    } catch (error) {
      setProblem(toProblem(error));
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <Stack gap="md">
        {showAlert && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
            {problem.code === 'SETUP_ALREADY_DONE' && (
              <>
                {' '}
                <Anchor component={Link} to="/login" inherit>
                  Go to sign in
                </Anchor>
              </>
            )}
          </Alert>
        )}
        {!tokenFromLink && (
          <TextInput
            label="Setup token"
            description="Printed on the server console at first start: the part after #token= in the setup link."
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
            error={tokenProblem ? problem.message : fieldErrors['token']}
          />
        )}
        <TextInput
          label="Name"
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldErrors['name']}
        />
        <TextInput
          label="E-mail"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldErrors['email']}
        />
        <PasswordField
          label="Password"
          description="At least 12 characters, and not your e-mail address."
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldErrors['password']}
        />
        <PasswordField
          label="Confirm password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => {
            setConfirm(e.currentTarget.value);
            if (mismatch) setMismatch(false);
          }}
          error={mismatch ? MISMATCH : undefined}
        />
        <Button type="submit" loading={loading}>
          Create admin
        </Button>
      </Stack>
    </form>
  );
}
