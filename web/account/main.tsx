// The CALOS account console (/account/): sign up and in (password, second step, passkey), account
// recovery, email, two-step verification, passkeys, devices, AI keys, credits, plan, security
// log, password, your data (download and import), deleting the account — and the authorize step of every app's sign-in.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import '../shared/tokens.css';
import '../shared/kit.css';
import { type ReactNode, StrictMode, useEffect, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import type { RequestOptions } from '../shared/api.ts';
import { Button, Layout, Notice } from '../shared/components.tsx';
import { type PageConfig, readConfig } from '../shared/config.ts';
import { useSession } from '../shared/hooks.ts';
import { useRoute } from '../shared/router.tsx';
import { createSession, type Session } from '../shared/session.ts';
import { AuthForms } from './auth-forms.tsx';
import { Authorize } from './authorize.tsx';
import { Connect } from './connect.tsx';
import { Credits } from './credits.tsx';
import { DeleteAccount } from './delete-account.tsx';
import { Devices } from './devices.tsx';
import { EmailSettings } from './email.tsx';
import { Keys } from './keys.tsx';
import { MarketActivity } from './market-activity.tsx';
import { Overview } from './overview.tsx';
import { Passkeys } from './passkeys.tsx';
import { ChangePassword } from './password.tsx';
import { PlanView } from './plan.tsx';
import type { AccountViewProps } from './props.ts';
import { ForgotPassword, ResetPassword, Unsubscribe, VerifyEmail } from './recovery.tsx';
import { Security } from './security.tsx';
import { TwoFactor } from './two-factor.tsx';
import { YourData } from './your-data.tsx';

const NAV = [
  { view: '', label: 'Overview' },
  { view: 'devices', label: 'Devices' },
  { view: 'keys', label: 'AI keys and models' },
  { view: 'credits', label: 'Credits' },
  { view: 'purchases', label: 'Purchases' },
  { view: 'plan', label: 'Plan' },
  { view: 'security', label: 'Security' },
  { view: 'data', label: 'Your data' },
] as const;

/** Views reached from another one's page light up that one in the navigation. */
const CURRENT_NAV: Record<string, string> = {
  pair: 'devices',
  password: 'security',
  'two-factor': 'security',
  passkeys: 'security',
  email: 'security',
};

const VIEWS: Record<string, (props: AccountViewProps) => ReactNode> = {
  '': Overview,
  devices: Devices,
  pair: Devices,
  keys: Keys,
  credits: Credits,
  purchases: MarketActivity,
  plan: PlanView,
  security: Security,
  password: ChangePassword,
  'two-factor': TwoFactor,
  passkeys: Passkeys,
  email: EmailSettings,
  delete: DeleteAccount,
  data: YourData,
};

/** Views a mailed link opens: they work signed in or not. */
const PUBLIC_VIEWS: Record<
  string,
  (props: { config: PageConfig; session: Session; params: URLSearchParams }) => ReactNode
> = {
  'forgot-password': ForgotPassword,
  'reset-password': ResetPassword,
  'verify-email': VerifyEmail,
  unsubscribe: Unsubscribe,
};

function SignedOutHome({
  config,
  session,
  params,
}: {
  config: PageConfig;
  session: Session;
  params: URLSearchParams;
}) {
  return (
    <>
      {params.get('deleted') && <Notice>Your account has been deleted. Goodbye!</Notice>}
      <h1>Your CALOS account</h1>
      <p className="muted">
        One account for Hollowtown, HowToCookAtHome and Family Planner: your devices, AI keys, credits and
        plan in one place.
      </p>
      <AuthForms
        config={config}
        session={session}
        initial={params.get('screen') === 'signup' ? 'signup' : 'signin'}
      />
    </>
  );
}

function AccountRoot({ config, session }: { config: PageConfig; session: Session }) {
  const route = useRoute(config.base);
  const stored = useSession(session);
  const sessionKey = stored?.session_id ?? stored?.refresh_token;
  useEffect(() => {
    if (!sessionKey) return;
    session
      .fetch<Answer<paths, '/api/auth/me', 'get'>>(`${config.identity}/api/auth/me`)
      .then((me) => session.setUser(me.user))
      .catch(() => undefined);
  }, [sessionKey, session, config]);
  const api = useMemo(
    () =>
      <T,>(path: string, options?: RequestOptions) =>
        session.fetch<T>(`${config.identity}${path}`, options),
    [session, config],
  );

  let body: ReactNode;
  const View = VIEWS[route.view];
  const PublicView = PUBLIC_VIEWS[route.view];
  if (PublicView) {
    body = <PublicView config={config} session={session} params={route.params} />;
  } else if (route.view === 'authorize') {
    body = <Authorize config={config} session={session} stored={stored} params={route.params} />;
  } else if (route.view === 'connect') {
    body = <Connect config={config} session={session} stored={stored} params={route.params} />;
  } else if (!View) {
    body = (
      <>
        <h1>Page not found</h1>
        <a href={`${config.base}/`}>Back to your account</a>
      </>
    );
  } else if (!stored) {
    body =
      route.view === '' ? (
        <SignedOutHome config={config} session={session} params={route.params} />
      ) : (
        <>
          <h1>Sign in to continue</h1>
          <AuthForms config={config} session={session} />
        </>
      );
  } else {
    body = <View config={config} session={session} user={stored.user} params={route.params} api={api} />;
  }

  const user = stored ? (
    <>
      <span>
        Signed in as <strong>{stored.user?.display_name ?? stored.user?.username ?? '…'}</strong>
      </span>
      <Button small variant="secondary" onClick={() => void session.signOut()}>
        Sign out
      </Button>
    </>
  ) : null;

  return (
    <Layout
      config={config}
      brand={{ name: 'CALOS account', mark: '◆' }}
      nav={stored && route.view !== 'authorize' && route.view !== 'connect' ? NAV : []}
      current={CURRENT_NAV[route.view] ?? route.view}
      user={user}
    >
      {body}
    </Layout>
  );
}

const config = readConfig('account');
const session = createSession('account', config.identity);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AccountRoot config={config} session={session} />
    </StrictMode>,
  );
}
