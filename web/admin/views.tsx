// The operator console's views: overview, accounts (find one, see it, act on it), the moderation
// queues, the reports (marketplace, affiliate clicks, AI usage) and the staff audit log. Every
// change asks for a reason and a confirmation; the reason goes to the audit log and the person's
// security log.
import { type ReactNode, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths as HollowtownPaths } from '../api/generated/hollowtown.ts';
import type { paths as IdentityPaths } from '../api/generated/identity.ts';
import type { paths as RecipesPaths } from '../api/generated/recipes.ts';
import type { Page } from '../shared/api.ts';
import {
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
import { APP_NAMES, type WebApp } from '../shared/config.ts';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { planName } from '../shared/landing.tsx';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { hrefTo, Link, navigate } from '../shared/router.tsx';
import { type Api, appApi, type ConsoleProps, can, DOMAIN_NAMES, type StaffGrant } from './roles.ts';

const PLANS = ['free', 'pro', 'family', 'enterprise'] as const;

export function Home({ grants, config }: ConsoleProps) {
  const links: [string, string, string][] = [];
  if (can.readAccounts(grants)) links.push(['users', 'Accounts', 'Find an account, see it and act on it.']);
  if (can.moderateApps(grants).length > 0)
    links.push(['moderation', 'Moderation', 'Review what reports hid and decide.']);
  if (can.anyReport(grants))
    links.push(['reports', 'Reports', 'The marketplace, affiliate clicks and AI usage.']);
  if (can.auditDomains(grants).length > 0)
    links.push(['audit', 'Audit log', 'Every staff action, newest first.']);
  return (
    <>
      <h1>Operator console</h1>
      <Section title="Your staff roles">
        <ul className="list">
          {grants.map((g) => (
            <li className="list-row" key={`${g.role}:${g.domain}`}>
              <span>
                <strong>{g.role}</strong> of {DOMAIN_NAMES[g.domain] ?? g.domain}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="What you can do here">
        <div className="grid">
          {links.map(([view, title, text]) => (
            <article className="card" key={view}>
              <h3>
                <Link href={`${config.base}/${view}`}>{title}</Link>
              </h3>
              <p className="muted">{text}</p>
            </article>
          ))}
        </div>
      </Section>
    </>
  );
}

type UserSummary = Answer<IdentityPaths, '/api/admin/users', 'get'>['items'][number];

/** Accounts found a page at a time, by username; "Show more accounts" loads the next. */
const ACCOUNT_PAGE = 20;

export function Users({ api, config, params }: ConsoleProps) {
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const found = usePagedList(
    async (cursor, signal) =>
      q.length >= 2
        ? api<Page<UserSummary>>('/api/admin/users', {
            query: { q, limit: ACCOUNT_PAGE, cursor: cursor ?? undefined },
            signal,
          })
        : { items: [], next_cursor: null },
    [q, api],
  );
  return (
    <>
      <h1>Accounts</h1>
      <Form
        label="Find an account"
        onSubmit={() => navigate(hrefTo(config.base, 'users', { q: text.trim() }))}
      >
        <TextField
          label="Name, username or email"
          name="q"
          type="search"
          minLength={2}
          maxLength={254}
          required
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <SubmitRow>Find</SubmitRow>
      </Form>
      {found.error && <ErrorMessage>{found.error}</ErrorMessage>}
      {q.length >= 2 &&
        (!found.isLoaded ? (
          <Loading />
        ) : found.items.length === 0 ? (
          <Empty>No account matches “{q}”.</Empty>
        ) : (
          <Section title={`Accounts matching “${q}”`}>
            <ul className="list">
              {found.items.map((u) => (
                <li className="list-row" key={u.user_id}>
                  <Link href={hrefTo(config.base, 'user', { id: u.user_id })}>
                    {u.display_name ? `${u.display_name} (${u.username})` : u.username}
                  </Link>
                  <span className="muted">{u.email}</span>
                  {u.disabled_at && <span className="tag">disabled</span>}
                </li>
              ))}
            </ul>
            <ShowMore list={found} label="Show more accounts" />
          </Section>
        ))}
    </>
  );
}

type AccountDetails = Answer<IdentityPaths, '/api/admin/users/{id}', 'get'>;

/** A change that needs a reason and a confirmation; after it, the form starts again. */
function ReasonedAction({
  title,
  trigger,
  question,
  confirm,
  extra,
  ready = true,
  run,
}: {
  title: string;
  trigger: string;
  question: string;
  confirm: string;
  extra?: ReactNode;
  ready?: boolean;
  run: (reason: string) => Promise<string>;
}) {
  const [reason, setReason] = useState('');
  const [round, setRound] = useState(0);
  const [done, setDone] = useState<string>();
  const action = useAction();
  const hasReason = reason.trim().length > 0;
  return (
    <article className="card">
      <h3>{title}</h3>
      {done && <Notice>{done}</Notice>}
      {extra}
      <TextField
        label="Reason (kept in the audit log and shown to the person)"
        value={reason}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
      />
      {hasReason && ready ? (
        <ConfirmStep
          key={round}
          trigger={trigger}
          question={question}
          confirm={confirm}
          busy={action.busy}
          error={action.error}
          onConfirm={async () => {
            const message = await action.run(() => run(reason.trim()));
            if (message) {
              setDone(message);
              setReason('');
              setRound((r) => r + 1);
            }
          }}
        />
      ) : (
        <p className="muted">Give a reason to go on.</p>
      )}
    </article>
  );
}

export function Account({ api, params, grants }: ConsoleProps) {
  const id = params.get('id') ?? '';
  const data = useLoad(
    (signal) => api<AccountDetails>(`/api/admin/users/${encodeURIComponent(id)}`, { signal }),
    [id, api],
  );
  const [plan, setPlan] = useState('pro');
  const [amount, setAmount] = useState('');
  if (data.error) return <ErrorMessage>{data.error}</ErrorMessage>;
  if (!data.data) return <Loading />;
  const a = data.data;
  const who = a.display_name ?? a.username;
  const post = (path: string, body: Record<string, unknown>, method = 'POST') =>
    api(`/api/admin/users/${a.user_id}/${path}`, { method, body });
  const credits = Number(amount);
  const creditsOk = Number.isInteger(credits) && credits !== 0 && Math.abs(credits) <= 1_000_000;
  return (
    <>
      <h1>{who}</h1>
      <p className="muted">
        {a.username} · {a.email} · since {formatDate(a.created_at)}
        {a.disabled_at && (
          <>
            {' '}
            · <strong>disabled {formatDate(a.disabled_at, true)}</strong>
          </>
        )}
      </p>
      <div className="grid">
        <article className="card">
          <h2>Plan</h2>
          <p>
            <span className="stat">{planName(a.plan.plan_code)}</span> ({a.plan.status})
          </p>
        </article>
        <article className="card">
          <h2>Credits</h2>
          <p className="stat">{a.credits.balance.toLocaleString()}</p>
          <p className="muted">{a.credits.lifetime_spent.toLocaleString()} spent in all</p>
        </article>
        <article className="card">
          <h2>Karma</h2>
          <p className="stat">{a.karma.toLocaleString()}</p>
        </article>
      </div>
      <Section title="Devices">
        {a.devices.length === 0 ? (
          <Empty>No devices.</Empty>
        ) : (
          <Table
            caption="Devices"
            head={['Device', 'Type', 'Last seen', 'State']}
            rows={a.devices.map((d) => [
              d.device_name ?? d.device_id,
              d.device_type,
              formatDate(d.last_seen, true),
              d.revoked_at ? `revoked ${formatDate(d.revoked_at)}` : 'active',
            ])}
          />
        )}
      </Section>
      <Section title="Live sessions">
        {a.sessions.length === 0 ? (
          <Empty>Not signed in anywhere.</Empty>
        ) : (
          <Table
            caption="Live sessions"
            head={['Started', 'Until', 'Address']}
            rows={a.sessions.map((s) => [
              formatDate(s.created_at, true),
              formatDate(s.expires_at, true),
              s.ip_address ?? '—',
            ])}
          />
        )}
      </Section>
      <Section title="Apps signed in with CALOS">
        {a.apps.length === 0 ? (
          <Empty>No other apps.</Empty>
        ) : (
          <ul className="list">
            {a.apps.map((app) => (
              <li className="list-row" key={`${app.client_id}:${app.created_at}`}>
                {app.name} <span className="muted">since {formatDate(app.created_at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Act on this account">
        <div className="grid">
          <ReasonedAction
            title="Sign out everywhere"
            trigger="Sign out everywhere"
            question={`End every session of ${who}? They will have to sign in again on every device.`}
            confirm={`Sign ${who} out`}
            run={async (reason) => {
              const r = await post('sign-out', { reason });
              data.reload();
              return `Signed out: ${(r as { sessions_ended: number }).sessions_ended} sessions ended.`;
            }}
          />
          <ReasonedAction
            title={a.disabled_at ? 'Enable the account' : 'Disable the account'}
            trigger={a.disabled_at ? 'Enable' : 'Disable'}
            question={
              a.disabled_at
                ? `Let ${who} sign in again?`
                : `Disable ${who}? They cannot sign in and every session ends.`
            }
            confirm={a.disabled_at ? `Enable ${who}` : `Disable ${who}`}
            run={async (reason) => {
              await post(a.disabled_at ? 'enable' : 'disable', { reason });
              data.reload();
              return a.disabled_at ? 'The account is enabled.' : 'The account is disabled.';
            }}
          />
          {can.changeMoney(grants) && (
            <>
              <ReasonedAction
                title="Change the plan"
                trigger="Change plan"
                question={`Put ${who} on the ${planName(plan)} plan, without payment?`}
                confirm={`Change to ${planName(plan)}`}
                extra={
                  <SelectField
                    label="New plan"
                    value={plan}
                    onChange={(e) => setPlan(e.target.value)}
                    options={PLANS.map((p) => [p, planName(p)] as const)}
                  />
                }
                run={async (reason) => {
                  await post('plan', { plan_code: plan, reason }, 'PUT');
                  data.reload();
                  return `Now on the ${planName(plan)} plan.`;
                }}
              />
              <ReasonedAction
                title="Grant or take back credits"
                trigger={credits < 0 ? 'Take back credits' : 'Grant credits'}
                ready={creditsOk}
                question={
                  credits < 0
                    ? `Take ${Math.abs(credits).toLocaleString()} credits back from ${who}?`
                    : `Grant ${who} ${credits.toLocaleString()} credits?`
                }
                confirm={credits < 0 ? 'Take them back' : 'Grant them'}
                extra={
                  <TextField
                    label="Credits (negative to take back)"
                    type="number"
                    step={1}
                    min={-1_000_000}
                    max={1_000_000}
                    value={amount}
                    onChange={(e) => setAmount(e.target.value)}
                  />
                }
                run={async (reason) => {
                  const r = (await post('credits', { amount: credits, reason })) as { balance: number };
                  setAmount('');
                  data.reload();
                  return `Done: the balance is now ${r.balance.toLocaleString()}.`;
                }}
              />
            </>
          )}
        </div>
      </Section>
    </>
  );
}

function Table({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a report have no id of their own.
            <tr key={i}>
              {row.map((cell, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed.
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type QueueItem = Answer<HollowtownPaths, '/api/admin/moderation', 'get'>['items'][number];

export function Moderation({ api, config, grants }: ConsoleProps) {
  return (
    <>
      <h1>Moderation</h1>
      {can.moderateApps(grants).map((app) => (
        <Queue key={app} app={app} api={api} url={appApi(config, app, 'moderation')} />
      ))}
    </>
  );
}

/** Queue entries carry their reports and decisions: a smaller page than a plain list. */
const QUEUE_PAGE = 20;

function Queue({ app, api, url }: { app: WebApp; api: Api; url: string }) {
  const queue = usePagedList(
    (cursor, signal) =>
      api<Page<QueueItem>>(url, { query: { limit: QUEUE_PAGE, cursor: cursor ?? undefined }, signal }),
    [url, api],
  );
  return (
    <Section title={`${APP_NAMES[app]}: waiting for review`}>
      {queue.error && <ErrorMessage>{queue.error}</ErrorMessage>}
      {!queue.isLoaded ? (
        !queue.error && <Loading />
      ) : queue.items.length === 0 ? (
        <Empty>Nothing is waiting for review.</Empty>
      ) : (
        <div className="stack">
          {queue.items.map((item) => (
            <article className="card" key={`${item.item_kind}:${item.item_id}`}>
              <h3>
                {item.item_title} <span className="tag">{item.item_kind}</span>
              </h3>
              <p className="muted">
                By {item.author ?? 'a deleted account'} · {item.open_reports} open reports
              </p>
              <ul>
                {item.reports.map((r) => (
                  <li key={`${r.created_at}:${r.reason}`}>
                    “{r.reason}” <span className="muted">({formatDate(r.created_at, true)})</span>
                  </li>
                ))}
              </ul>
              <div className="grid">
                {(['restore', 'remove'] as const).map((decision) => (
                  <ReasonedAction
                    key={decision}
                    title={decision === 'restore' ? 'Restore it' : 'Remove it'}
                    trigger={decision === 'restore' ? 'Restore' : 'Remove'}
                    question={
                      decision === 'restore'
                        ? `Put “${item.item_title}” back on the public pages?`
                        : `Remove “${item.item_title}” for good? Its upvotes stop counting.`
                    }
                    confirm={decision === 'restore' ? 'Restore it' : 'Remove it'}
                    run={async (reason) => {
                      await api(`${url}/${item.item_kind}/${item.item_id}/${decision}`, { body: { reason } });
                      queue.reload();
                      return decision === 'restore' ? 'Restored.' : 'Removed.';
                    }}
                  />
                ))}
              </div>
            </article>
          ))}
          <ShowMore list={queue} label="Show more waiting items" />
        </div>
      )}
    </Section>
  );
}

const PERIODS = [
  ['7', 'The last 7 days'],
  ['30', 'The last 30 days'],
  ['365', 'The last year'],
  ['date', 'From a date'],
] as const;

const DAY_MS = 86_400_000;
/** How far back the reports reach (the server refuses more: MAX_REPORT_DAYS). */
const MAX_REPORT_DAYS = 366;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

export function Reports({ api, config, grants, params }: ConsoleProps) {
  const days = PERIODS.some(([d]) => d === params.get('days')) ? (params.get('days') as string) : '30';
  const chosen = params.get('since') ?? '';
  const [since] = useState(() => new Map<string, string>());
  // One `since` per period while the view is open, so the reports agree with each other.
  if (days !== 'date' && !since.has(days))
    since.set(days, new Date(Date.now() - Number(days) * DAY_MS).toISOString());
  // A chosen date goes to the server as it is (from its midnight UTC), if the server takes it.
  const [earliest, latest] = [dayOf(Date.now() - (MAX_REPORT_DAYS - 1) * DAY_MS), dayOf(Date.now())];
  const isOutOfRange = days === 'date' && isDay(chosen) && (chosen < earliest || chosen > latest);
  const from =
    days === 'date' ? (isDay(chosen) && !isOutOfRange ? chosen : undefined) : (since.get(days) as string);
  const [draft, setDraft] = useState(() => (isDay(chosen) ? chosen : dayOf(Date.now() - 30 * DAY_MS)));
  const ai = can.aiUsage(grants);
  return (
    <>
      <h1>Reports</h1>
      <SelectField
        label="Period"
        value={days}
        options={PERIODS}
        onChange={(e) =>
          navigate(
            hrefTo(config.base, 'reports', {
              days: e.target.value,
              since: e.target.value === 'date' ? draft : undefined,
            }),
            { replace: true },
          )
        }
      />
      {days === 'date' && (
        <Form
          label="Reports from a date"
          onSubmit={() =>
            navigate(hrefTo(config.base, 'reports', { days: 'date', since: draft }), { replace: true })
          }
        >
          <TextField
            label="From"
            name="since"
            type="date"
            required
            min={earliest}
            max={latest}
            error={isOutOfRange ? 'Choose a day in the last year, up to today.' : undefined}
            hint="From that day’s midnight (UTC) until now; at most a year back."
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <SubmitRow>Show the reports</SubmitRow>
        </Form>
      )}
      {from === undefined ? (
        !isOutOfRange && <Notice tone="info">Choose the first day of the reports.</Notice>
      ) : (
        <>
          {can.market(grants).map((app) => (
            <MarketReport
              key={app}
              app={app}
              api={api}
              url={appApi(config, app, 'market')}
              refundUrl={can.refund(grants, app) ? `${config.apps[app]}api/market/purchases` : undefined}
              since={from}
            />
          ))}
          {can.affiliateApps(grants).map((app) => (
            <AffiliateReport
              key={app}
              app={app}
              api={api}
              url={appApi(config, app, 'affiliate')}
              since={from}
            />
          ))}
          {ai === 'all' ? (
            <AiReport api={api} since={from} />
          ) : (
            ai.map((app) => <AiReport key={app} api={api} since={from} app={app} />)
          )}
        </>
      )}
    </>
  );
}

/** Every app's marketplace report answers in Hollowtown's shape (HowToCookAtHome's too). */
type MarketAnswer = Answer<HollowtownPaths, '/api/admin/market', 'get'>;
/** A purchase stuck pending, with what its app says of it besides (HowToCookAtHome: the book). */
type StuckPurchase =
  | MarketAnswer['stuck']['purchases'][number]
  | Answer<RecipesPaths, '/api/admin/market', 'get'>['stuck']['purchases'][number];

/** What a stuck purchase is for: its kind and title, and what its app adds (the book's id). */
function stuckItem(p: StuckPurchase): string {
  const book = 'cookbook_id' in p && p.cookbook_id ? `, book ${p.cookbook_id}` : '';
  return `${p.title} (${p.item_kind}${book})`;
}

function MarketReport({
  app,
  api,
  url,
  refundUrl,
  since,
}: {
  app: WebApp;
  api: Api;
  url: string;
  /** Where a purchase is refunded (its id and /refund follow); undefined: not for this role. */
  refundUrl?: string;
  since: string;
}) {
  const report = useLoad((signal) => api<MarketAnswer>(url, { query: { since }, signal }), [url, since, api]);
  const [refunding, setRefunding] = useState<string>('');
  const refundable = report.data?.purchases.filter((p) => p.status === 'completed') ?? [];
  const chosen = refundable.find((p) => p.purchase_id === refunding);
  return (
    <Section title={`${APP_NAMES[app]} marketplace`}>
      {report.error && <ErrorMessage>{report.error}</ErrorMessage>}
      {!report.data ? (
        !report.error && <Loading />
      ) : (
        <>
          <Table
            caption={`${APP_NAMES[app]} marketplace totals by kind of item`}
            head={['Kind', 'On sale now', 'Sales', 'Refunds', 'Credits paid', 'Platform fees']}
            rows={report.data.totals.map((t) => [
              t.item_kind,
              t.listed,
              t.sales,
              t.refunds,
              t.credits,
              t.fees,
            ])}
          />
          {report.data.stuck.count > 0 && (
            <>
              <h3>Purchases stuck pending</h3>
              <Notice tone="info">
                {report.data.stuck.count === 1 ? '1 purchase is' : `${report.data.stuck.count} purchases are`}{' '}
                still pending: credits could not be confirmed with the account service. They are retried by
                themselves, less often after each failure (at most hourly); one whose key holds another
                transfer (IDEMPOTENCY_KEY_REUSED) needs someone to look at it.
              </Notice>
              <Table
                caption={`${APP_NAMES[app]} purchases stuck pending, oldest first`}
                head={['Since', 'Item', 'Buyer', 'Price', 'Attempts', 'Last failure', 'Next attempt']}
                rows={report.data.stuck.purchases.map((p) => [
                  formatDate(p.created_at, true),
                  stuckItem(p),
                  p.buyer.username ?? '—',
                  p.price,
                  p.attempts,
                  p.last_error_code ? `${p.last_error_code}: ${p.last_error ?? ''}` : '—',
                  p.next_attempt_at ? formatDate(p.next_attempt_at, true) : 'due',
                ])}
              />
            </>
          )}
          <h3>Purchases</h3>
          {report.data.purchases.length === 0 ? (
            <Empty>No purchases in this period.</Empty>
          ) : (
            <Table
              caption={`${APP_NAMES[app]} purchases, newest first`}
              head={['When', 'Item', 'Buyer', 'Seller', 'Price', 'State']}
              rows={report.data.purchases.map((p) => [
                formatDate(p.created_at, true),
                p.title,
                p.buyer.username ?? '—',
                p.seller.username ?? '—',
                p.price,
                p.status,
              ])}
            />
          )}
          {refundUrl && report.data.purchases.length > 0 && (
            <ReasonedAction
              title={`Refund a ${APP_NAMES[app]} purchase`}
              trigger="Refund"
              ready={chosen !== undefined}
              extra={
                <SelectField
                  label="Purchase"
                  value={refunding}
                  options={[
                    ['', 'Choose a purchase'],
                    ...refundable.map(
                      (p) =>
                        [
                          p.purchase_id,
                          `${p.title} — ${p.price} credits, ${p.buyer.username ?? 'a deleted account'} from ${p.seller.username ?? 'a deleted account'}, ${formatDate(p.created_at)}`,
                        ] as const,
                    ),
                  ]}
                  onChange={(e) => setRefunding(e.target.value)}
                />
              }
              question={
                chosen
                  ? `Give ${chosen.buyer.username ?? 'the buyer'} back ${chosen.price} credits for “${chosen.title}”, taking them back from ${chosen.seller.username ?? 'the seller'} and the fee? The buyer loses the item.`
                  : ''
              }
              confirm="Refund it"
              run={async (reason) => {
                await api(`${refundUrl}/${chosen?.purchase_id}/refund`, { body: { reason } });
                setRefunding('');
                report.reload();
                return 'Refunded: both sides are reversed.';
              }}
            />
          )}
        </>
      )}
    </Section>
  );
}

/** Every app's affiliate report answers in the same shape (src/affiliate/admin-routes.ts). */
type ClicksAnswer = Answer<HollowtownPaths, '/api/admin/affiliate', 'get'>;

function AffiliateReport({ app, api, url, since }: { app: WebApp; api: Api; url: string; since: string }) {
  const report = useLoad((signal) => api<ClicksAnswer>(url, { query: { since }, signal }), [url, since, api]);
  return (
    <Section title={`${APP_NAMES[app]}: affiliate clicks`}>
      {report.error && <ErrorMessage>{report.error}</ErrorMessage>}
      {!report.data ? (
        !report.error && <Loading />
      ) : report.data.items.length === 0 ? (
        <Empty>No “Buy at …” clicks in this period.</Empty>
      ) : (
        <Table
          caption={`${APP_NAMES[app]} affiliate clicks by retailer and kind of item (${report.data.total_clicks} in all)`}
          head={['Retailer', 'Kind of item', 'Clicks', 'People']}
          rows={report.data.items.map((r) => [r.retailer, r.item_kind, r.clicks, r.users])}
        />
      )}
    </Section>
  );
}

type AiAnswer = Answer<IdentityPaths, '/api/admin/ai-usage', 'get'>;

function AiReport({ api, since, app }: { api: Api; since: string; app?: WebApp }) {
  const report = useLoad(
    (signal) => api<AiAnswer>('/api/admin/ai-usage', { query: { since, app }, signal }),
    [since, app, api],
  );
  return (
    <Section title={app ? `${APP_NAMES[app]}: AI usage` : 'AI usage'}>
      {report.error && <ErrorMessage>{report.error}</ErrorMessage>}
      {!report.data ? (
        !report.error && <Loading />
      ) : report.data.items.length === 0 ? (
        <Empty>No AI calls in this period.</Empty>
      ) : (
        <Table
          caption="AI calls by app, model and instance"
          head={['App', 'Model', 'Instance', 'Calls', 'Failed', 'Tokens in / out', 'Credits', 'People']}
          rows={report.data.items.map((r) => [
            r.app,
            r.model,
            r.instance ?? r.provider,
            r.calls,
            r.failed,
            `${r.prompt_tokens.toLocaleString()} / ${r.completion_tokens.toLocaleString()}`,
            r.credits,
            r.people,
          ])}
        />
      )}
    </Section>
  );
}

const AUDIT_PAGE = 50;

export function AuditLog({ api, config, grants, params }: ConsoleProps) {
  const domains = can.auditDomains(grants);
  const wanted = params.get('domain') ?? '';
  const domain = domains.includes(wanted) ? wanted : (domains[0] as string);
  const log = usePagedList(
    (cursor, signal) =>
      api<Answer<IdentityPaths, '/api/admin/audit', 'get'>>('/api/admin/audit', {
        query: {
          domain: domain === 'all' ? undefined : domain,
          limit: AUDIT_PAGE,
          cursor: cursor ?? undefined,
        },
        signal,
      }),
    [domain, api],
  );
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every staff action, newest first. Nobody can change or delete an entry; the person an action concerns
        sees it in their security log.
      </p>
      {domains.length > 1 && (
        <SelectField
          label="Domain to show"
          value={domain}
          options={domains.map((d) => [d, DOMAIN_NAMES[d] ?? d] as const)}
          onChange={(e) =>
            navigate(hrefTo(config.base, 'audit', { domain: e.target.value }), { replace: true })
          }
        />
      )}
      {log.error && <ErrorMessage>{log.error}</ErrorMessage>}
      {!log.isLoaded ? (
        !log.error && <Loading />
      ) : log.items.length === 0 ? (
        <Empty>No staff actions yet.</Empty>
      ) : (
        <Table
          caption="Staff actions, newest first"
          head={['When', 'Staff', 'Action', 'Domain', 'Account', 'Reason']}
          rows={log.items.map((e) => [
            formatDate(e.created_at, true),
            e.actor_label,
            e.action,
            e.domain,
            e.subject_user_id ? (
              can.readAccounts(grants) ? (
                <Link key="account" href={hrefTo(config.base, 'user', { id: e.subject_user_id })}>
                  account
                </Link>
              ) : (
                'an account'
              )
            ) : (
              '—'
            ),
            e.reason ?? '—',
          ])}
        />
      )}
      <ShowMore list={log} label="Show older entries" />
    </>
  );
}

export type { StaffGrant };
