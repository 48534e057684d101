import { useQuery } from '@apollo/client/react';
import { Alert, Anchor, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck, IconShieldSearch } from '@tabler/icons-react';
import { Link } from 'react-router';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { MailDeliveryCard } from '../features/mail/MailDeliveryCard';
import { OpenIncidentCountDocument } from '../features/security-incident/operations';
import { canReadIncidents, useViewer } from '../features/session/viewer';
import { holdsFactor } from '../features/two-factor/factors';

const HomePageDocument = graphql(`
  query HomePage {
    me {
      id
      name
      email
    }
    myTwoFactor {
      enabled
      allowedMethods
      recommendSecondMethod
      recoveryCodesRemaining
      required
      totpEnabled
      emailAddress
      webauthnCredentials {
        id
      }
    }
  }
`);

/** What the home page says of the viewer's own second factors, and what it asks them to do next. */
function twoFactorAdvice(tf: {
  enabled: boolean;
  allowedMethods: readonly unknown[];
  recommendSecondMethod: boolean;
  recoveryCodesRemaining: number;
  required: boolean;
  totpEnabled: boolean;
  emailAddress?: string | null;
  webauthnCredentials: readonly unknown[];
}): { tone: 'green' | 'orange' | 'red'; text: string; action: string | null } {
  // A factor held that cannot finish a sign-in now: not "off" (sign-ins still ask for a second step),
  // but each one costs a recovery code.
  if (!tf.enabled && holdsFactor(tf)) {
    return {
      tone: 'red',
      text: `Your second factor cannot be used now: each sign-in uses up a recovery code (${tf.recoveryCodesRemaining} left).`,
      action: 'Set up another method',
    };
  }
  if (!tf.enabled) {
    return {
      tone: tf.required ? 'red' : 'orange',
      text: tf.required
        ? 'Two-factor authentication is off, and a policy requires it for your account.'
        : 'Two-factor authentication is off: anyone who learns your password can sign in as you.',
      action: 'Set up two-factor authentication',
    };
  }
  if (tf.recoveryCodesRemaining <= 3) {
    return {
      tone: 'orange',
      text: `Two-factor authentication is on, but only ${tf.recoveryCodesRemaining} recovery code${tf.recoveryCodesRemaining === 1 ? '' : 's'} left.`,
      action: 'Make new recovery codes',
    };
  }
  if (tf.recommendSecondMethod) {
    return {
      tone: 'green',
      text: 'Two-factor authentication is on with one method. A second one keeps a lost device from locking you out.',
      action: 'Add a second method',
    };
  }
  return { tone: 'green', text: 'Two-factor authentication is on.', action: null };
}

export function Component() {
  usePageTitle('Home');
  // Fresh each visit: your factors or the system's 2FA settings may have changed elsewhere.
  const { data, error, refetch } = useQuery(HomePageDocument, { fetchPolicy: 'cache-and-network' });
  const viewer = useViewer();
  const mayRead = canReadIncidents(viewer);
  // Kept current by the live subscription in the app shell: no reload, no polling.
  const open = useQuery(OpenIncidentCountDocument, { skip: !mayRead }).data?.openIncidentCount;

  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>Home</Title>
      {mayRead && !!open && (
        <Alert color="red" variant="filled" icon={<IconAlertTriangle aria-hidden />} role="alert" data-testid="incident-banner">
          <Anchor component={Link} to="/security/incidents" c="white" fw={600} underline="always">
            New security incidents detected. Click here to check the Security page.
          </Anchor>
        </Alert>
      )}
      {viewer.role === 'ADMIN' && <MailDeliveryCard />}
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : (
        data.me && (
          <Text>
            Signed in as {data.me.name} ({data.me.email})
          </Text>
        )
      )}
      {data?.myTwoFactor && data.myTwoFactor.allowedMethods.length + (data.myTwoFactor.enabled ? 1 : 0) > 0 && (
        <TwoFactorCard advice={twoFactorAdvice(data.myTwoFactor)} />
      )}
      {mayRead && (
        <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="security-incidents-title">
          <Group gap="sm" mb="xs" wrap="nowrap">
            <ThemeIcon variant="light" color={open ? 'red' : 'gray'} aria-hidden>
              <IconShieldSearch size={18} />
            </ThemeIcon>
            <Title order={2} size="h4" id="security-incidents-title">
              Security incidents
            </Title>
          </Group>
          <Text size="sm" c="dimmed">
            {open === undefined
              ? 'Loading…'
              : open === 0
                ? 'No open incidents. This updates live when one is raised.'
                : `${open} open incident${open === 1 ? '' : 's'} waiting for review.`}{' '}
            <Anchor component={Link} to="/security/incidents" size="sm">
              View incidents
            </Anchor>
          </Text>
        </Card>
      )}
    </Stack>
  );
}

function TwoFactorCard({ advice }: { advice: ReturnType<typeof twoFactorAdvice> }) {
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      component="section"
      aria-labelledby="two-factor-title"
      data-testid="home-two-factor"
    >
      <Group gap="sm" mb="xs" wrap="nowrap">
        <ThemeIcon variant="light" color={advice.tone} aria-hidden>
          <IconShieldCheck size={18} />
        </ThemeIcon>
        <Title order={2} size="h4" id="two-factor-title">
          Your two-factor authentication
        </Title>
      </Group>
      <Text size="sm" c={advice.tone === 'green' ? 'dimmed' : undefined}>
        {advice.text}{' '}
        {advice.action && (
          <Anchor component={Link} to="/me/security" size="sm">
            {advice.action}
          </Anchor>
        )}
      </Text>
    </Card>
  );
}
