// HowToCookAtHome's marketplace of recipe books: browse and search the listings, a listing's public
// preview (the book's words and its recipes' names) and buying it with credits, what you bought
// (each opens as a cookbook), and what you sell (listings, sales, earnings, a cookbook to list).
// Mirrors Hollowtown's marketplace; the shapes come from the server's OpenAPI document.
import { useEffect, useId, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths as IdentityPaths } from '../api/generated/identity.ts';
import type { paths } from '../api/generated/recipes.ts';
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
import type { Cookbook, Page } from './types.ts';

export type Listing = Answer<paths, '/api/market/listings/{id}', 'get'>;
export type Purchase = Answer<paths, '/api/market/purchases', 'get'>['items'][number];
type Sales = Answer<paths, '/api/market/sales', 'get'>;
type PreviewRecipe = Listing['preview']['recipes'][number];
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

const recipeCount = (n: number) => `${n} ${n === 1 ? 'recipe' : 'recipes'}`;

const recipeLine = (r: PreviewRecipe) =>
  [
    r.cuisine,
    r.difficulty,
    r.total_time_minutes !== null && `${r.total_time_minutes} min`,
    r.serves !== null && `serves ${r.serves}`,
  ]
    .filter(Boolean)
    .join(' · ');

function PreviewFacts({ listing }: { listing: Pick<Listing, 'preview'> }) {
  const p = listing.preview;
  return (
    <p className="muted">
      Cookbook “{p.cookbook_title}” · {recipeCount(p.recipe_count)}
    </p>
  );
}

/** What anyone sees before buying: the book's words and what its recipes are, not how they are made. */
function PreviewRecipes({ listing }: { listing: Listing }) {
  const p = listing.preview;
  return (
    <>
      {p.description && <p>{p.description}</p>}
      <h3>The recipes in it</h3>
      {p.recipes.length === 0 ? (
        <Empty>No recipes to show.</Empty>
      ) : (
        <ol aria-label={`Recipes in ${listing.title}`}>
          {p.recipes.map((r, index) => (
            // Names may repeat and the preview has no ids: the place in the book tells them apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: the book's order is what identifies them here
            <li key={index}>
              {r.recipe_name}
              {recipeLine(r) && <span className="muted"> · {recipeLine(r)}</span>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

const EMPTY_SEARCH = { q: '', price_max: '' };

/** The marketplace: recipe books for sale, newest first, searched by words and highest price. */
export function Market(props: ViewProps) {
  const listingId = props.params.get('listing');
  if (listingId) return <ListingPage props={props} listingId={listingId} />;
  return <Browse props={props} />;
}

function Browse({ props }: { props: ViewProps }) {
  const [form, , set] = useFields({
    q: props.params.get('q') ?? '',
    price_max: props.params.get('price_max') ?? '',
  });
  const [search, setSearch] = useState(() => ({ ...form }));
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<Listing>>('/api/market/listings', {
        signal,
        query: { limit: 20, cursor, q: search.q.trim(), price_max: search.price_max },
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
        Recipe books: cookbooks of other cooks’ own recipes, paid with your CALOS credits. Before buying you
        see what the recipes are; after, the whole book is yours to cook from.
      </p>
      <Form onSubmit={() => setSearch({ ...form })} label="Search the marketplace" wide>
        <div className="form-grid">
          <TextField
            label="Words"
            hint="In the title, the summary or a recipe’s name"
            type="search"
            maxLength={200}
            value={form.q}
            onChange={set('q')}
          />
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
                <strong>{credits(listing.price)}</strong> · recipe book
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
            <strong>{credits(l.price)}</strong> · recipe book · {l.sales} {l.sales === 1 ? 'sale' : 'sales'}
            {!l.is_listed && ' · not for sale any more'}
          </p>
          <Section title="Preview">
            <PreviewFacts listing={l} />
            {l.summary ? <p>{l.summary}</p> : <Empty>The seller wrote no summary.</Empty>}
            <PreviewRecipes listing={l} />
          </Section>
          {l.item ? (
            <Section title={l.is_mine ? 'Your book' : 'What you bought'}>
              {l.is_mine && (
                <Notice tone="info">
                  This is your own listing. Change or unlist it in{' '}
                  <Link href={props.href('market-selling')}>My listings and sales</Link>.
                </Notice>
              )}
              <p>
                <Link href={props.href('cookbooks', { id: l.item.cookbook_id })}>
                  Open the book: every recipe, ingredients and method
                </Link>
              </p>
            </Section>
          ) : (
            <BuyPanel props={props} listing={l} onBought={listing.reload} />
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
        Buying gives you the whole book: every recipe in it, with its ingredients and method, as long as the
        purchase stands.
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
            Show the book
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

/** What I bought, newest first, each with the way into its book. */
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
                {p.status === 'completed' && p.listing_id ? (
                  <Link href={props.href('market', { listing: p.listing_id })}>{p.title}</Link>
                ) : (
                  p.title
                )}{' '}
                <span className="muted">
                  · {credits(p.price)} · {formatDate(p.created_at)}
                </span>{' '}
                <PurchaseStatus purchase={p} />
                {p.cookbook_id && (
                  <>
                    {' '}
                    <Link href={props.href('cookbooks', { id: p.cookbook_id })}>
                      Open the book<span className="visually-hidden"> {p.title}</span>
                    </Link>
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ShowMore list={list} label="Show more purchases" />
    </>
  );
}

const EMPTY_LISTING = { cookbook: '', price: '', title: '', summary: '' };

/** Put one of my cookbooks on sale (`?cookbook=` from a cookbook's page chooses it). */
function NewListing({ props, mine, onListed }: { props: ViewProps; mine: Listing[]; onListed: () => void }) {
  const books = useLoad(
    (signal) => props.api<Page<Cookbook>>('/api/cookbooks', { signal, query: { limit: 100, scope: 'mine' } }),
    [props.api],
  );
  const [form, setForm, set] = useFields({ ...EMPTY_LISTING, cookbook: props.params.get('cookbook') ?? '' });
  const create = useAction();
  const listed = new Set(mine.map((l) => l.item?.cookbook_id ?? ''));
  // A public cookbook is free for everyone: it is not sold (the server says so too).
  const sellable = (books.data?.items ?? []).filter(
    (c) => !listed.has(c.cookbook_id) && c.visibility !== 'public',
  );
  const options: Array<readonly [string, string]> = [
    ['', 'Choose one of your cookbooks'],
    ...sellable.map((c) => [c.cookbook_id, `${c.title} (${recipeCount(c.recipe_count)})`] as const),
  ];
  const submit = () =>
    create.run(async () => {
      if (!form.cookbook) throw new Error('Choose the cookbook to sell.');
      await props.api('/api/market/listings', {
        body: {
          cookbook_id: form.cookbook,
          price: Number(form.price),
          ...(form.title.trim() ? { title: form.title.trim() } : {}),
          ...(form.summary.trim() ? { summary: form.summary.trim() } : {}),
        },
      });
      setForm(EMPTY_LISTING);
      onListed();
    });
  return (
    <Section title="Sell a recipe book">
      <p className="muted">
        A recipe book is one of your cookbooks, private or shared with your family, of your own recipes only.
        Buyers see its title, summary and the names of its recipes; after paying they read all of it.
      </p>
      {books.error && <ErrorMessage>{books.error}</ErrorMessage>}
      {books.data && options.length === 1 ? (
        <Empty>
          No cookbook of yours to sell: <Link href={props.href('cookbooks', { new: '1' })}>make one</Link> and
          fill it with your own recipes.
        </Empty>
      ) : (
        <Form onSubmit={submit} error={create.error} label="Sell a recipe book" wide>
          <div className="form-grid">
            <SelectField
              label="Cookbook to sell"
              required
              options={options}
              value={form.cookbook}
              onChange={set('cookbook')}
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
              hint="Leave empty to use the cookbook's title"
              maxLength={200}
              value={form.title}
              onChange={set('title')}
            />
          </div>
          <TextArea
            label="Summary"
            hint="Everyone sees it before buying; the recipes themselves are only for buyers"
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
        {credits(listing.price)} · {recipeCount(listing.preview.recipe_count)} · {listing.sales}{' '}
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
                  <th scope="col">Book</th>
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
