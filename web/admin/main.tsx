// The operator console (/admin/): for staff, by role and domain. It shares the account console's
// session (same origin); anyone signed in without a staff role is told so, and every API behind
// it refuses them too. Views: accounts (find, see, act), the moderation queues, the reports and
// the staff audit log, each shown only to the roles whose domain's API answers them.
import '../shared/tokens.css';
import '../shared/kit.css';
import { type ReactNode, StrictMode, useEffect, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import type { RequestOptions } from '../shared/api.ts';
import { Button, ErrorMessage, Layout, Loading, type NavItem } from '../shared/components.tsx';
import { type PageConfig, readConfig } from '../shared/config.ts';
import { useLoad, useSession } from '../shared/hooks.ts';
import { useRoute } from '../shared/router.tsx';
import { createSession, type Session } from '../shared/session.ts';
import { Plans, Staff } from './plans-staff.tsx';
import { type ConsoleProps, can, type StaffGrant } from './roles.ts';
import { Account as AccountView, AuditLog, Home, Moderation, Reports, Users } from './views.tsx';

const VIEWS: Record<
  string,
  { label?: string; view: (props: ConsoleProps) => ReactNode; shown: (g: StaffGrant[]) => boolean }
> = {
  '': { label: 'Overview', view: Home, shown: () => true },
  users: { label: 'Accounts', view: Users, shown: (g) => can.readAccounts(g) },
  user: { view: AccountView, shown: (g) => can.readAccounts(g) },
  moderation: { label: 'Moderation', view: Moderation, shown: (g) => can.moderateApps(g).length > 0 },
  reports: { label: 'Reports', view: Reports, shown: (g) => can.anyReport(g) },
  audit: { label: 'Audit log', view: AuditLog, shown: (g) => can.auditDomains(g).length > 0 },
  plans: { label: 'Plans', view: Plans, shown: (g) => can.readPlans(g) },
  staff: { label: 'Staff', view: Staff, shown: (g) => can.manageStaff(g) },
};

function ConsoleRoot({ config, session }: { config: PageConfig; session: Session }) {
  const route = useRoute(config.base);
  const stored = useSession(session);
  const signedIn = Boolean(stored);
  const api = useMemo(
    () =>
      <T,>(path: string, options?: RequestOptions) =>
        session.fetch<T>(path.startsWith('/') ? `${config.identity}${path}` : path, options),
    [session, config],
  );
  const me = useLoad(
    async (signal) => {
      if (!signedIn) return null;
      const [roles, who] = await Promise.all([
        api<Answer<paths, '/api/admin/me', 'get'>>('/api/admin/me', { signal }),
        api<Answer<paths, '/api/auth/me', 'get'>>('/api/auth/me', { signal }),
      ]);
      return { roles: roles.roles, user: who.user };
    },
    [signedIn, api],
  );
  const user = me.data?.user;
  useEffect(() => {
    if (user) session.setUser(user);
  }, [user, session]);

  const grants = me.data?.roles ?? [];
  const nav: NavItem[] = Object.entries(VIEWS)
    .filter(([, v]) => v.label && v.shown(grants))
    .map(([view, v]) => ({ view, label: v.label as string }));
  const entry = VIEWS[route.view];

  let body: ReactNode;
  if (!stored) {
    body = (
      <>
        <h1>Operator console</h1>
        <p>
          This console is for the people who run CALOS. Sign in with your CALOS account first, then come back
          here.
        </p>
        <p>
          <a className="button" href={config.account}>
            Sign in to your account
          </a>
        </p>
      </>
    );
  } else if (me.error) {
    body = <ErrorMessage>{me.error}</ErrorMessage>;
  } else if (!me.data) {
    body = <Loading />;
  } else if (grants.length === 0) {
    body = (
      <>
        <h1>Staff only</h1>
        <p role="alert">
          Your account, <strong>{user?.username}</strong>, has no staff role, so this console is closed to
          you.
        </p>
        <p className="muted">
          Staff roles are granted by an operator (<code>calos staff grant</code>). Your own account is at{' '}
          <a href={config.account}>your CALOS account</a>.
        </p>
      </>
    );
  } else if (!entry) {
    body = (
      <>
        <h1>Page not found</h1>
        <a href={`${config.base}/`}>Back to the console</a>
      </>
    );
  } else if (!entry.shown(grants)) {
    body = (
      <>
        <h1>Not for your role</h1>
        <p role="alert">Your staff roles do not include this part of the console.</p>
        <a href={`${config.base}/`}>Back to the console</a>
      </>
    );
  } else {
    const View = entry.view;
    body = <View config={config} api={api} grants={grants} params={route.params} me={user} />;
  }

  const menu = stored ? (
    <>
      <span>
        Staff: <strong>{stored.user?.display_name ?? stored.user?.username ?? '…'}</strong>
      </span>
      <Button small variant="secondary" onClick={() => void session.signOut()}>
        Sign out
      </Button>
    </>
  ) : null;

  return (
    <Layout
      config={config}
      brand={{ name: 'CALOS console', mark: '◆' }}
      nav={grants.length > 0 ? nav : []}
      current={route.view === 'user' ? 'users' : route.view}
      user={menu}
    >
      {body}
    </Layout>
  );
}

const config = readConfig('admin');
// The account console's session: the same person, signed in once on this origin.
const session = createSession('account', config.identity);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConsoleRoot config={config} session={session} />
    </StrictMode>,
  );
}
