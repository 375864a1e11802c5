import { useCallback, useEffect, useMemo, useState } from 'react';
import { Header } from './components/Header.tsx';
import { Notice } from './components/Notice.tsx';
import { useI18n } from './i18n/index.tsx';
import { useDevTools } from './lib/devTools.ts';
import { HOME, SCREENS, mayOpen, type Screen } from './lib/roles.ts';
import { match, navigate, useLocation } from './lib/router.tsx';
import { loadSession, saveSession, type Session } from './lib/session.ts';
import { SessionContext, type SessionApi } from './lib/sessionContext.tsx';
import { AccessLogPage } from './pages/AccessLog.tsx';
import { ApplicationPage } from './pages/Application.tsx';
import { ApplicationsPage } from './pages/Applications.tsx';
import { PublicNoticePage } from './pages/PublicNotice.tsx';
import { ReviewTasksPage } from './pages/ReviewTasks.tsx';
import { CheckAwardPage } from './pages/CheckAward.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { FundsPage } from './pages/Funds.tsx';
import { HouseholdPage } from './pages/Household.tsx';
import { SchemaRegistryPage } from './pages/SchemaRegistry.tsx';
import { SearchPage } from './pages/Search.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import { SharingPage } from './pages/Sharing.tsx';
import { StatisticsPage } from './pages/Statistics.tsx';
import { WorklistPage } from './pages/Worklist.tsx';

function resolve(path: string): { screen: Screen; params: Record<string, string> } | null {
  for (const [screen, { path: pattern }] of Object.entries(SCREENS)) {
    const params = match(pattern, path);
    if (params) return { screen: screen as Screen, params };
  }
  return null;
}

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const dev = useDevTools();
  const loc = useLocation();

  const signIn = useCallback((s: Session) => {
    saveSession(s);
    setSession(s);
    setExpired(false);
    if (loc.path === '/' || !resolve(loc.path)) navigate(HOME[s.claims.role], { replace: true });
  }, [loc.path]);
  const api = useMemo<SessionApi | null>(
    () =>
      session && {
        session,
        signOut: (reason) => {
          saveSession(null);
          setSession(null);
          setExpired(reason === 'expired');
        },
        setPurpose: (purpose) => {
          const next = { ...session, purpose };
          saveSession(next);
          setSession(next);
        },
      },
    [session],
  );

  useEffect(() => {
    if (session && loc.path === '/') navigate(HOME[session.claims.role], { replace: true });
  }, [session, loc.path]);

  if (!api) return <SignInPage onSignIn={signIn} expired={expired} dev={dev} />;
  const route = resolve(loc.path);
  let page;
  if (!route) page = loc.path === '/' ? null : <Notice kind="info" title={t('notFound.title')}>{t('notFound.body')}</Notice>;
  else if (!mayOpen(route.screen, api.session.claims.role)) page = <Notice kind="forbidden" title={t('forbidden.title')}>{t('forbidden.role')}</Notice>;
  else {
    switch (route.screen) {
      case 'search': page = <SearchPage />; break;
      case 'worklist': page = <WorklistPage />; break;
      case 'household': page = <HouseholdPage id={route.params.id!} />; break;
      case 'check': page = <CheckAwardPage />; break;
      case 'dashboard': page = <DashboardPage />; break;
      case 'statistics': page = <StatisticsPage />; break;
      case 'accessLog': page = <AccessLogPage />; break;
      case 'schemas': page = <SchemaRegistryPage />; break;
      case 'funds': page = <FundsPage />; break;
      case 'sharing': page = <SharingPage />; break;
      case 'applications': page = <ApplicationsPage />; break;
      case 'application': page = <ApplicationPage id={route.params.id!} />; break;
      case 'notice': page = <PublicNoticePage />; break;
      case 'reviewTasks': page = <ReviewTasksPage />; break;
    }
  }
  return (
    <SessionContext.Provider value={api}>
      <a className="skip-link" href="#main">{t('a11y.skip')}</a>
      <Header current={route?.screen ?? null} dev={dev} />
      <main id="main" tabIndex={-1}>{page}</main>
    </SessionContext.Provider>
  );
}
