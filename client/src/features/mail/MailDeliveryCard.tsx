import { useQuery } from '@apollo/client/react';
import { Alert, List, Stack, Text, Title } from '@mantine/core';
import { IconMailExclamation } from '@tabler/icons-react';
import { graphql } from '../../__generated__';
import { FormattedDate } from '../../components/FormattedDate';

export const MailDeliveryDocument = graphql(`
  query MailDelivery {
    mailDelivery(limit: 10) {
      waiting
      givenUp
      messages {
        to
        subject
        queuedAt
        attempts
        lastError
        nextAttemptAt
        givenUpAt
      }
    }
  }
`);

/**
 * For admins, on the home page: notification e-mails (incident alerts among them) the mail server has
 * not taken, so that nobody relies on an alert that never arrived. Nothing when all got through.
 */
export function MailDeliveryCard() {
  const { data, error } = useQuery(MailDeliveryDocument, { fetchPolicy: 'cache-and-network' });
  const delivery = data?.mailDelivery;
  if (!delivery && error) {
    // Not knowing is not "all delivered".
    return (
      <Alert color="gray" icon={<IconMailExclamation aria-hidden />} role="status" data-testid="mail-delivery">
        Could not check whether notification e-mails are getting through. Reload to try again.
      </Alert>
    );
  }
  if (!delivery || (delivery.waiting === 0 && delivery.givenUp === 0)) return null;
  const unlisted = delivery.waiting + delivery.givenUp - delivery.messages.length;
  const parts = [
    delivery.waiting > 0 && `${delivery.waiting} waiting to be tried again`,
    delivery.givenUp > 0 && `${delivery.givenUp} given up in the last week`,
  ].filter(Boolean);
  return (
    <Alert
      color="orange"
      icon={<IconMailExclamation aria-hidden />}
      title={
        <Title order={2} size="h5" id="mail-delivery-title">
          Notification e-mails are not getting through
        </Title>
      }
      role="region"
      aria-labelledby="mail-delivery-title"
      data-testid="mail-delivery"
    >
      <Stack gap="xs">
        <Text size="sm">
          {parts.join('; ')}. Check the mail server settings (SMTP_URL) and the server log; the people below may not have been
          told.
        </Text>
        <List size="sm" spacing={4}>
          {delivery.messages.map((m, i) => (
            <List.Item key={`${m.queuedAt}-${i}`}>
              <Text span size="sm" fw={600}>
                {m.subject ?? '(unreadable)'}
              </Text>{' '}
              to {m.to ?? '(unreadable)'}, queued <FormattedDate value={m.queuedAt} />:{' '}
              {m.givenUpAt ? (
                <>
                  given up <FormattedDate value={m.givenUpAt} />
                </>
              ) : (
                <>
                  {m.attempts} failed {m.attempts === 1 ? 'try' : 'tries'}, next <FormattedDate value={m.nextAttemptAt} />
                </>
              )}
              {m.lastError && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  (the server answered: {m.lastError})
                </Text>
              )}
            </List.Item>
          ))}
        </List>
        {unlisted > 0 && (
          <Text size="xs" c="dimmed">
            And {unlisted} more.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
