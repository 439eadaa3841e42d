// Hollowtown's marketplace pages: haunted-house plans and costume patterns. The pages are the
// shared marketplace's (web/shared/market.tsx); this gives them Hollowtown's words, how its items
// show, its purchase pages (a buyer keeps a copy of the item) and what may be listed. The shapes
// come from the server's OpenAPI document (web/api/generated).
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Empty, ErrorMessage, formatDate, Loading, Notice, Section } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';
import {
  credits,
  MarketNav,
  type MarketPages,
  MarketPurchasesView,
  MarketSellingView,
  MarketView,
  NewListingForm,
  PurchaseStatus,
} from '../shared/market.tsx';
import { Link } from '../shared/router.tsx';
import type { Page } from './event-types.ts';
import { itemLine } from './item-lines.ts';

export type Listing = Answer<paths, '/api/market/listings/{id}', 'get'>;
export type Purchase = Answer<paths, '/api/market/purchases', 'get'>['items'][number];
type PurchaseDetails = Answer<paths, '/api/market/purchases/{id}', 'get'>;
type FullItem = NonNullable<Listing['item']>;

const kindName = (kind: string) => (kind === 'plan' ? 'Haunted-house plan' : 'Costume pattern');

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

interface OwnPlan {
  plan_id: string;
  room_name: string;
}
interface OwnCostume {
  costume_id: string;
  costume_name: string;
}

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
  return (
    <NewListingForm
      props={props}
      title="Sell a plan or costume"
      options={options}
      isLoaded={items.data !== undefined}
      loadError={items.error}
      nothingToSell={
        <>
          Everything of yours is listed already. Plan a room in the{' '}
          <Link href={props.href('haunted-house')}>haunted-house planner</Link> or share a{' '}
          <Link href={props.href('costumes')}>costume</Link> to sell it.
        </>
      }
      chooseLabel="What to sell"
      titleHint="Leave empty to use the item's name"
      summaryHint="Everyone sees it before buying; the item itself is only for buyers"
      toItem={(choice) => {
        const [kind, id] = choice.split(':');
        if (!kind || !id) throw new Error('Choose the plan or costume to sell.');
        return { item_kind: kind, item_id: id };
      }}
      onListed={onListed}
    />
  );
}

const HOLLOWTOWN_MARKET: MarketPages<Listing, Purchase> = {
  intro:
    'Haunted-house plans and costume patterns made by other Hollowtown neighbours, paid with your CALOS credits.',
  kinds: [
    ['', 'Everything'],
    ['plan', 'Haunted-house plans'],
    ['costume', 'Costume patterns'],
  ],
  kindOf: (item) => kindName(item.item_kind),
  PreviewFacts,
  FullItem: ({ listing }) => (listing.item ? <FullItemView item={listing.item} /> : null),
  ownItemTitle: 'Your item',
  buyText: (listing) =>
    listing.item_kind === 'plan'
      ? 'Buying gives you the whole plan: every prop and step.'
      : 'Buying gives you the whole pattern: every material and instruction.',
  showBoughtText: 'Show the whole item',
  // A purchase whose listing went (the seller's account was closed) opens as the buyer's copy.
  purchaseHref: (props, p) =>
    props.href('market', p.listing_id ? { listing: p.listing_id } : { purchase: p.purchase_id }),
  PurchasePage,
  listingFacts: (listing) => kindName(listing.item_kind),
  salesItemHeader: 'Item',
  NewListing,
};

/** The marketplace: listings for sale, newest first, searched by words, kind and highest price. */
export const Market = (props: ViewProps) => <MarketView props={props} app={HOLLOWTOWN_MARKET} />;
/** What I bought, newest first, each with the way to its full item. */
export const MarketPurchases = (props: ViewProps) => (
  <MarketPurchasesView props={props} app={HOLLOWTOWN_MARKET} />
);
/** What I sell: my listings (listed or not), my earnings and sales, and a new listing. */
export const MarketSelling = (props: ViewProps) => (
  <MarketSellingView props={props} app={HOLLOWTOWN_MARKET} />
);
