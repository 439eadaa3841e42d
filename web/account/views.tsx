// The account console's views: overview, devices and pairing, AI keys, credits, plan,
// security (sign-in methods and the log), deleting the account (the password, email, two-step
// verification and passkeys have files of their own).
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  type AiPreferences,
  loadModelMenu,
  type ModelMenu,
  modelChoices,
  PROVIDERS,
  providerName,
  providerOfModel,
  sameModel,
} from '../shared/ai-models.ts';
import type { Page } from '../shared/api.ts';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { APP_NAMES, type PageConfig, WEB_APPS } from '../shared/config.ts';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { type Plan, PlanCards, planName } from '../shared/landing.tsx';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { hrefTo, Link, navigate } from '../shared/router.tsx';
import type { Account, Session } from '../shared/session.ts';
import { AffiliateLinksChoice } from './affiliate-links.tsx';
import { SCOPE_WORDS } from './connect.tsx';
import { FamilyInvitations } from './family-invitations.tsx';

export interface AccountViewProps {
  config: PageConfig;
  session: Session;
  user?: Account;
  params: URLSearchParams;
  api: <T>(path: string, options?: Parameters<Session['fetch']>[1]) => Promise<T>;
}

interface Subscription {
  plan_code: string;
  status: string;
  current_period_end: string | null;
  entitlements: Plan['entitlements'];
}

type Karma = Answer<paths, '/api/karma', 'get'>;

export function Overview({ config, session, user, api }: AccountViewProps) {
  const data = useLoad(
    async (signal) => {
      const [balance, subscription, karma] = await Promise.all([
        api<{ balance: number; lifetime_spent: number }>('/api/credits/balance', { signal }),
        api<Subscription>('/api/subscription', { signal }),
        api<Karma>('/api/karma', { signal, query: { limit: 5 } }),
      ]);
      return { balance, subscription, karma };
    },
    [api],
  );
  const action = useAction();
  const everywhere = () =>
    action.run(async () => {
      await api('/api/auth/logout-everywhere', { method: 'POST' });
      session.clear();
      navigate(`${config.base}/`);
    });
  return (
    <>
      <h1>Hello, {user?.display_name ?? user?.username}</h1>
      <p className="muted">
        Signed in as <strong>{user?.username}</strong> ({user?.email}).
      </p>
      {user?.email_verified === false && (
        <Notice tone="info">
          Please confirm your email: follow the link we mailed to {user.email}, so that password resets and
          notices reach you. <Link href={hrefTo(config.base, 'email')}>Mail the link again</Link>
        </Notice>
      )}
      {data.error && <ErrorMessage>{data.error}</ErrorMessage>}
      <div className="grid section">
        <article className="card">
          <h2>Credits</h2>
          <p className="stat" data-testid="balance">
            {data.data ? data.data.balance.balance.toLocaleString() : '…'}
          </p>
          <Link href={hrefTo(config.base, 'credits')}>Buy credits and see history</Link>
        </article>
        <article className="card">
          <h2>Karma</h2>
          <p className="stat" data-testid="karma">
            {data.data ? data.data.karma.karma.toLocaleString() : '…'}
          </p>
          <p className="muted">Upvotes from others on what you published, in every app.</p>
          {data.data && data.data.karma.recent.length > 0 && (
            <ul aria-label="Latest karma">
              {data.data.karma.recent.map((entry) => (
                <li key={`${entry.app}-${entry.item_id}-${entry.created_at}-${entry.delta}`}>
                  {entry.delta > 0 ? '+1' : '−1'} {entry.reason.toLowerCase()}: {entry.item_title}
                </li>
              ))}
            </ul>
          )}
        </article>
        <article className="card">
          <h2>Plan</h2>
          <p className="stat">{data.data ? planName(data.data.subscription.plan_code) : '…'}</p>
          <Link href={hrefTo(config.base, 'plan')}>Change plan</Link>
        </article>
        <article className="card">
          <h2>Your apps</h2>
          <ul>
            {WEB_APPS.map((app) => (
              <li key={app}>
                <a href={config.apps[app]}>{APP_NAMES[app]}</a>
              </li>
            ))}
          </ul>
        </article>
      </div>
      <FamilyInvitations config={config} session={session} />
      <Section title="Sign out">
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        <div className="button-row">
          <Button variant="secondary" onClick={() => void session.signOut()}>
            Sign out here
          </Button>
          <Button variant="secondary" busy={action.busy} onClick={() => void everywhere()}>
            Sign out everywhere
          </Button>
        </div>
        <p className="muted">“Everywhere” also signs you out of every app you opened from this account.</p>
      </Section>
      <Section title="Password">
        <p>
          <Link href={hrefTo(config.base, 'password')}>Change your password</Link>. Every other device and app
          signed in to your account is then signed out.
        </p>
      </Section>
      <AffiliateLinksChoice api={api} />
      <Section title="Delete account">
        <p>
          <Link href={hrefTo(config.base, 'delete')}>Delete your CALOS account</Link> and everything in it.
        </p>
      </Section>
    </>
  );
}

interface Device {
  device_id: string;
  device_type: string;
  device_name: string | null;
  last_seen: string;
  created_at: string;
  revoked_at: string | null;
  is_current: boolean;
}

/** How often the list is asked again while an approved device is on its way to sign in. */
const PAIRING_RECHECK_MS = 2000;
/** A code lives 10 minutes: a device approved then has signed in by now or never will. */
const PAIRING_RECHECKS = 300;

/** An approved device that has not fetched its tokens yet (it polls every few seconds). */
interface AwaitedDevice {
  name: string;
  /** last_seen by device_id before the approval: a new or re-paired device changes it. */
  before: Map<string, string>;
}

const deviceName = (device: Pick<Device, 'device_name' | 'device_type'>) =>
  device.device_name ?? `Your ${device.device_type} device`;

export function Devices({ config, api, params }: AccountViewProps) {
  const devices = useLoad((signal) => api<{ items: Device[] }>('/api/devices', { signal }), [api]);
  const action = useAction();
  const [awaited, setAwaited] = useState<AwaitedDevice>();
  const [arrived, setArrived] = useState<string>();
  const revoke = (device: Device) =>
    action.run(async () => {
      await api(`/api/devices/${device.device_id}`, { method: 'DELETE' });
      devices.reload();
    });
  const onApproved = (name: string) => {
    setArrived(undefined);
    setAwaited({
      name,
      before: new Map((devices.data?.items ?? []).map((d) => [d.device_id, d.last_seen])),
    });
  };
  // The approved device shows up once it has signed in: ask again until it has.
  const newcomer =
    awaited &&
    devices.data?.items.find(
      (d) => !d.is_current && !d.revoked_at && awaited.before.get(d.device_id) !== d.last_seen,
    );
  const { reload } = devices;
  useEffect(() => {
    if (!awaited) return;
    if (newcomer) {
      setArrived(`${deviceName(newcomer)} is now signed in to your account.`);
      setAwaited(undefined);
      return;
    }
    let rechecks = 0;
    const timer = setInterval(() => {
      rechecks += 1;
      if (rechecks > PAIRING_RECHECKS) setAwaited(undefined);
      else reload();
    }, PAIRING_RECHECK_MS);
    return () => clearInterval(timer);
  }, [awaited, newcomer, reload]);
  return (
    <>
      <h1>Devices</h1>
      <PairForm api={api} initialCode={params.get('user_code') ?? ''} onApproved={onApproved} />
      <Section title="Signed-in devices">
        {arrived && <Notice>{arrived}</Notice>}
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        {devices.error && <ErrorMessage>{devices.error}</ErrorMessage>}
        {!devices.data ? (
          <Loading />
        ) : (
          <ul className="list" aria-label="Devices">
            {awaited && (
              <li className="list-row">
                <div>
                  <strong>{awaited.name}</strong> <span className="tag">Signing in…</span>
                  <br />
                  <span className="muted">Approved: it appears here once it has signed in.</span>
                </div>
              </li>
            )}
            {devices.data.items.map((device) => (
              <li className="list-row" key={device.device_id}>
                <div>
                  <strong>{device.device_name ?? `${device.device_type} device`}</strong>{' '}
                  {device.is_current && <span className="tag">This device</span>}
                  {device.revoked_at && <span className="tag">Revoked</span>}
                  <br />
                  <span className="muted">
                    {device.device_type} · last seen {formatDate(device.last_seen, true)}
                  </span>
                </div>
                {!device.revoked_at && !device.is_current && (
                  <Button
                    small
                    variant="danger"
                    onClick={() => void revoke(device)}
                    aria-label={`Revoke ${device.device_name ?? device.device_type}`}
                  >
                    Revoke
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <p className="muted">
        A device that cannot type a password (a speaker, a TV) shows a code; enter it above. Its link opens{' '}
        <code>{`${config.base}/pair`}</code>.
      </p>
    </>
  );
}

/** What the pairing page learns of a code before approving it. */
interface CodeCheck {
  device_type: string;
  device_name: string | null;
  /** An app of the OpenID device flow (RFC 8628): a partner's app asks the person first. */
  app?: { client_id: string; client_name: string; first_party: boolean; scopes: string[] };
}

function PairForm({
  api,
  initialCode,
  onApproved,
}: {
  api: AccountViewProps['api'];
  initialCode: string;
  onApproved: (deviceName: string) => void;
}) {
  const [code, setCode] = useState(initialCode);
  const [done, setDone] = useState<string>();
  const [asking, setAsking] = useState<CodeCheck & { code: string }>();
  const action = useAction();
  const send = async (userCode: string, approve: boolean) => {
    const answer = await api<{ device_name: string | null; device_type: string; status: string }>(
      '/api/devices/pair',
      { body: { user_code: userCode, approve } },
    );
    setAsking(undefined);
    setCode('');
    if (!approve) {
      setDone(`${deviceName(answer)} was not allowed.`);
      return;
    }
    // The device fetches its tokens on its next poll, a few seconds from now.
    setDone(`${deviceName(answer)} is approved and signs in within a few seconds.`);
    onApproved(deviceName(answer));
  };
  const decide = (userCode: string, approve: boolean) => action.run(() => send(userCode, approve));
  const submit = () =>
    action.run(async () => {
      const userCode = code.trim();
      const check = await api<CodeCheck>('/api/devices/pair/check', { body: { user_code: userCode } });
      // A partner's app says what it asks for before it is let in; devices and CALOS's own apps go on.
      if (check.app && !check.app.first_party) setAsking({ ...check, code: userCode });
      else await send(userCode, true);
    });
  if (asking?.app) {
    return (
      <Section title="Pair a device">
        <h3>Let {asking.app.client_name} use your CALOS account?</h3>
        <p>
          <strong>{asking.app.client_name}</strong> is not a CALOS app. On the device showing this code it
          asks to:
        </p>
        <ul>
          {asking.app.scopes.map((scope) => (
            <li key={scope}>{SCOPE_WORDS[scope] ?? scope}</li>
          ))}
        </ul>
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        <p>
          <Button busy={action.busy} onClick={() => void decide(asking.code, true)}>
            Allow
          </Button>{' '}
          <Button variant="secondary" disabled={action.busy} onClick={() => void decide(asking.code, false)}>
            Don’t allow
          </Button>
        </p>
      </Section>
    );
  }
  return (
    <Section title="Pair a device">
      {done && <Notice>{done}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Pair a device">
        <TextField
          label="Code shown on the device"
          name="user_code"
          placeholder="BCDF-2345"
          autoComplete="off"
          autoCapitalize="characters"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <SubmitRow busy={action.busy}>Approve device</SubmitRow>
      </Form>
    </Section>
  );
}

interface ApiKey {
  key_id: string;
  provider: string;
  label: string | null;
  masked: string;
  is_active: boolean;
  created_at: string;
}

export function Keys({ config, session, api }: AccountViewProps) {
  const keys = useLoad((signal) => api<{ items: ApiKey[] }>('/api/keys', { signal }), [api]);
  const menu = useLoad(
    (signal) => loadModelMenu((url, options) => session.fetch(url, options), config, signal),
    [session, config],
  );
  const [form, setForm, set] = useFields({ provider: 'openai', api_key: '', label: '' });
  const add = useAction();
  const remove = useAction();
  const keysChanged = () => {
    keys.reload();
    // Which providers' models the apps can offer follows the keys.
    menu.reload();
  };
  const submit = () =>
    add.run(async () => {
      await api('/api/keys/add', {
        body: {
          provider: form.provider,
          api_key: form.api_key.trim(),
          ...(form.label ? { label: form.label } : {}),
        },
      });
      setForm((f) => ({ ...f, api_key: '', label: '' }));
      keysChanged();
    });
  const del = (key: ApiKey) =>
    remove.run(async () => {
      await api(`/api/keys/${key.key_id}`, { method: 'DELETE' });
      keysChanged();
    });
  return (
    <>
      <h1>Your AI keys and models</h1>
      <p className="muted">
        Bring your own OpenAI, Anthropic or DeepSeek key: every app then uses it for that provider's models.
        Keys are encrypted and never shown again, only their last four characters.
      </p>
      <ModelPreferences config={config} session={session} menu={menu} />
      <Section title="Add a key">
        <Form onSubmit={submit} error={add.error} label="Add a key">
          <SelectField
            label="Provider"
            name="provider"
            options={PROVIDERS}
            value={form.provider}
            onChange={set('provider')}
          />
          <TextField
            label="API key"
            name="api_key"
            type="password"
            autoComplete="off"
            required
            value={form.api_key}
            onChange={set('api_key')}
          />
          <TextField label="Label (optional)" name="label" value={form.label} onChange={set('label')} />
          <SubmitRow busy={add.busy}>Add key</SubmitRow>
        </Form>
      </Section>
      <Section title="Keys">
        {keys.error && <ErrorMessage>{keys.error}</ErrorMessage>}
        {!keys.data ? (
          <Loading />
        ) : keys.data.items.length === 0 ? (
          <Empty>No keys yet: the apps use the free models.</Empty>
        ) : (
          <ul className="list" aria-label="Keys">
            {keys.data.items.map((key) => (
              <li className="list-row" key={key.key_id}>
                <div>
                  <strong>{providerName(key.provider)}</strong> <code>{key.masked}</code>{' '}
                  {key.label && <span>· {key.label}</span>}{' '}
                  <span className="tag">{key.is_active ? 'In use' : 'Replaced'}</span>
                  <br />
                  <span className="muted">Added {formatDate(key.created_at)}</span>
                </div>
                <ConfirmStep
                  small
                  trigger="Delete"
                  triggerLabel={`Delete ${key.provider} key ${key.masked}`}
                  question={
                    key.is_active
                      ? `Delete your ${providerName(key.provider)} key ${key.masked}? The apps stop using it at once, and ${providerName(key.provider)}'s models are answered by your free fallback model.`
                      : `Delete your old ${providerName(key.provider)} key ${key.masked}? It is no longer in use.`
                  }
                  confirm="Delete key"
                  cancel="Keep it"
                  busy={remove.busy}
                  error={remove.error}
                  onConfirm={() => del(key)}
                />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

/** A model name as the gateway takes it (escaped for the browser's v-mode patterns). */
const MODEL_PATTERN = String.raw`[A-Za-z0-9][A-Za-z0-9._:\/\-]*`;
/** Not a model name: those start with a letter or digit. */
const OTHER_MODEL = ':other';

/** The model the apps ask by default, and the free one that answers when it cannot. */
function ModelPreferences({
  config,
  session,
  menu,
}: Pick<AccountViewProps, 'config' | 'session'> & {
  menu: ReturnType<typeof useLoad<ModelMenu>>;
}) {
  const save = useAction();
  const [saved, setSaved] = useState<string>();
  const [choice, setChoice] = useState<string>();
  const [typed, setTyped] = useState('');
  const [fallback, setFallback] = useState<string>();
  if (menu.error && !menu.data) {
    return (
      <Section title="Which model the apps use">
        <ErrorMessage>{menu.error}</ErrorMessage>
      </Section>
    );
  }
  if (!menu.data) {
    return (
      <Section title="Which model the apps use">
        <Loading />
      </Section>
    );
  }
  const { preferences, pool, keyed } = menu.data;
  const choices = modelChoices(menu.data);
  const current = preferences.model_preference ?? '';
  const chosen = choice ?? choices.find((c) => sameModel(c.model, current))?.model ?? current;
  const preferred = chosen === OTHER_MODEL ? typed.trim() : chosen;
  const fallbackChosen = fallback ?? preferences.fallback_model;
  const fallbackInPool = pool.find((m) => sameModel(m, fallbackChosen));
  const fallbackOptions = fallbackInPool ? pool : [fallbackChosen, ...pool];
  const provider = preferred ? providerOfModel(preferred) : undefined;
  const needsKey = provider && !keyed.includes(provider);
  const submit = () =>
    save.run(async () => {
      setSaved(undefined);
      const answer = await session.fetch<AiPreferences>(`${config.ai}/api/preferences`, {
        method: 'PUT',
        body: { model_preference: preferred || null, fallback_model: fallbackChosen },
      });
      setSaved(
        answer.model_preference
          ? `Saved. The apps now ask ${answer.model_preference}, and ${answer.fallback_model} when it cannot answer.`
          : `Saved. The apps now ask the free model ${answer.fallback_model}.`,
      );
      setChoice(undefined);
      setFallback(undefined);
      menu.setData({ ...menu.data, preferences: answer } as ModelMenu);
    });
  return (
    <Section title="Which model the apps use">
      <p>
        Hollowtown and HowToCookAtHome ask your preferred model unless you pick another when you generate. A
        model of OpenAI, Anthropic or DeepSeek uses your key for that provider; without one, your free
        fallback model answers.
      </p>
      {saved && <Notice>{saved}</Notice>}
      <Form onSubmit={submit} error={save.error} label="Which model the apps use">
        <SelectField
          label="Preferred model"
          options={[
            ['', 'No preference: the free model'],
            ...choices.map((c) => [c.model, c.label] as [string, string]),
            [OTHER_MODEL, 'Another model…'],
          ]}
          value={chosen}
          onChange={(e) => setChoice(e.target.value)}
        />
        {chosen === OTHER_MODEL && (
          <TextField
            label="Model name"
            hint="As the provider or Ollama names it, such as gpt-4.1 or qwen2.5:7b."
            required
            maxLength={200}
            pattern={MODEL_PATTERN}
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        )}
        {needsKey && (
          <p className="muted" role="note">
            You have no {providerName(provider)} key yet: add one below, or {fallbackChosen} answers instead.
          </p>
        )}
        <SelectField
          label="Free fallback model"
          options={fallbackOptions.map((m) => [m, m] as [string, string])}
          value={fallbackInPool ?? fallbackChosen}
          onChange={(e) => setFallback(e.target.value)}
        />
        <SubmitRow busy={save.busy}>Save models</SubmitRow>
      </Form>
    </Section>
  );
}

interface LedgerEntry {
  entry_id: number;
  amount: number;
  kind: string;
  reason: string;
  balance_after: number;
  created_at: string;
}

const PACKAGES = [
  ['starter', '500 credits — $5'],
  ['standard', '2,000 credits — $18'],
  ['bulk', '10,000 credits — $80'],
] as const;

export function Credits({ api }: AccountViewProps) {
  const balance = useLoad(
    (signal) => api<{ balance: number; lifetime_spent: number }>('/api/credits/balance', { signal }),
    [api],
  );
  const ledger = usePagedList(
    (cursor, signal) =>
      api<Page<LedgerEntry>>('/api/credits/ledger', { signal, query: { limit: 20, cursor } }),
    [api],
  );
  const [pack, setPack] = useState('starter');
  const [bought, setBought] = useState<string>();
  const buy = useAction();
  const submit = () =>
    buy.run(async () => {
      const answer = await api<{ credits: number; balance: number }>('/api/credits/purchase', {
        body: { package: pack, provider: 'dev' },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      setBought(
        `Added ${answer.credits.toLocaleString()} credits. Your balance is ${answer.balance.toLocaleString()}.`,
      );
      balance.reload();
      ledger.reload();
    });
  return (
    <>
      <h1>Credits</h1>
      {balance.error && <ErrorMessage>{balance.error}</ErrorMessage>}
      <div className="grid section">
        <article className="card">
          <h2>Balance</h2>
          <p className="stat" data-testid="balance">
            {balance.data ? balance.data.balance.toLocaleString() : '…'}
          </p>
          <p className="muted">
            {balance.data ? `${balance.data.lifetime_spent.toLocaleString()} spent so far` : ''}
          </p>
        </article>
        <article className="card">
          <h2>Buy credits</h2>
          {bought && <Notice>{bought}</Notice>}
          <Form onSubmit={submit} error={buy.error} label="Buy credits">
            <SelectField
              label="Package"
              name="package"
              options={PACKAGES}
              value={pack}
              onChange={(e) => setPack(e.target.value)}
            />
            <SubmitRow busy={buy.busy}>Buy</SubmitRow>
          </Form>
          <p className="muted">
            Development server: payments go through the test provider and complete at once.
          </p>
        </article>
      </div>
      <Section title="History">
        {ledger.error && <ErrorMessage>{ledger.error}</ErrorMessage>}
        {!ledger.isLoaded ? (
          <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Credit history, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Change</th>
                  <th scope="col">Balance</th>
                </tr>
              </thead>
              <tbody>
                {ledger.items.map((entry) => (
                  <tr key={entry.entry_id}>
                    <td>{formatDate(entry.created_at, true)}</td>
                    <td>{entry.reason || entry.kind.replace(/_/g, ' ')}</td>
                    <td>
                      {entry.amount > 0 ? `+${entry.amount.toLocaleString()}` : entry.amount.toLocaleString()}
                    </td>
                    <td>{entry.balance_after.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ShowMore list={ledger} label="Show older" />
      </Section>
    </>
  );
}

export function PlanView({ api }: AccountViewProps) {
  const data = useLoad(
    async (signal) => {
      const [subscription, plans] = await Promise.all([
        api<Subscription>('/api/subscription', { signal }),
        api<{ plans: Plan[] }>('/api/plans', { signal }),
      ]);
      return { subscription, plans: plans.plans };
    },
    [api],
  );
  const action = useAction();
  const [done, setDone] = useState<string>();
  const change = (code: string) =>
    action.run(async () => {
      await api('/api/subscription', {
        body: { plan_code: code, provider: 'dev' },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      setDone(`You are now on the ${planName(code)} plan.`);
      data.reload();
    });
  if (data.error) return <ErrorMessage>{data.error}</ErrorMessage>;
  if (!data.data) return <Loading />;
  const current = data.data.subscription.plan_code;
  const offered = data.data.plans.filter((p) => ['free', 'pro', 'family'].includes(p.plan_code));
  return (
    <>
      <h1>Your plan</h1>
      <p>
        You are on the <strong data-testid="current-plan">{planName(current)}</strong> plan
        {data.data.subscription.current_period_end
          ? `, renewing ${formatDate(data.data.subscription.current_period_end)}`
          : ''}
        .
      </p>
      {done && <Notice>{done}</Notice>}
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      <PlanCards plans={offered} />
      <div className="button-row section" style={{ marginTop: '1rem' }}>
        {offered
          .filter((p) => p.plan_code !== current)
          .map((p) => (
            <Button
              key={p.plan_code}
              variant="secondary"
              busy={action.busy}
              onClick={() => void change(p.plan_code)}
            >
              Switch to {planName(p.plan_code)}
            </Button>
          ))}
      </div>
    </>
  );
}

interface AuditEntry {
  event: string;
  ip_address: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

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
        api<{ totp_enabled: boolean }>('/api/auth/2fa', { signal }),
        api<{ items: unknown[] }>('/api/auth/passkeys', { signal }),
        api<{ email: string; email_verified: boolean }>('/api/account/email', { signal }),
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
    (signal) => api<Page<AuditEntry>>('/api/audit', { signal, query: { limit: 50 } }),
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
        <Loading />
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
      api<{ items: Array<{ grant_id: string; client_name: string; created_at: string }> }>(
        '/api/oidc/grants',
        {
          signal,
        },
      ),
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

export function DeleteAccount({ config, session, api }: AccountViewProps) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState(false);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      await api('/api/account', { method: 'DELETE', body: { password } });
      session.clear();
      navigate(`${config.base}/?deleted=1`);
    });
  return (
    <>
      <h1>Delete your account</h1>
      <p>
        This deletes your CALOS account, your devices, keys, credits and plan, and every app removes what it
        holds of you. It cannot be undone.
      </p>
      <Form onSubmit={submit} error={action.error} label="Delete account">
        <TextField
          label="Your password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="checkbox">
          <input
            id="confirm-delete"
            type="checkbox"
            checked={confirm}
            onChange={(e) => setConfirm(e.target.checked)}
          />
          <label htmlFor="confirm-delete">I understand that this cannot be undone</label>
        </div>
        <div className="button-row">
          <Button type="submit" variant="danger" busy={action.busy} disabled={!confirm || !password}>
            Delete my account
          </Button>
        </div>
      </Form>
    </>
  );
}
