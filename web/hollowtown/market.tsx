// Hollowtown's marketplace pages: browse and search the listings, a listing's public preview and
// buying it with credits, what you bought (the full items), and what you sell (listings, sales,
// earnings). The shapes come from the server's OpenAPI document (web/api/generated).
import { useEffect, useId, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { paths as IdentityPaths } from '../api/generated/identity.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
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
} from '../shared/components.tsx';
import { ApiError, describeError } from '../shared/errors.ts';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { Link } from '../shared/router.tsx';
import type { Page } from './event-types.ts';
import { itemLine } from './item-lines.ts';

export type Listing = Answer<paths, '/api/market/listings/{id}', 'get'>;
export type Purchase = Answer<paths, '/api/market/purchases', 'get'>['items'][number];
type Sales = Answer<paths, '/api/market/sales', 'get'>;
type PurchaseDetails = Answer<paths, '/api/market/purchases/{id}', 'get'>;
type FullItem = NonNullable<Listing['item']>;

const KINDS = [
  ['', 'Everything'],
  ['plan', 'Haunted-house plans'],
  ['costume', 'Costume patterns'],
] as const;
const kindName = (kind: 'plan' | 'costume') => (kind === 'plan' ? 'Haunted-house plan' : 'Costume pattern');
const credits = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'credit' : 'credits'}`;

/** Where the account console sells credits. */
const buyCreditsHref = (props: ViewProps) => `${props.config.account.replace(/\/$/, '')}/credits`;

/** One key per purchase attempt (a click on Pay); its retries send the same one. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `buy-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `buy-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The marketplace's own links, on each of its pages. */
function MarketNav({ props, current }: { props: ViewProps; current?: 'browse' | 'purchases' | 'selling' }) {
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

function PreviewFacts({ listing }: { listing: Pick<Listing, 'preview'> }) {
  const p = listing.preview;
  return p.item_kind === 'plan' ? (
    <p className="muted">
      Room “{p.room_name}” · scare level {p.scare_level} of 10 · {p.props_count} props · {p.steps_count} steps
    </p>
  ) : (
    <p className="muted">
      “{p.costume_name}” · {p.difficulty} · {p.materials_count} materials
      {p.tags.length > 0 && ` · ${p.tags.join(', ')}`}
    </p>
  );
}

/** The whole item, as its seller and its buyers read it. */
function FullItemView({ item }: { item: FullItem }) {
  if (item.item_kind === 'plan') {
    return (
      <>
        <p>Scare level {item.scare_level} of 10</p>
        <h3>Props needed</h3>
        {item.props_needed.length === 0 ? (
          <Empty>No props.</Empty>
        ) : (
          <ul>
            {item.props_needed.map((p) => (
              <li key={itemLine(p)}>{itemLine(p)}</li>
            ))}
          </ul>
        )}
        <h3>How to set it up</h3>
        {item.setup_instructions.length === 0 ? (
          <Empty>No steps.</Empty>
        ) : (
          <ol>
            {item.setup_instructions.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        )}
      </>
    );
  }
  return (
    <>
      <p>
        {item.difficulty}
        {item.tags.length > 0 && ` · ${item.tags.join(', ')}`}
      </p>
      {item.description && <p>{item.description}</p>}
      <h3>Materials</h3>
      {item.materials.length === 0 ? (
        <Empty>No materials.</Empty>
      ) : (
        <ul>
          {item.materials.map((m) => (
            <li key={itemLine(m)}>{itemLine(m)}</li>
          ))}
        </ul>
      )}
    </>
  );
}

const EMPTY_SEARCH = { q: '', kind: '', price_max: '' };

/** The marketplace: listings for sale, newest first, searched by words, kind and highest price. */
export function Market(props: ViewProps) {
  const listingId = props.params.get('listing');
  if (listingId) return <ListingPage props={props} listingId={listingId} />;
  const purchaseId = props.params.get('purchase');
  if (purchaseId) return <PurchasePage props={props} purchaseId={purchaseId} />;
  return <Browse props={props} />;
}

function Browse({ props }: { props: ViewProps }) {
  const [form, , set] = useFields({
    q: props.params.get('q') ?? '',
    kind: props.params.get('kind') ?? '',
    price_max: props.params.get('price_max') ?? '',
  });
  const [search, setSearch] = useState(() => ({ ...form }));
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<Listing>>('/api/market/listings', {
        signal,
        query: { limit: 20, cursor, q: search.q.trim(), kind: search.kind, price_max: search.price_max },
      }),
    [props.api, search],
  );
  const isFiltered = Object.entries(search).some(
    ([k, v]) => v !== EMPTY_SEARCH[k as keyof typeof EMPTY_SEARCH],
  );
  return (
    <>
      <h1>Marketplace</h1>
      <MarketNav props={props} current="browse" />
      <p>
        Haunted-house plans and costume patterns made by other Hollowtown neighbours, paid with your CALOS
        credits.
      </p>
      <Form onSubmit={() => setSearch({ ...form })} label="Search the marketplace" wide>
        <div className="form-grid">
          <TextField label="Words" type="search" maxLength={200} value={form.q} onChange={set('q')} />
          <SelectField label="Kind" options={KINDS} value={form.kind} onChange={set('kind')} />
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
        <Loading />
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
                <strong>{credits(listing.price)}</strong> · {kindName(listing.item_kind)}
                {listing.is_mine && ' · yours'}
                {listing.is_purchased && ' · bought'}
              </p>
              <PreviewFacts listing={listing} />
              {listing.summary && <p>{listing.summary}</p>}
            </li>
          ))}
        </ul>
      )}
      <ShowMore list={list} label="Show more listings" />
    </>
  );
}

function ListingPage({ props, listingId }: { props: ViewProps; listingId: string }) {
  const listing = useLoad(
    (signal) => props.api<Listing>(`/api/market/listings/${encodeURIComponent(listingId)}`, { signal }),
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
            <strong>{credits(l.price)}</strong> · {kindName(l.item_kind)} · {l.sales}{' '}
            {l.sales === 1 ? 'sale' : 'sales'}
            {!l.is_listed && ' · not for sale any more'}
          </p>
          <Section title="Preview">
            <PreviewFacts listing={l} />
            {l.summary ? <p>{l.summary}</p> : <Empty>The seller wrote no summary.</Empty>}
          </Section>
          {l.item ? (
            <Section title={l.is_mine ? 'Your item' : 'What you bought'}>
              {l.is_mine && (
                <Notice tone="info">
                  This is your own listing. Change or unlist it in{' '}
                  <Link href={props.href('market-selling')}>My listings and sales</Link>.
                </Notice>
              )}
              <FullItemView item={l.item} />
            </Section>
          ) : (
            <BuyPanel props={props} listing={l} onBought={listing.reload} />
          )}
        </>
      )}
    </>
  );
}

/**
 * One of my purchases with its item: the seller's item while it is there, my copy once the
 * seller's account was erased (their listing is gone then, so this page is the way to it).
 */
function PurchasePage({ props, purchaseId }: { props: ViewProps; purchaseId: string }) {
  const purchase = useLoad(
    (signal) =>
      props.api<PurchaseDetails>(`/api/market/purchases/${encodeURIComponent(purchaseId)}`, { signal }),
    [props.api, purchaseId],
  );
  const p = purchase.data;
  return (
    <>
      <MarketNav props={props} />
      <p>
        <Link href={props.href('market-purchases')}>← My purchases</Link>
      </p>
      {purchase.error && (
        <>
          <h1>Purchase</h1>
          <ErrorMessage>{purchase.error}</ErrorMessage>
        </>
      )}
      {!p ? (
        !purchase.error && <Loading />
      ) : (
        <>
          <h1>{p.title}</h1>
          <p>
            {kindName(p.item_kind)} · bought for {credits(p.price)} on {formatDate(p.created_at)}{' '}
            <PurchaseStatus purchase={p} />
          </p>
          {p.item ? (
            <Section title="What you bought">
              {p.item_source === 'copy' && (
                <Notice tone="info">
                  The seller's account was closed, so this is your copy of the item as it last was: it stays
                  yours.
                </Notice>
              )}
              <FullItemView item={p.item} />
            </Section>
          ) : (
            <Empty>This purchase was refunded: the credits went back and the item is no longer yours.</Empty>
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
function BuyPanel({
  props,
  listing,
  onBought,
}: {
  props: ViewProps;
  listing: Listing;
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
      <p>
        Buying gives you the whole {listing.item_kind === 'plan' ? 'plan' : 'pattern'}: every{' '}
        {listing.item_kind === 'plan' ? 'prop and step' : 'material and instruction'}.
      </p>
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
            Show the whole item
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

function PurchaseStatus({ purchase }: { purchase: Purchase }) {
  return purchase.status === 'refunded' ? (
    <span className="tag">refunded {formatDate(purchase.refunded_at)}</span>
  ) : null;
}

/** What I bought, newest first, each with the way to its full item. */
export function MarketPurchases(props: ViewProps) {
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<Purchase>>('/api/market/purchases', { signal, query: { limit: 20, cursor } }),
    [props.api],
  );
  return (
    <>
      <h1>My purchases</h1>
      <MarketNav props={props} current="purchases" />
      {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
      {!list.isLoaded ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <Empty>
          You have bought nothing yet. <Link href={props.href('market')}>Browse the marketplace</Link>.
        </Empty>
      ) : (
        <ul className="list" aria-label="Purchases">
          {list.items.map((p) => (
            <li className="list-row" key={p.purchase_id}>
              <span>
                {p.status === 'completed' ? (
                  <Link
                    href={props.href(
                      'market',
                      p.listing_id ? { listing: p.listing_id } : { purchase: p.purchase_id },
                    )}
                  >
                    {p.title}
                  </Link>
                ) : (
                  p.title
                )}{' '}
                <span className="muted">
                  · {kindName(p.item_kind)} · {credits(p.price)} · {formatDate(p.created_at)}
                </span>{' '}
                <PurchaseStatus purchase={p} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <ShowMore list={list} label="Show more purchases" />
    </>
  );
}

interface OwnPlan {
  plan_id: string;
  room_name: string;
}
interface OwnCostume {
  costume_id: string;
  costume_name: string;
}

const EMPTY_LISTING = { item: '', price: '', title: '', summary: '' };

/** Put one of my plans or costumes on sale. */
function NewListing({ props, mine, onListed }: { props: ViewProps; mine: Listing[]; onListed: () => void }) {
  const items = useLoad(
    async (signal) => {
      const [plans, costumes] = await Promise.all([
        props.api<Page<OwnPlan>>('/api/haunted-house/plans', {
          signal,
          query: { limit: 100, scope: 'mine' },
        }),
        props.api<Page<OwnCostume>>('/api/costumes', { signal, query: { limit: 100, scope: 'mine' } }),
      ]);
      return { plans: plans.items, costumes: costumes.items };
    },
    [props.api],
  );
  const [form, setForm, set] = useFields(EMPTY_LISTING);
  const create = useAction();
  const listed = new Set(
    mine.map((l) => (l.item ? (l.item.item_kind === 'plan' ? l.item.plan_id : l.item.costume_id) : '')),
  );
  const options: Array<readonly [string, string]> = [
    ['', 'Choose one of yours'],
    ...(items.data?.plans ?? [])
      .filter((p) => !listed.has(p.plan_id))
      .map((p) => [`plan:${p.plan_id}`, `Plan: ${p.room_name}`] as const),
    ...(items.data?.costumes ?? [])
      .filter((c) => !listed.has(c.costume_id))
      .map((c) => [`costume:${c.costume_id}`, `Costume: ${c.costume_name}`] as const),
  ];
  const submit = () =>
    create.run(async () => {
      const [kind, id] = form.item.split(':');
      if (!kind || !id) throw new Error('Choose the plan or costume to sell.');
      await props.api('/api/market/listings', {
        body: {
          item_kind: kind,
          item_id: id,
          price: Number(form.price),
          ...(form.title.trim() ? { title: form.title.trim() } : {}),
          ...(form.summary.trim() ? { summary: form.summary.trim() } : {}),
        },
      });
      setForm(EMPTY_LISTING);
      onListed();
    });
  return (
    <Section title="Sell a plan or costume">
      {items.error && <ErrorMessage>{items.error}</ErrorMessage>}
      {items.data && options.length === 1 ? (
        <Empty>
          Everything of yours is listed already. Plan a room in the{' '}
          <Link href={props.href('haunted-house')}>haunted-house planner</Link> or share a{' '}
          <Link href={props.href('costumes')}>costume</Link> to sell it.
        </Empty>
      ) : (
        <Form onSubmit={submit} error={create.error} label="Sell a plan or costume" wide>
          <div className="form-grid">
            <SelectField
              label="What to sell"
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
              hint="Leave empty to use the item's name"
              maxLength={200}
              value={form.title}
              onChange={set('title')}
            />
          </div>
          <TextArea
            label="Summary"
            hint="Everyone sees it before buying; the item itself is only for buyers"
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

function MyListing({
  props,
  listing,
  onChange,
}: {
  props: ViewProps;
  listing: Listing;
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
        {credits(listing.price)} · {kindName(listing.item_kind)} · {listing.sales}{' '}
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
export function MarketSelling(props: ViewProps) {
  const mine = useLoad(
    (signal) =>
      props.api<Page<Listing>>('/api/market/listings', { signal, query: { scope: 'mine', limit: 100 } }),
    [props.api],
  );
  const [totals, setTotals] = useState<Sales['totals']>();
  const sales = usePagedList(
    async (cursor, signal) => {
      const page = await props.api<Sales>('/api/market/sales', { signal, query: { limit: 20, cursor } });
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
          <Loading />
        ) : mine.data.items.length === 0 ? (
          <Empty>You have nothing listed.</Empty>
        ) : (
          <ul className="grid list" aria-label="Your listings">
            {mine.data.items.map((l) => (
              <MyListing key={l.listing_id} props={props} listing={l} onChange={mine.reload} />
            ))}
          </ul>
        )}
      </Section>
      <NewListing props={props} mine={mine.data?.items ?? []} onListed={mine.reload} />
      <Section title="Sales">
        {sales.error && <ErrorMessage>{sales.error}</ErrorMessage>}
        {!sales.isLoaded ? (
          <Loading />
        ) : sales.items.length === 0 ? (
          <Empty>No sales yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Your sales, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Item</th>
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
