// The frame of an app page (Hollowtown, HowToCookAtHome, Family Planner): a public landing page,
// views that need a session, and the sign-in round trip through the account console.

import { type ReactNode, StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import type { RequestOptions } from './api.ts';
import {
  type Brand,
  Button,
  ButtonLink,
  ErrorMessage,
  Layout,
  Loading,
  type NavItem,
} from './components.tsx';
import { type PageConfig, readConfig, type WebApp } from './config.ts';
import { describeError } from './errors.ts';
import { useSession } from './hooks.ts';
import { DEFAULT_PLANS, Landing, type LandingContent, usePlans } from './landing.tsx';
import { forgetOfflineData, registerOfflineWorker } from './offline.ts';
import { hrefTo, navigate, useRoute } from './router.tsx';
import { type Account, createSession, type Session } from './session.ts';
import { completeSignIn, startSignIn } from './sso.ts';

export interface ViewProps {
  config: PageConfig;
  session: Session;
  user: Account | undefined;
  params: URLSearchParams;
  /** This app's API, with the session's token: api('/api/recipes'). */
  api: <T>(path: string, options?: RequestOptions) => Promise<T>;
  /** Where a view lives: href('recipes', { id }). */
  href: (view: string, params?: Record<string, string | number | undefined>) => string;
}

export interface AppDefinition {
  app: WebApp;
  brand: Brand;
  nav: readonly NavItem[];
  landing: LandingContent;
  views: Record<string, (props: ViewProps) => ReactNode>;
  /** Installable and usable offline (a manifest and a service worker, web/build.ts). */
  offline?: boolean;
}

function UserMenu({
  config,
  session,
  user,
}: {
  config: PageConfig;
  session: Session | null;
  user?: Account;
}) {
  if (!session || (!user && !session.read())) {
    return (
      <Button small onClick={() => void startSignIn(config)}>
        Sign in
      </Button>
    );
  }
  const signOut = async () => {
    navigate(`${config.base}/`);
    await Promise.all([session.signOut(), forgetOfflineData(config)]);
  };

  return (
    <>
      <span>
        Signed in as <strong>{user?.display_name ?? user?.username ?? '…'}</strong>
      </span>
      <a href={config.account}>Account</a>
      <Button small variant="secondary" onClick={() => void signOut()}>
        Sign out
      </Button>
    </>
  );
}

/** The landing page as a signed-out visitor first sees it (also rendered at build time). */
export function LandingFrame({ def, config }: { def: AppDefinition; config: PageConfig }) {
  return (
    <Layout
      config={config}
      brand={def.brand}
      nav={[]}
      current=""
      bare
      user={<UserMenu config={config} session={null} />}
    >
      <Landing content={def.landing} plans={DEFAULT_PLANS} signedIn={false} />
    </Layout>
  );
}

function NotFound({ config }: { config: PageConfig }) {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <a href={`${config.base}/`}>Back to the start</a>
      </p>
    </>
  );
}

function AppRoot({ def, config, session }: { def: AppDefinition; config: PageConfig; session: Session }) {
  const route = useRoute(config.base);
  const stored = useSession(session);
  const plans = usePlans(config);
  const [completing, setCompleting] = useState(() => /[?&](code|error)=/.test(location.search));
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    if (!completing) return;
    completeSignIn(config, session).then(
      (outcome) => {
        if (outcome?.error) setMessage(outcome.error);
        navigate(outcome?.returnTo ?? `${config.base}/`, { replace: true });
        setCompleting(false);
      },
      (error) => {
        setMessage(describeError(error));
        navigate(`${config.base}/`, { replace: true });
        setCompleting(false);
      },
    );
  }, [completing, config, session]);

  // Identity checks the session itself, so a sign-out elsewhere shows here at once.
  const sessionId = stored?.session_id ?? stored?.refresh_token;
  useEffect(() => {
    if (!sessionId) return;
    session
      .fetch<Answer<paths, '/api/auth/me', 'get'>>(`${config.identity}/api/auth/me`)
      .then((me) => session.setUser(me.user))
      .catch(() => undefined);
  }, [sessionId, session, config]);

  const isLanding = route.view === '';
  const needsSignIn = !isLanding && !stored && !completing && !message;
  useEffect(() => {
    if (needsSignIn) void startSignIn(config, { returnTo: `${location.pathname}${location.search}` });
  }, [needsSignIn, config]);

  const api = useMemo(
    () =>
      <T,>(path: string, options?: RequestOptions) =>
        session.fetch<T>(`${config.api}${path}`, options),
    [session, config],
  );
  const View = def.views[route.view];
  const firstView = def.nav[0]?.view ?? '';

  let body: ReactNode;
  if (completing) body = <Loading label="Signing you in…" />;
  else if (isLanding)
    body = (
      <Landing
        content={def.landing}
        plans={plans}
        signedIn={Boolean(stored)}
        onSignUp={() =>
          void startSignIn(config, { screen: 'signup', returnTo: `${config.base}/${firstView}` })
        }
        onSignIn={() => void startSignIn(config, { returnTo: `${config.base}/${firstView}` })}
        onOpen={() => navigate(`${config.base}/${firstView}`)}
      />
    );
  else if (!View) body = <NotFound config={config} />;
  else if (!stored) body = <Loading label="Taking you to sign in…" />;
  else
    body = (
      <View
        config={config}
        session={session}
        user={stored.user}
        params={route.params}
        api={api}
        href={(view, params) => hrefTo(config.base, view, params)}
      />
    );

  return (
    <Layout
      config={config}
      brand={def.brand}
      nav={stored ? def.nav : []}
      current={route.view}
      bare={isLanding && !completing}
      user={<UserMenu config={config} session={session} user={stored?.user} />}
    >
      {message && (
        <div className={isLanding ? 'site-main' : undefined}>
          <ErrorMessage>
            {message}{' '}
            <ButtonLink href={config.account} variant="link">
              Go to your account
            </ButtonLink>
          </ErrorMessage>
        </div>
      )}
      {body}
    </Layout>
  );
}

export function mountApp(def: AppDefinition) {
  const config = readConfig(def.app);
  const session = createSession(def.app, config.identity);
  if (def.offline) registerOfflineWorker(config);
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root');
  createRoot(root).render(
    <StrictMode>
      <AppRoot def={def} config={config} session={session} />
    </StrictMode>,
  );
}
