// The marketplace pages every app with a marketplace shows alike (the server side is
// src/platform/market): browse and search the listings, a listing's public preview and buying it
// with credits (a retry never pays twice), what you bought, and what you sell (listings, sales,
// earnings, a new listing). Each app gives its own words and item rendering (`MarketPages`):
// web/hollowtown/market.tsx (plans and costume patterns), web/recipes/market.tsx (recipe books).
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths as IdentityPaths } from '../api/generated/identity.ts';
import type { Page } from './api.ts';
import type { ViewProps } from './app-shell.tsx';
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
  TextArea,
  TextField,
} from './components.tsx';
import { ApiError, describeError } from './errors.ts';
import { useFields } from './form-fields.ts';
import { useAction, useLoad } from './hooks.ts';
import { ShowMore, usePagedList } from './paged-list.tsx';
import { Link } from './router.tsx';

/** A listing as every marketplace answers it (the app's generated type fills in the rest). */
export interface MarketListing {
  listing_id: string;
  item_kind: string;
  title: string;
  summary: string;
  price: number;
  is_listed: boolean;
  is_mine: boolean;
  is_purchased: boolean;
  sales: number;
  item: unknown;
}

/** A paid purchase as every marketplace answers it. */
export interface MarketPurchase {
  purchase_id: string;
  status: 'completed' | 'refunded';
  listing_id: string | null;
  item_kind: string;
  title: string;
  price: number;
  fee: number;
  seller_received: number;
  created_at: string;
  refunded_at: string | null;
}

/** A seller's sales page, with their totals. */
export interface MarketSales<P extends MarketPurchase> extends Page<P> {
  totals: { sales: number; gross: number; fees: number; earned: number };
}

/** What an app says of its marketplace pages: its words, and how its items show. */
export interface MarketPages<L extends MarketListing, P extends MarketPurchase> {
  /** Under the heading of the browse page. */
  intro: ReactNode;
  /** The kinds to filter by ([value, label], '' for all); none: the app sells one kind. */
  kinds?: ReadonlyArray<readonly [string, string]>;
  /** The hint under the search words. */
  wordsHint?: string;
  /** A listing's kind in words, after its price ("recipe book"). */
  kindOf(item: { item_kind: string }): string;
  /** The facts line of a listing's preview. */
  PreviewFacts(props: { listing: L }): ReactNode;
  /** More of the preview on the listing's page (a book's recipes). */
  PreviewMore?(props: { listing: L }): ReactNode;
  /** The whole item for its seller and buyers. */
  FullItem(props: { props: ViewProps; listing: L }): ReactNode;
  /** The heading over it for the seller ("Your item"). */
  ownItemTitle: string;
  /** What buying gives, on the listing's page. */
  buyText(listing: L): string;
  /** The link to the item once bought ("Show the whole item"). */
  showBoughtText: string;
  /** Where a completed purchase opens: its listing, or (apps with purchase pages) the purchase. */
  purchaseHref(props: ViewProps, purchase: P): string | null;
  /** More of a purchase in my purchases (a book's own link). */
  PurchaseMore?(props: { props: ViewProps; purchase: P }): ReactNode;
  /** A purchase's own page (`?purchase=`), for apps whose buyers keep a copy. */
  PurchasePage?(props: { props: ViewProps; purchaseId: string }): ReactNode;
  /** My listing's facts line, after its price. */
  listingFacts(listing: L): string;
  /** The header of the sales table's first column. */
  salesItemHeader: string;
  /** The new-listing section: the app's own items to choose from. */
  NewListing(props: { props: ViewProps; mine: L[]; onListed: () => void }): ReactNode;
}

export const credits = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'credit' : 'credits'}`;

/** Where the account console sells credits. */
const buyCreditsHref = (props: ViewProps) => `${props.config.account.replace(/\/$/, '')}/credits`;

/** One key per purchase attempt (a click on Pay); its retries send the same one. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `buy-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `buy-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The marketplace's own links, on each of its pages. */
export function MarketNav({
  props,
  current,
}: {
  props: ViewProps;
  current?: 'browse' | 'purchases' | 'selling';
}) {
  const links = [
    ['browse', 'market', 'Browse'],
    ['purchases', 'market-purchases', 'My purchases'],
    ['selling', 'market-selling', 'My listings and sales'],
  ] as const;
  return (
    <nav aria-label="Marketplace">
      <ul className="nav">
        {links.map(([key, view, label]) => (
          <li key={key}>
            <Link href={props.href(view)} aria-current={current === key ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The marketplace: listings for sale, newest first, searched by words (and kind) and highest price. */
export function MarketView<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
}) {
  const listingId = props.params.get('listing');
  if (listingId) return <ListingPage props={props} app={app} listingId={listingId} />;
  const purchaseId = props.params.get('purchase');
  if (purchaseId && app.PurchasePage) return <app.PurchasePage props={props} purchaseId={purchaseId} />;
  return <Browse props={props} app={app} />;
}

function Browse<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
}) {
  const [form, , set] = useFields({
    q: props.params.get('q') ?? '',
    kind: props.params.get('kind') ?? '',
    price_max: props.params.get('price_max') ?? '',
  });
  const [search, setSearch] = useState(() => ({ ...form }));
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<L>>('/api/market/listings', {
        signal,
        query: { limit: 20, cursor, q: search.q.trim(), kind: search.kind, price_max: search.price_max },
      }),
    [props.api, search],
  );
  const isFiltered = Object.values(search).some((value) => value !== '');
  return (
    <>
      <h1>Marketplace</h1>
      <MarketNav props={props} current="browse" />
      <p>{app.intro}</p>
      <Form onSubmit={() => setSearch({ ...form })} label="Search the marketplace" wide>
        <div className="form-grid">
          <TextField
            label="Words"
            hint={app.wordsHint}
            type="search"
            maxLength={200}
            value={form.q}
            onChange={set('q')}
          />
          {app.kinds && (
            <SelectField label="Kind" options={app.kinds} value={form.kind} onChange={set('kind')} />
          )}
          <TextField
            label="Highest price"
            hint="In credits"
            type="number"
            min={1}
            max={1000000}
            inputMode="numeric"
            value={form.price_max}
            onChange={set('price_max')}
          />
        </div>
        <SubmitRow>Search</SubmitRow>
      </Form>
      {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
      {!list.isLoaded ? (
        !list.error && <Loading />
      ) : list.items.length === 0 ? (
        <Empty>{isFiltered ? 'Nothing for sale matches that search.' : 'Nothing is for sale yet.'}</Empty>
      ) : (
        <ul className="grid list" aria-label="Listings">
          {list.items.map((listing) => (
            <li className="card" key={listing.listing_id}>
              <h2>
                <Link href={props.href('market', { listing: listing.listing_id })}>{listing.title}</Link>
              </h2>
              <p>
                <strong>{credits(listing.price)}</strong> · {app.kindOf(listing)}
                {listing.is_mine && ' · yours'}
                {listing.is_purchased && ' · bought'}
              </p>
              <app.PreviewFacts listing={listing} />
              {listing.summary && <p>{listing.summary}</p>}
            </li>
          ))}
        </ul>
      )}
      <ShowMore list={list} label="Show more listings" />
    </>
  );
}

function ListingPage<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
  listingId,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
  listingId: string;
}) {
  const listing = useLoad(
    (signal) => props.api<L>(`/api/market/listings/${encodeURIComponent(listingId)}`, { signal }),
    [props.api, listingId],
  );
  const l = listing.data;
  return (
    <>
      <MarketNav props={props} />
      <p>
        <Link href={props.href('market')}>← All listings</Link>
      </p>
      {listing.error && (
        <>
          <h1>Listing</h1>
          <ErrorMessage>
            {listing.error.includes('No such listing') || listing.error.includes('not found')
              ? 'This listing is not for sale (any more).'
              : listing.error}
          </ErrorMessage>
        </>
      )}
      {!l ? (
        !listing.error && <Loading />
      ) : (
        <>
          <h1>{l.title}</h1>
          <p>
            <strong>{credits(l.price)}</strong> · {app.kindOf(l)} · {l.sales}{' '}
            {l.sales === 1 ? 'sale' : 'sales'}
            {!l.is_listed && ' · not for sale any more'}
          </p>
          <Section title="Preview">
            <app.PreviewFacts listing={l} />
            {l.summary ? <p>{l.summary}</p> : <Empty>The seller wrote no summary.</Empty>}
            {app.PreviewMore && <app.PreviewMore listing={l} />}
          </Section>
          {l.item ? (
            <Section title={l.is_mine ? app.ownItemTitle : 'What you bought'}>
              {l.is_mine && (
                <Notice tone="info">
                  This is your own listing. Change or unlist it in{' '}
                  <Link href={props.href('market-selling')}>My listings and sales</Link>.
                </Notice>
              )}
              <app.FullItem props={props} listing={l} />
            </Section>
          ) : (
            <BuyPanel props={props} app={app} listing={l} onBought={listing.reload} />
          )}
        </>
      )}
    </>
  );
}

type BuyState =
  | { step: 'idle' }
  | { step: 'confirm' }
  | { step: 'paying' }
  | { step: 'short'; balance: number | null }
  | { step: 'bought-already' }
  | { step: 'own' }
  | { step: 'uncertain'; message: string }
  | { step: 'refused'; message: string };

/**
 * Buying: Pay asks once more, then sends the purchase under a key made for this attempt. When the
 * answer never came (network, 5xx), the same key goes again: the server pays at most once per key.
 */
function BuyPanel<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
  listing,
  onBought,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
  listing: L;
  onBought: () => void;
}) {
  const [state, setState] = useState<BuyState>({ step: 'idle' });
  const attemptKey = useRef<string | null>(null);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const headingId = useId();
  const balance = useLoad(
    (signal) =>
      props.session.fetch<Answer<IdentityPaths, '/api/credits/balance', 'get'>>(
        `${props.config.identity}/api/credits/balance`,
        { signal },
      ),
    [props.session, props.config.identity],
  );
  useEffect(() => {
    if (state.step === 'confirm') questionRef.current?.focus();
  }, [state.step]);

  const send = async (key: string) => {
    setState({ step: 'paying' });
    for (let attempt = 0; ; attempt++) {
      try {
        await props.api(`/api/market/listings/${listing.listing_id}/purchase`, {
          method: 'POST',
          headers: { 'idempotency-key': key },
        });
        attemptKey.current = null;
        onBought();
        return;
      } catch (error) {
        const status = error instanceof ApiError ? error.status : 0;
        const code = error instanceof ApiError ? error.code : '';
        // No answer, or the server could not finish: once more at once with the same key.
        if ((status === 0 || status >= 500) && attempt === 0) continue;
        if (status === 0 || status >= 500) {
          setState({ step: 'uncertain', message: describeError(error) });
          return;
        }
        attemptKey.current = null;
        if (code === 'INSUFFICIENT_CREDITS') {
          balance.reload();
          setState({ step: 'short', balance: balance.data?.balance ?? null });
        } else if (code === 'LISTING_ALREADY_PURCHASED') setState({ step: 'bought-already' });
        else if (code === 'OWN_LISTING') setState({ step: 'own' });
        else setState({ step: 'refused', message: describeError(error) });
        return;
      }
    }
  };
  const pay = () => {
    attemptKey.current = newIdempotencyKey();
    void send(attemptKey.current);
  };
  const retry = () => {
    if (attemptKey.current) void send(attemptKey.current);
  };

  const shownBalance = balance.data?.balance;
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Buy it</h2>
      <p>{app.buyText(listing)}</p>
      <p>
        Your balance: <strong>{shownBalance === undefined ? '…' : credits(shownBalance)}</strong>{' '}
        <a href={buyCreditsHref(props)}>Buy credits</a>
      </p>
      {state.step === 'short' && (
        <div className="alert" role="alert">
          <p>
            You do not have enough credits: this costs {credits(listing.price)}
            {state.balance !== null && `, you have ${credits(state.balance)}`}.
          </p>
          <p>
            <a href={buyCreditsHref(props)}>Buy credits in your CALOS account</a>, then come back to this
            page.
          </p>
        </div>
      )}
      {state.step === 'bought-already' && (
        <Notice tone="info">
          You bought this already.{' '}
          <Button variant="link" onClick={onBought}>
            {app.showBoughtText}
          </Button>
        </Notice>
      )}
      {state.step === 'own' && <Notice tone="info">This is your own listing: you cannot buy it.</Notice>}
      {state.step === 'refused' && <ErrorMessage>{state.message}</ErrorMessage>}
      {state.step === 'uncertain' && (
        <div className="alert" role="alert">
          <p>
            {state.message} We could not confirm the purchase. Trying again is safe: you will not pay twice.
          </p>
          <div className="button-row">
            <Button onClick={retry}>Try again</Button>
          </div>
        </div>
      )}
      {state.step === 'confirm' ? (
        <div className="confirm-step">
          <p ref={questionRef} tabIndex={-1}>
            Pay {credits(listing.price)} for “{listing.title}”?
          </p>
          <div className="button-row">
            <Button onClick={pay}>Pay {credits(listing.price)}</Button>
            <Button variant="secondary" onClick={() => setState({ step: 'idle' })}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        state.step !== 'uncertain' &&
        state.step !== 'bought-already' &&
        state.step !== 'own' && (
          <div className="button-row">
            <Button busy={state.step === 'paying'} onClick={() => setState({ step: 'confirm' })}>
              {state.step === 'paying' ? 'Paying…' : `Buy for ${credits(listing.price)}`}
            </Button>
          </div>
        )
      )}
    </section>
  );
}

export function PurchaseStatus({ purchase }: { purchase: Pick<MarketPurchase, 'status' | 'refunded_at'> }) {
  return purchase.status === 'refunded' ? (
    <span className="tag">refunded {formatDate(purchase.refunded_at)}</span>
  ) : null;
}

/** What I bought, newest first, each with the way to its item. */
export function MarketPurchasesView<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
}) {
  const list = usePagedList(
    (cursor, signal) => props.api<Page<P>>('/api/market/purchases', { signal, query: { limit: 20, cursor } }),
    [props.api],
  );
  return (
    <>
      <h1>My purchases</h1>
      <MarketNav props={props} current="purchases" />
      {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
      {!list.isLoaded ? (
        !list.error && <Loading />
      ) : list.items.length === 0 ? (
        <Empty>
          You have bought nothing yet. <Link href={props.href('market')}>Browse the marketplace</Link>.
        </Empty>
      ) : (
        <ul className="list" aria-label="Purchases">
          {list.items.map((p) => {
            const href = p.status === 'completed' ? app.purchaseHref(props, p) : null;
            return (
              <li className="list-row" key={p.purchase_id}>
                <span>
                  {href ? <Link href={href}>{p.title}</Link> : p.title}{' '}
                  <span className="muted">
                    · {app.kindOf(p)} · {credits(p.price)} · {formatDate(p.created_at)}
                  </span>{' '}
                  <PurchaseStatus purchase={p} />
                  {app.PurchaseMore && <app.PurchaseMore props={props} purchase={p} />}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <ShowMore list={list} label="Show more purchases" />
    </>
  );
}

const EMPTY_LISTING = { item: '', price: '', title: '', summary: '' };

/**
 * The new-listing form: the app chooses what may be sold (`options`: value, label) and how a
 * choice becomes the body's item_kind and item_id.
 */
export function NewListingForm({
  props,
  title,
  intro,
  options,
  isLoaded,
  initial = '',
  loadError,
  nothingToSell,
  chooseLabel,
  titleHint,
  summaryHint,
  toItem,
  onListed,
}: {
  props: ViewProps;
  title: string;
  intro?: ReactNode;
  /** The first is the empty choice ('', "Choose one of yours"). */
  options: ReadonlyArray<readonly [string, string]>;
  /** Whether the options have loaded (only then does one option mean nothing to sell). */
  isLoaded: boolean;
  initial?: string;
  loadError: string | undefined;
  nothingToSell: ReactNode;
  chooseLabel: string;
  titleHint: string;
  summaryHint: string;
  /** The chosen option as the listing's item; an Error's message when nothing is chosen. */
  toItem(choice: string): { item_kind: string; item_id: string };
  onListed: () => void;
}) {
  const [form, setForm, set] = useFields({ ...EMPTY_LISTING, item: initial });
  const create = useAction();
  const submit = () =>
    create.run(async () => {
      await props.api('/api/market/listings', {
        body: {
          ...toItem(form.item),
          price: Number(form.price),
          ...(form.title.trim() ? { title: form.title.trim() } : {}),
          ...(form.summary.trim() ? { summary: form.summary.trim() } : {}),
        },
      });
      setForm(EMPTY_LISTING);
      onListed();
    });
  return (
    <Section title={title}>
      {intro}
      {loadError && <ErrorMessage>{loadError}</ErrorMessage>}
      {isLoaded && options.length === 1 ? (
        <Empty>{nothingToSell}</Empty>
      ) : (
        <Form onSubmit={submit} error={create.error} label={title} wide>
          <div className="form-grid">
            <SelectField
              label={chooseLabel}
              required
              options={options}
              value={form.item}
              onChange={set('item')}
            />
            <TextField
              label="Price"
              hint="In credits"
              type="number"
              required
              min={1}
              max={1000000}
              inputMode="numeric"
              value={form.price}
              onChange={set('price')}
            />
            <TextField
              label="Title"
              hint={titleHint}
              maxLength={200}
              value={form.title}
              onChange={set('title')}
            />
          </div>
          <TextArea
            label="Summary"
            hint={summaryHint}
            maxLength={2000}
            value={form.summary}
            onChange={set('summary')}
          />
          <SubmitRow busy={create.busy}>List it for sale</SubmitRow>
        </Form>
      )}
    </Section>
  );
}

function MyListing<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
  listing,
  onChange,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
  listing: L;
  onChange: () => void;
}) {
  const toggle = useAction();
  const flip = () =>
    toggle.run(async () => {
      await props.api(`/api/market/listings/${listing.listing_id}`, {
        method: 'PATCH',
        body: { is_listed: !listing.is_listed },
      });
      onChange();
    });
  return (
    <li className="card">
      <h3>
        <Link href={props.href('market', { listing: listing.listing_id })}>{listing.title}</Link>
      </h3>
      <p>
        {credits(listing.price)} · {app.listingFacts(listing)} · {listing.sales}{' '}
        {listing.sales === 1 ? 'sale' : 'sales'} ·{' '}
        {listing.is_listed ? <span className="tag">for sale</span> : <span className="tag">unlisted</span>}
      </p>
      {toggle.error && <ErrorMessage>{toggle.error}</ErrorMessage>}
      <div className="button-row">
        <Button
          small
          variant="secondary"
          busy={toggle.busy}
          onClick={() => void flip()}
          aria-label={`${listing.is_listed ? 'Unlist' : 'List again'} ${listing.title}`}
        >
          {listing.is_listed ? 'Unlist' : 'List again'}
        </Button>
      </div>
    </li>
  );
}

/** What I sell: my listings (listed or not), my earnings and sales, and a new listing. */
export function MarketSellingView<L extends MarketListing, P extends MarketPurchase>({
  props,
  app,
}: {
  props: ViewProps;
  app: MarketPages<L, P>;
}) {
  const mine = useLoad(
    (signal) => props.api<Page<L>>('/api/market/listings', { signal, query: { scope: 'mine', limit: 100 } }),
    [props.api],
  );
  const [totals, setTotals] = useState<MarketSales<P>['totals']>();
  const sales = usePagedList(
    async (cursor, signal) => {
      const page = await props.api<MarketSales<P>>('/api/market/sales', {
        signal,
        query: { limit: 20, cursor },
      });
      setTotals(page.totals);
      return page;
    },
    [props.api],
  );
  return (
    <>
      <h1>My listings and sales</h1>
      <MarketNav props={props} current="selling" />
      <Section title="Earnings">
        {!totals ? (
          <Loading />
        ) : (
          <dl className="grid">
            <div className="card">
              <dt>Sales</dt>
              <dd className="stat">{totals.sales.toLocaleString()}</dd>
            </div>
            <div className="card">
              <dt>Buyers paid</dt>
              <dd className="stat">{credits(totals.gross)}</dd>
            </div>
            <div className="card">
              <dt>Platform fees</dt>
              <dd className="stat">{credits(totals.fees)}</dd>
            </div>
            <div className="card">
              <dt>You earned</dt>
              <dd className="stat">{credits(totals.earned)}</dd>
            </div>
          </dl>
        )}
        <p className="muted">
          Earned credits are in your CALOS balance for AI and purchases in every app; they cannot be paid out
          as money.
        </p>
      </Section>
      <Section title="Your listings">
        {mine.error && <ErrorMessage>{mine.error}</ErrorMessage>}
        {!mine.data ? (
          !mine.error && <Loading />
        ) : mine.data.items.length === 0 ? (
          <Empty>You have nothing listed.</Empty>
        ) : (
          <ul className="grid list" aria-label="Your listings">
            {mine.data.items.map((l) => (
              <MyListing key={l.listing_id} props={props} app={app} listing={l} onChange={mine.reload} />
            ))}
          </ul>
        )}
      </Section>
      <app.NewListing props={props} mine={mine.data?.items ?? []} onListed={mine.reload} />
      <Section title="Sales">
        {sales.error && <ErrorMessage>{sales.error}</ErrorMessage>}
        {!sales.isLoaded ? (
          !sales.error && <Loading />
        ) : sales.items.length === 0 ? (
          <Empty>No sales yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Your sales, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">{app.salesItemHeader}</th>
                  <th scope="col">When</th>
                  <th scope="col">Price</th>
                  <th scope="col">Fee</th>
                  <th scope="col">You received</th>
                </tr>
              </thead>
              <tbody>
                {sales.items.map((s) => (
                  <tr key={s.purchase_id}>
                    <td>
                      {s.title} <PurchaseStatus purchase={s} />
                    </td>
                    <td>{formatDate(s.created_at, true)}</td>
                    <td>{credits(s.price)}</td>
                    <td>{credits(s.fee)}</td>
                    <td>{credits(s.seller_received)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ShowMore list={sales} label="Show more sales" />
      </Section>
    </>
  );
}
