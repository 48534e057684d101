import { useQuery } from '@apollo/client/react';
import { Accordion, Alert, Code, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import { graphql } from '../__generated__';
import { FormattedDate } from '../components/FormattedDate';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';

const OutboxPageDocument = graphql(`
  query OutboxPage {
    devOutbox(limit: 100) {
      enabled
      messages {
        file
        to
        subject
        date
        text
      }
    }
  }
`);

/** Development only: the e-mails the product wrote to DATA_DIR/outbox because no SMTP server is set. */
export function Component() {
  usePageTitle('Outbox');
  const { data, error, refetch } = useQuery(OutboxPageDocument, { fetchPolicy: 'network-only', pollInterval: 0 });
  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  const { enabled, messages } = data.devOutbox;
  return (
    <Stack gap="lg" maw={1000}>
      <Group justify="space-between">
        <Title order={1}>Outbox (development)</Title>
      </Group>
      {!enabled ? (
        <Alert color="gray">
          The outbox page exists in development only, when no SMTP server is configured (<Code>SMTP_URL</Code>). Messages are sent
          by e-mail otherwise.
        </Alert>
      ) : messages.length === 0 ? (
        <EmptyState
          icon={<IconMail aria-hidden />}
          title="No messages yet"
          description="E-mails the product sends appear here."
        />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            No SMTP server is configured, so e-mails are written to the data folder instead of being sent. Newest first.
          </Text>
          <Accordion variant="separated" aria-label="Messages">
            {messages.map((m) => (
              <Accordion.Item key={m.file} value={m.file}>
                <Accordion.Control>
                  <Text fw={500}>{m.subject}</Text>
                  <Text size="xs" c="dimmed">
                    to {m.to} · <FormattedDate value={m.date} />
                  </Text>
                </Accordion.Control>
                <Accordion.Panel>
                  <Code block>{m.text}</Code>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        </>
      )}
    </Stack>
  );
}
