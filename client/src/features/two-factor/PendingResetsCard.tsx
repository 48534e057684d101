import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql } from '../../__generated__';
import { FormattedDate } from '../../components/FormattedDate';
import type { Viewer } from '../session/viewer';
import { useConfirm } from '../../components/useConfirm';
import { useReauthGuard } from './useReauthGuard';

const PendingResetsDocument = graphql(`
  query PendingTwoFactorResets {
    pendingTwoFactorResets {
      id
      createdAt
      expiresAt
      approvableByYou
      target {
        id
        email
      }
      requestedBy {
        id
        email
      }
    }
  }
`);

const ApproveResetDocument = graphql(`
  mutation ApproveTwoFactorReset($requestId: ID!) {
    approveTwoFactorReset(requestId: $requestId) {
      __typename
      ... on TwoFactorResetDone {
        account {
          id
          email
        }
      }
    }
  }
`);

/**
 * Admins only: resets of an admin's 2FA that wait for a second admin (lost device). Approving carries
 * the reset out (re-authentication first); the requester, the target and admins younger than a day
 * when it was asked for cannot approve.
 */
export function PendingResetsCard({ viewer }: { viewer: Viewer }) {
  const { data, refetch } = useQuery(PendingResetsDocument, { fetchPolicy: 'cache-and-network' });
  const { guard, modal } = useReauthGuard();
  const [approve, { loading }] = useMutation(ApproveResetDocument);
  const { confirm, modal: confirmModal } = useConfirm();
  const requests = data?.pendingTwoFactorResets ?? [];
  if (requests.length === 0) return modal;

  const doApprove = ({ id, email }: { id: string; email: string }) =>
    guard('Approve', async () => {
      try {
        const r = (await approve({ variables: { requestId: id }, refetchQueries: ['TwoFactorCompliancePage'] })).data
          ?.approveTwoFactorReset;
        if (r?.__typename === 'TwoFactorResetDone') {
          notifications.show({
            color: 'green',
            message: `Two-factor authentication of ${email} reset; they were signed out and e-mailed.`,
          });
        }
      } finally {
        // Also when refused (lapsed, or approved by another admin meanwhile): the list shows what is left.
        await refetch();
      }
    });

  return (
    <Card withBorder padding="lg" aria-label="Resets waiting for approval" component="section">
      <Title order={2} size="h4">
        Resets waiting for your approval
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        Resetting an admin’s two-factor authentication takes a second admin. Approve only a reset you have confirmed with the
        admin who asked for it: it removes every method of the account and signs it out everywhere.
      </Text>
      <Stack gap="sm" mt="md">
        {requests.map((r) => {
          const own = r.requestedBy.id === viewer.id || r.target.id === viewer.id;
          return (
            <Group key={r.id} justify="space-between" wrap="nowrap">
              <div>
                <Text size="sm">
                  <b>{r.target.email}</b>, asked by {r.requestedBy.email} on <FormattedDate value={r.createdAt} />
                </Text>
                <Text size="xs" c="dimmed">
                  Lapses <FormattedDate value={r.expiresAt} />
                </Text>
              </div>
              {own ? (
                <Alert variant="light" color="gray" p="xs">
                  {r.target.id === viewer.id
                    ? 'About your account: another admin approves.'
                    : 'You asked: another admin approves.'}
                </Alert>
              ) : !r.approvableByYou ? (
                <Alert variant="light" color="gray" p="xs">
                  Only an admin of at least a day when it was asked for can approve it.
                </Alert>
              ) : (
                <Button
                  color="red"
                  variant="light"
                  loading={loading}
                  onClick={() =>
                    confirm({
                      title: 'Approve the reset?',
                      body: `Every method and recovery code of ${r.target.email} is removed, all its sessions and API tokens end, and the holder is e-mailed. They set up two-factor authentication again at their next sign-in.`,
                      confirmLabel: 'Approve and reset',
                      onConfirm: () => void doApprove({ id: r.id, email: r.target.email }),
                    })
                  }
                >
                  Approve reset of {r.target.email}
                </Button>
              )}
            </Group>
          );
        })}
      </Stack>
      {confirmModal}
      {modal}
    </Card>
  );
}
