import { Center, Container, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** Frame of the signed-out pages (sign-in, setup): the product name and one centred card. */
export function PublicPage({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Center mih="100dvh" p="md" component="main">
      <Container size={440} w="100%" px={0}>
        <Stack gap="lg">
          <Group gap="sm" justify="center">
            <ThemeIcon variant="light" size="xl" radius="xl" aria-hidden>
              <IconShieldCheck size={26} />
            </ThemeIcon>
            <Text fw={700} size="xl">
              Security Center
            </Text>
          </Group>
          <Paper withBorder shadow="sm" radius="md" p={{ base: 'md', xs: 'xl' }}>
            <Stack gap="md">
              <div>
                <Title order={1} size="h2">
                  {title}
                </Title>
                {description && (
                  <Text c="dimmed" size="sm" mt={4}>
                    {description}
                  </Text>
                )}
              </div>
              {children}
            </Stack>
          </Paper>
        </Stack>
      </Container>
    </Center>
  );
}
