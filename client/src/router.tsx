import { createBrowserRouter } from 'react-router';
import { AppLayout } from './components/layout/AppLayout';
import { PageLoader } from './components/PageLoader';
import { RouteError } from './components/RouteError';
import { GuestOnly } from './features/session/GuestOnly';
import { RequireAuth } from './features/session/RequireAuth';

/**
 * Every page is its own chunk (route `lazy`): the first load carries only the shell, the guards
 * and the page being opened. Guards and layout are small and shared, so they stay in the entry.
 */
export const router = createBrowserRouter([
  {
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoader fullHeight />,
    children: [
      { path: '/setup', lazy: () => import('./routes/setup') },
      { path: '/enroll-2fa', lazy: () => import('./routes/enroll-2fa') },
      { path: '/incident-response', lazy: () => import('./routes/incident-response') },
      { path: '/reset-password', lazy: () => import('./routes/reset-password') },
      {
        element: <GuestOnly />,
        children: [{ path: '/login', lazy: () => import('./routes/login') }],
      },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, lazy: () => import('./routes/home') },
              { path: '/users', lazy: () => import('./routes/users') },
              { path: '/users/:id', lazy: () => import('./routes/account') },
              { path: '/sub-admins', lazy: () => import('./routes/sub-admins') },
              { path: '/users/:id/access-list', lazy: () => import('./routes/access-list') },
              { path: '/sessions', lazy: () => import('./routes/sessions') },
              { path: '/me/logins', lazy: () => import('./routes/my-logins') },
              { path: '/me/access-list', lazy: () => import('./routes/access-list') },
              { path: '/me/security', lazy: () => import('./routes/security') },
              { path: '/security/two-factor', lazy: () => import('./routes/two-factor-report') },
              { path: '/security/incidents', lazy: () => import('./routes/incidents') },
              { path: '/security/incidents/:id', lazy: () => import('./routes/incident') },
              { path: '/incidents/:id', lazy: () => import('./routes/incident') },
              { path: '/security/blocked-ips', lazy: () => import('./routes/blocked-ips') },
              { path: '/security/trusted-ips', lazy: () => import('./routes/trusted-ips') },
              { path: '/security/named-locations', lazy: () => import('./routes/named-locations') },
              { path: '/security/settings', lazy: () => import('./routes/protection-settings') },
              { path: '/audit', lazy: () => import('./routes/audit') },
              { path: '/dev/outbox', lazy: () => import('./routes/outbox') },
            ],
          },
        ],
      },
      { path: '*', lazy: () => import('./routes/not-found') },
    ],
  },
]);
