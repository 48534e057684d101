import { useMutation } from '@apollo/client/react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import type { HolderResponse } from '../__generated__/graphql';
import { PublicPage } from '../components/layout/PublicPage';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, toProblem } from '../features/errors/problem';

const RespondDocument = graphql(`
  mutation RespondToIncident($token: String!) {
    respondToIncident(token: $token) {
      answer
    }
  }
`);

/** The `token` in a link's fragment (`#token=…`), or ''. */
const tokenIn = (hash: string): string => new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim() ?? '';
/** The answer the link names (`&answer=confirmed|denied`), for display only: the token decides. */
const answerIn = (hash: string): HolderResponse | null => {
  const a = new URLSearchParams(hash.replace(/^#/, '')).get('answer')?.trim().toUpperCase();
  return a === 'CONFIRMED' || a === 'DENIED' ? a : null;
};
const ANSWER_LABELS: Record<HolderResponse, string> = { CONFIRMED: 'It was me', DENIED: 'This wasn’t me' };

/**
 * Where the links in the account holder's incident e-mail lead. The token is only sent after a click
 * here (not on page load), so mail scanners that open links cannot answer for the holder.
 */
export function Component() {
  usePageTitle('Was this you?');
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => tokenIn(location.hash));
  const [named, setNamed] = useState(() => answerIn(location.hash));
  const [answer, setAnswer] = useState<HolderResponse | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [respond, { loading }] = useMutation(RespondDocument);

  // The token is a credential: out of the address bar (history, bookmarks) once read. A second link
  // opened in this tab (the other answer, say) replaces the first: the page answers what was opened last.
  useEffect(() => {
    if (!location.hash) return;
    const fromLink = tokenIn(location.hash);
    if (fromLink) {
      setToken(fromLink);
      setNamed(answerIn(location.hash));
      setAnswer(null);
      setProblem(null);
    }
    void navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  }, [location.hash, location.pathname, navigate]);

  async function confirm() {
    setProblem(null);
    try {
      const r = await respond({ variables: { token } });
      setAnswer(r.data?.respondToIncident.answer ?? null);
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  return (
    <PublicPage
      title="Sign-ins from several places"
      description="Your answer goes to the administrators, who make the final decision."
    >
      {answer === 'CONFIRMED' ? (
        <Alert color="green">Thank you. We told the administrators it was you.</Alert>
      ) : answer === 'DENIED' ? (
        <Alert color="red">
          The administrators have been alerted. Change your password now if you can still sign in, and check your security
          settings.
        </Alert>
      ) : !token ? (
        <Alert color="red">{'This link is incomplete. Open it again from the e-mail.'}</Alert>
      ) : (
        <Stack>
          <Text size="sm">
            {named ? (
              <>
                You are answering <strong>“{ANSWER_LABELS[named]}”</strong>. If that is not what you meant, close this page and
                open the other link in the e-mail.{' '}
              </>
            ) : null}
            Press the button to send your answer. Either link works once, and using one ends both.
          </Text>
          {problem && <Alert color="red">{problem.message}</Alert>}
          <Group>
            <Button loading={loading} color={named === 'DENIED' ? 'red' : undefined} onClick={() => void confirm()}>
              {named ? `Send “${ANSWER_LABELS[named]}”` : 'Send my answer'}
            </Button>
          </Group>
        </Stack>
      )}
    </PublicPage>
  );
}
