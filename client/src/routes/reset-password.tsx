import { useMutation } from '@apollo/client/react';
import { Alert, Button, Stack } from '@mantine/core';
import { PasswordField } from '../components/PasswordField';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import { PublicPage } from '../components/layout/PublicPage';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, toProblem } from '../features/errors/problem';

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword)
  }
`);

/** The `token` in a link's fragment (`#token=…`), or ''. */
const tokenIn = (hash: string): string => new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim() ?? '';

/** Sets a new password with the single-use link e-mailed after an admin forced a reset. */
export function Component() {
  usePageTitle('Set a new password');
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => tokenIn(location.hash));
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reset, { loading }] = useMutation(ResetPasswordDocument);

  // Out of the address bar once read; a newer link opened in this tab replaces the older one.
  useEffect(() => {
    if (!location.hash) return;
    const fromLink = tokenIn(location.hash);
    if (fromLink) setToken(fromLink);
    void navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  }, [location.hash, location.pathname, navigate]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      await reset({ variables: { token, newPassword: password } });
      setDone(true);
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  return (
    <PublicPage title="Set a new password">
      {done ? (
        <Stack>
          <Alert color="green">Your new password is set. Every earlier session was signed out.</Alert>
          <Button component={Link} to="/login">
            Sign in
          </Button>
        </Stack>
      ) : !token ? (
        <Alert color="red" role="alert">
          This link is incomplete. Open it again from the e-mail.
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <PasswordField
              label="New password"
              description="At least 12 characters, not your e-mail address."
              required
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={problem?.fieldErrors['password'] ?? problem?.fieldErrors['newPassword']}
            />
            {problem && Object.keys(problem.fieldErrors).length === 0 && (
              <Alert color="red" role="alert">
                {problem.message}
              </Alert>
            )}
            <Button type="submit" loading={loading}>
              Set password
            </Button>
          </Stack>
        </form>
      )}
    </PublicPage>
  );
}
