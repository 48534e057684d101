import { Badge, Button, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { type FragmentType, getFragmentData, graphql } from '../../__generated__';
import { FormattedDate } from '../../components/FormattedDate';

export const SessionRowFragmentDoc = graphql(`
  fragment SessionRow on SessionInfo {
    id
    createdAt
    lastSeenAt
    ip
    userAgent
    current
    stage
  }
`);

interface SessionsTableProps {
  sessions: readonly FragmentType<typeof SessionRowFragmentDoc>[];
  /** Id of the session being revoked, to show its button busy. */
  revokingId: string | null;
  onRevoke: (session: { id: string; current: boolean }) => void;
}

export function SessionsTable({ sessions, revokingId, onRevoke }: SessionsTableProps) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped verticalSpacing="sm" aria-label="Sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Device</Table.Th>
            <Table.Th scope="col">IP address</Table.Th>
            <Table.Th scope="col">Signed in</Table.Th>
            <Table.Th scope="col">Last seen</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.map((ref) => {
            const session = getFragmentData(SessionRowFragmentDoc, ref);
            return (
              <Table.Tr key={session.id}>
                <Table.Td maw={360}>
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Text size="sm" lineClamp={2} title={session.userAgent ?? undefined} style={{ wordBreak: 'break-word' }}>
                      {session.userAgent ?? 'Unknown device'}
                    </Text>
                    {session.current && (
                      <Badge color="green" variant="light" style={{ flexShrink: 0 }}>
                        This device
                      </Badge>
                    )}
                    {session.stage === 'PENDING_SECOND_FACTOR' && (
                      <Badge color="yellow" variant="light" style={{ flexShrink: 0 }}>
                        Second step pending
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {session.ip}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <FormattedDate value={session.createdAt} />
                </Table.Td>
                <Table.Td>
                  <FormattedDate value={session.lastSeenAt} />
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="default"
                    color="red"
                    loading={revokingId === session.id}
                    onClick={() => onRevoke({ id: session.id, current: session.current })}
                    // Named for its row, so that a screen reader's list of buttons tells them apart.
                    aria-label={
                      session.current
                        ? 'Revoke the session of this device (signs you out)'
                        : `Revoke session: ${session.userAgent ?? 'Unknown device'}, ${session.ip}`
                    }
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
