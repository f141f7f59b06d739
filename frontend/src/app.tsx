import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { lazy, Suspense, type ReactNode } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { useAccess, useAuth } from './auth/auth-context';
import { SignIn } from './auth/sign-in';
import { VersionFooter } from './common/version-footer';
import { strings } from './strings';

// Each page is its own chunk: the initial JavaScript carries the shell and sign-in only.
const Dashboard = lazy(() => import('./pages/dashboard'));
const ProtectionGroups = lazy(() => import('./pages/protection-groups'));
const ProtectionGroupEdit = lazy(() => import('./pages/protection-group-edit'));
const RecoveryPlans = lazy(() => import('./pages/recovery-plans'));
const RecoveryPlanEdit = lazy(() => import('./pages/recovery-plan-edit'));
const ExecutionLive = lazy(() => import('./pages/execution'));
const History = lazy(() => import('./pages/history'));
const Report = lazy(() => import('./pages/report'));
const Settings = lazy(() => import('./pages/settings'));

const NAV = [
  { type: 'link' as const, text: strings.nav.dashboard, href: '/' },
  { type: 'link' as const, text: strings.nav.protectionGroups, href: '/protection-groups' },
  { type: 'link' as const, text: strings.nav.recoveryPlans, href: '/recovery-plans' },
  { type: 'link' as const, text: strings.nav.history, href: '/history' },
  { type: 'divider' as const },
  { type: 'link' as const, text: strings.nav.settings, href: '/settings' },
];

function activeHref(pathname: string): string {
  const match = NAV.filter(item => item.type === 'link' && item.href !== '/' && pathname.startsWith(item.href));
  const first = match[0];
  if (first && first.type === 'link') return first.href;
  return pathname.startsWith('/executions') ? '/history' : '/';
}

function Shell({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const { signOut } = useAuth();
  const access = useAccess();
  return (
    <>
      <div id="top-nav" className="no-print">
        <TopNavigation
          identity={{ href: '/', title: strings.appName, onFollow: e => (e.preventDefault(), navigate('/')) }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: access.username,
              description: access.role,
              iconName: 'user-profile',
              items: [
                { id: 'settings', text: strings.nav.settings },
                { id: 'signout', text: strings.nav.signOut },
              ],
              onItemClick: ({ detail }) => {
                if (detail.id === 'signout') void signOut();
                else navigate('/settings');
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        footerSelector="#app-footer"
        toolsHide
        ariaLabels={{ navigation: strings.nav.navigation }}
        navigation={
          <SideNavigation
            header={{ href: '/', text: strings.appName }}
            activeHref={activeHref(location.pathname)}
            items={NAV}
            onFollow={event => {
              event.preventDefault();
              navigate(event.detail.href);
            }}
          />
        }
        content={<Suspense fallback={<Spinner size="large" />}>{children}</Suspense>}
      />
      <VersionFooter />
    </>
  );
}

export function App() {
  const { session, loading } = useAuth();
  if (loading) return <Spinner size="large" />;
  if (!session) return <SignIn />;
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Dashboard />} />
        <Route path="/protection-groups" element={<ProtectionGroups />} />
        <Route path="/protection-groups/new" element={<ProtectionGroupEdit />} />
        <Route path="/protection-groups/:id" element={<ProtectionGroupEdit />} />
        <Route path="/recovery-plans" element={<RecoveryPlans />} />
        <Route path="/recovery-plans/new" element={<RecoveryPlanEdit />} />
        <Route path="/recovery-plans/:id" element={<RecoveryPlanEdit />} />
        <Route path="/executions/:id" element={<ExecutionLive />} />
        <Route path="/history" element={<History />} />
        <Route path="/history/:id" element={<Report />} />
        <Route path="/settings" element={<Settings />} />
        <Route path="*" element={<Dashboard />} />
      </Routes>
    </Shell>
  );
}
