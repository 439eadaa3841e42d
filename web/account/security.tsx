import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { Button, ErrorMessage, formatDate, Loading, Section } from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';

import type { AccountViewProps } from './props.ts';

const EVENT_NAMES: Record<string, string> = {
  'account.created': 'Account created',
  'oidc.granted': 'App allowed to sign you in',
  'oidc.revoked': 'App access taken away',
  'login.succeeded': 'Signed in',
  'login.failed': 'Failed sign-in',
  'login.locked': 'Sign-in locked after failures',
  'logout.succeeded': 'Signed out',
  'password.changed': 'Password changed',
  'session.refresh_reuse': 'Session ended: a token was reused',
  'device.paired': 'Device paired',
  'device.revoked': 'Device revoked',
  'api_key.added': 'AI key added',
  'api_key.removed': 'AI key deleted',
  'credits.purchased': 'Credits bought',
  'subscription.changed': 'Plan changed',
  'password.reset_requested': 'Password reset link asked for',
  'password.reset': 'Password reset with a mailed link',
  'email.verified': 'Email confirmed',
  'email.change_requested': 'Email change asked for',
  'email.changed': 'Email changed',
  'two_factor.enabled': 'Two-step verification turned on',
  'two_factor.disabled': 'Two-step verification turned off',
  'two_factor.recovery_codes_created': 'New recovery codes made',
  'two_factor.recovery_code_used': 'Signed in with a recovery code',
  'login.mfa_failed': 'Wrong two-step code',
  'passkey.added': 'Passkey added',
  'passkey.renamed': 'Passkey renamed',
  'passkey.removed': 'Passkey removed',
  'mail.preferences_changed': 'Mail choices changed',
  'staff.action': 'Changed by CALOS staff',
  'account.exported': 'Your data downloaded',
  'account.imported': 'Data imported from another CALOS',
};

/** How a sign-in was proved, from its amr. */
const signInMethod = (amr: unknown): string => {
  if (!Array.isArray(amr)) return '';
  if (amr.includes('hwk') || amr.includes('swk')) return ' with a passkey';
  if (amr.includes('otp')) return ' with password and code';
  return '';
};

interface SignInStatus {
  totp_enabled: boolean;
  passkeys: number;
  email: string;
  email_verified: boolean;
}

function SignInMethods({ config, api }: Pick<AccountViewProps, 'config' | 'api'>) {
  const data = useLoad(
    async (signal): Promise<SignInStatus> => {
      const [twoFactor, passkeys, email] = await Promise.all([
        api<Answer<paths, '/api/auth/2fa', 'get'>>('/api/auth/2fa', { signal }),
        api<Answer<paths, '/api/auth/passkeys', 'get'>>('/api/auth/passkeys', { signal }),
        api<Answer<paths, '/api/account/email', 'get'>>('/api/account/email', { signal }),
      ]);
      return { totp_enabled: twoFactor.totp_enabled, passkeys: passkeys.items.length, ...email };
    },
    [api],
  );
  if (data.error) return <ErrorMessage>{data.error}</ErrorMessage>;
  if (!data.data) return <Loading />;
  const { totp_enabled, passkeys, email, email_verified } = data.data;
  return (
    <div className="grid section">
      <article className="card">
        <h3>Password</h3>
        <p>Changing it signs out every other device and app.</p>
        <Link href={hrefTo(config.base, 'password')}>Change your password</Link>
      </article>
      <article className="card">
        <h3>Two-step verification</h3>
        <p>{totp_enabled ? 'On: signing in also asks for a code from your app.' : 'Off.'}</p>
        <Link href={hrefTo(config.base, 'two-factor')}>
          {totp_enabled ? 'Manage two-step verification' : 'Turn on two-step verification'}
        </Link>
      </article>
      <article className="card">
        <h3>Passkeys</h3>
        <p>{passkeys === 0 ? 'None yet.' : `${passkeys} passkey${passkeys === 1 ? '' : 's'}.`}</p>
        <Link href={hrefTo(config.base, 'passkeys')}>Manage passkeys</Link>
      </article>
      <article className="card">
        <h3>Email</h3>
        <p>
          {email} ({email_verified ? 'confirmed' : 'not confirmed yet'})
        </p>
        <Link href={hrefTo(config.base, 'email')}>Email and mails you get</Link>
      </article>
    </div>
  );
}

export function Security({ config, api }: AccountViewProps) {
  const log = useLoad(
    (signal) => api<Answer<paths, '/api/audit', 'get'>>('/api/audit', { signal, query: { limit: 50 } }),
    [api],
  );
  return (
    <>
      <h1>Security</h1>
      <Section title="How you sign in">
        <SignInMethods config={config} api={api} />
      </Section>
      <AllowedApps api={api} />
      <h2>Security log</h2>
      <p className="muted">
        Sign-ins, devices, keys and other changes to your account, newest first. Something you do not
        recognise? <Link href={hrefTo(config.base, 'password')}>Change your password</Link>: that signs out
        every other device and app.
      </p>
      {log.error && <ErrorMessage>{log.error}</ErrorMessage>}
      {!log.data ? (
        !log.error && <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Security events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((entry) => (
                <tr key={`${entry.created_at}-${entry.event}-${JSON.stringify(entry.details)}`}>
                  <td>{formatDate(entry.created_at, true)}</td>
                  <td>
                    {EVENT_NAMES[entry.event] ?? entry.event}
                    {entry.event === 'login.succeeded' && signInMethod(entry.details.amr)}
                    {typeof entry.details.client === 'string' && ` (${entry.details.client})`}
                    {entry.details.everywhere === true && ' (everywhere)'}
                    {typeof entry.details.other_sessions_ended === 'number' &&
                      ` (${entry.details.other_sessions_ended} other session${entry.details.other_sessions_ended === 1 ? '' : 's'} signed out)`}
                  </td>
                  <td>{entry.ip_address ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Apps that sign in with CALOS (OpenID Connect) and were allowed in, each removable. */
function AllowedApps({ api }: Pick<AccountViewProps, 'api'>) {
  const apps = useLoad(
    (signal) =>
      api<Answer<paths, '/api/oidc/grants', 'get'>>('/api/oidc/grants', {
        signal,
      }),
    [api],
  );
  const action = useAction();
  if (!apps.data?.items.length) return null;
  return (
    <>
      <h2>Apps you allowed</h2>
      <p className="muted">
        These apps sign you in with your CALOS account. Taking one away signs you out of it.
      </p>
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      <ul>
        {apps.data.items.map((app) => (
          <li key={app.grant_id}>
            {app.client_name} <span className="muted">since {formatDate(app.created_at, true)}</span>{' '}
            <Button
              small
              variant="secondary"
              busy={action.busy}
              onClick={() =>
                void action.run(async () => {
                  await api(`/api/oidc/grants/${encodeURIComponent(app.grant_id)}`, { method: 'DELETE' });
                  apps.reload();
                })
              }
            >
              Take access away from {app.client_name}
            </Button>
          </li>
        ))}
      </ul>
    </>
  );
}
