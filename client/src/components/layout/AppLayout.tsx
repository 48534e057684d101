import { AppShell, Badge, Burger, Group, Loader, NavLink, Stack, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import {
  IconAdjustments,
  IconBan,
  IconDevices,
  IconHistory,
  IconHome,
  IconKey,
  IconReportAnalytics,
  IconListDetails,
  IconLock,
  IconMapPin,
  IconShieldCheck,
  IconUsers,
  IconAlertTriangle,
  IconMail,
  IconUserShield,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link, Outlet, useMatch, useNavigation } from 'react-router';
import { ROLE_LABELS } from '../../features/account/labels';
import { SignOutButton } from '../../features/session/SignOutButton';
import { useIncidentFeed } from '../../features/security-incident/useIncidentFeed';
import {
  canManageIps,
  canManageSettings,
  canManageUsers,
  canReadAudit,
  canReadIncidents,
  useViewer,
  type Viewer,
} from '../../features/session/viewer';
import classes from './AppLayout.module.css';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;
  visible: (viewer: Viewer) => boolean;
}

const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Home', icon: IconHome, visible: () => true },
  { to: '/security/incidents', label: 'Incidents', icon: IconAlertTriangle, visible: canReadIncidents },
  { to: '/users', label: 'Users', icon: IconUsers, visible: canManageUsers },
  {
    to: '/sub-admins',
    label: 'Sub-admins',
    icon: IconUserShield,
    visible: (v) => v.role === 'ADMIN' || (v.role === 'SUB_ADMIN' && v.permissions.includes('MANAGE_SUB_ADMINS')),
  },
  { to: '/sessions', label: 'My sessions', icon: IconDevices, visible: () => true },
  { to: '/me/security', label: 'Security', icon: IconKey, visible: () => true },
  { to: '/me/logins', label: 'My login history', icon: IconHistory, visible: () => true },
  { to: '/me/access-list', label: 'My IP access list', icon: IconLock, visible: (v) => v.role !== 'USER' },
  { to: '/security/blocked-ips', label: 'Blocked IPs', icon: IconBan, visible: canManageIps },
  { to: '/security/trusted-ips', label: 'Safe & trusted IPs', icon: IconShieldCheck, visible: canManageIps },
  { to: '/security/named-locations', label: 'Named locations', icon: IconMapPin, visible: canManageIps },
  { to: '/security/two-factor', label: '2FA compliance', icon: IconReportAnalytics, visible: canManageUsers },
  { to: '/security/settings', label: 'Protection settings', icon: IconAdjustments, visible: canManageSettings },
  { to: '/audit', label: 'Audit log', icon: IconListDetails, visible: canReadAudit },
  // Development builds only (Vite dev server); the page itself explains when the outbox is off.
  { to: '/dev/outbox', label: 'Outbox (dev)', icon: IconMail, visible: (v) => import.meta.env.DEV && v.role === 'ADMIN' },
];

const NAVBAR_BREAKPOINT = 'sm';

/** The signed-in frame: header (product, account, Sign out), navigation, and the page. */
export function AppLayout() {
  const viewer = useViewer();
  const [opened, { toggle, close }] = useDisclosure(false);
  const isPhone = useMediaQuery('(max-width: 48em)', false) ?? false;
  const navigation = useNavigation();
  const { openCount } = useIncidentFeed(canReadIncidents(viewer));

  function onNavigate() {
    close();
    // On phones the navigation closes (and turns inert) under the focused link: continue in the page.
    if (isPhone) requestAnimationFrame(() => document.getElementById('main')?.focus());
  }

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: NAVBAR_BREAKPOINT, collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a
        href="#main"
        className={classes.skipLink}
        onClick={(event) => {
          // Move focus without a fragment navigation, which the router would record as a new location.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom={NAVBAR_BREAKPOINT}
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <ThemeIcon variant="light" size="lg" aria-hidden>
              <IconShieldCheck size={20} />
            </ThemeIcon>
            <Text fw={700} size="lg" component={Link} to="/" c="inherit" style={{ textDecoration: 'none', whiteSpace: 'nowrap' }}>
              Security Center
            </Text>
            {navigation.state !== 'idle' && <Loader size="xs" aria-label="Loading page" />}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Group gap={6} visibleFrom={NAVBAR_BREAKPOINT} wrap="nowrap">
              <VisuallyHidden>Signed in as</VisuallyHidden>
              <Text size="sm" fw={500}>
                {viewer.name}
              </Text>
              <Badge variant="light">{ROLE_LABELS[viewer.role]}</Badge>
            </Group>
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar id="main-navigation" p="sm" aria-label="Main" inert={isPhone && !opened}>
        <AppShell.Section grow>
          {NAV_ITEMS.filter((item) => item.visible(viewer)).map((item) => (
            <NavItemLink
              key={item.to}
              item={item}
              onNavigate={onNavigate}
              badge={item.to === '/security/incidents' && openCount ? openCount : undefined}
            />
          ))}
        </AppShell.Section>
        <AppShell.Section hiddenFrom={NAVBAR_BREAKPOINT}>
          <Stack gap={4} p="sm">
            <Text size="xs" c="dimmed">
              Signed in as
            </Text>
            <Group gap={6}>
              <Text size="sm" fw={500}>
                {viewer.name}
              </Text>
              <Badge variant="light">{ROLE_LABELS[viewer.role]}</Badge>
            </Group>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function NavItemLink({ item, onNavigate, badge }: { item: NavItem; onNavigate: () => void; badge?: number | undefined }) {
  const active = useMatch({ path: item.to, end: true }) !== null;
  const Icon = item.icon;
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={item.label}
      leftSection={<Icon size={18} aria-hidden />}
      rightSection={
        badge ? (
          <Badge color="red" size="sm" circle={badge < 10} aria-label={`${badge} open`} data-testid="open-incidents-badge">
            {badge}
          </Badge>
        ) : undefined
      }
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
    />
  );
}
