// The account console's marketplace page: what you bought and sold in every app's marketplace,
// read from each app's own API with your session (as the operator console reads the apps'
// reports): identity never reads an app's database. An app without a marketplace (its API
// answers 404) is left out; one that cannot be reached says so and the others still show.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { Page } from '../shared/api.ts';
import { Empty, ErrorMessage, formatDate, Loading, Section } from '../shared/components.tsx';
import { APP_NAMES, type PageConfig, type WebApp } from '../shared/config.ts';
import { ApiError, describeError } from '../shared/errors.ts';
import { useLoad } from '../shared/hooks.ts';
import type { AccountViewProps } from './props.ts';

/** Every app's marketplace answers purchases and sales in Hollowtown's shape. */
type Purchase = Answer<paths, '/api/market/purchases', 'get'>['items'][number];
type Sales = Answer<paths, '/api/market/sales', 'get'>;

/** The apps that sell things: Hollowtown's plans and costumes, HowToCookAtHome's recipe books. */
export const MARKET_APPS = ['hollowtown', 'recipes'] as const satisfies readonly WebApp[];

/** Where an app shows one of its listings: its marketplace page with the listing. */
const itemHref = (config: PageConfig, app: WebApp, listingId: string) =>
  `${config.apps[app]}market?listing=${encodeURIComponent(listingId)}`;

const credits = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'credit' : 'credits'}`;

interface AppActivity {
  app: WebApp;
  purchases: Purchase[];
  sales: Sales | null;
  error?: string;
}

async function activityOf(
  props: AccountViewProps,
  app: WebApp,
  signal: AbortSignal,
): Promise<AppActivity | null> {
  const get = <T,>(path: string) =>
    props.session.fetch<T>(`${props.config.apps[app]}api/market/${path}`, {
      signal,
      query: { limit: 20 },
    });
  try {
    const [purchases, sales] = await Promise.all([get<Page<Purchase>>('purchases'), get<Sales>('sales')]);
    return { app, purchases: purchases.items, sales };
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    // No marketplace in that app (yet).
    if (error instanceof ApiError && error.status === 404) return null;
    return { app, purchases: [], sales: null, error: describeError(error) };
  }
}

function Purchases({ config, activity }: { config: PageConfig; activity: AppActivity }) {
  const name = APP_NAMES[activity.app];
  if (activity.purchases.length === 0) return <Empty>Nothing bought in {name}.</Empty>;
  return (
    <ul className="list" aria-label={`Bought in ${name}`}>
      {activity.purchases.map((p) => (
        <li className="list-row" key={p.purchase_id}>
          <span>
            {p.status === 'completed' && p.listing_id ? (
              <a href={itemHref(config, activity.app, p.listing_id)}>{p.title}</a>
            ) : p.status === 'completed' && activity.app === 'hollowtown' ? (
              // The seller's account was erased: Hollowtown shows the buyer's copy by purchase.
              <a href={`${config.apps.hollowtown}market?purchase=${encodeURIComponent(p.purchase_id)}`}>
                {p.title}
              </a>
            ) : (
              p.title
            )}{' '}
            <span className="muted">
              · {credits(p.price)} · {formatDate(p.created_at)}
              {p.status === 'refunded' && ` · refunded ${formatDate(p.refunded_at)}`}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

function SalesOf({ config, activity }: { config: PageConfig; activity: AppActivity }) {
  const name = APP_NAMES[activity.app];
  const sales = activity.sales;
  if (!sales) return null;
  return (
    <>
      <p>
        {sales.totals.sales.toLocaleString()} {sales.totals.sales === 1 ? 'sale' : 'sales'} · buyers paid{' '}
        {credits(sales.totals.gross)} · fees {credits(sales.totals.fees)} ·{' '}
        <strong>you earned {credits(sales.totals.earned)}</strong>
      </p>
      {sales.items.length === 0 ? (
        <Empty>Nothing sold in {name}.</Empty>
      ) : (
        <ul className="list" aria-label={`Sold in ${name}`}>
          {sales.items.map((s) => (
            <li className="list-row" key={s.purchase_id}>
              <span>
                {s.listing_id ? (
                  <a href={itemHref(config, activity.app, s.listing_id)}>{s.title}</a>
                ) : (
                  s.title
                )}{' '}
                <span className="muted">
                  · {credits(s.price)}, you received {credits(s.seller_received)} · {formatDate(s.created_at)}
                  {s.status === 'refunded' && ` · refunded ${formatDate(s.refunded_at)}`}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Purchases and sales across the apps' marketplaces, each app in its own section. */
export function MarketActivity(props: AccountViewProps) {
  const all = useLoad(
    async (signal) =>
      (await Promise.all(MARKET_APPS.map((app) => activityOf(props, app, signal)))).filter(
        (a): a is AppActivity => a !== null,
      ),
    [props.session, props.config],
  );
  return (
    <>
      <h1>Purchases and sales</h1>
      <p>
        What you bought and sold in the CALOS apps’ marketplaces, paid from your one credit balance. Earned
        credits stay credits: they cannot be paid out as money.
      </p>
      {all.error && <ErrorMessage>{all.error}</ErrorMessage>}
      {!all.data ? (
        !all.error && <Loading />
      ) : all.data.length === 0 ? (
        <Empty>No app has a marketplace you can reach right now.</Empty>
      ) : (
        all.data.map((activity) => (
          <Section key={activity.app} title={APP_NAMES[activity.app]}>
            {activity.error ? (
              <ErrorMessage>
                {APP_NAMES[activity.app]} cannot be reached right now: {activity.error}
              </ErrorMessage>
            ) : (
              <>
                <h3>Bought</h3>
                <Purchases config={props.config} activity={activity} />
                <h3>Sold</h3>
                <SalesOf config={props.config} activity={activity} />
                <p>
                  <a href={`${props.config.apps[activity.app]}market`}>
                    Open {APP_NAMES[activity.app]}’s marketplace
                  </a>
                </p>
              </>
            )}
          </Section>
        ))
      )}
    </>
  );
}
