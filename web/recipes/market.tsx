// HowToCookAtHome's marketplace of recipe books. The pages are the shared marketplace's
// (web/shared/market.tsx), as Hollowtown's are; this gives them the recipe book's words, its
// preview (the book's words and its recipes' names), the way into a bought book (it opens as a
// cookbook) and the cookbooks that may be listed. The shapes come from the server's OpenAPI
// document.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Empty } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';
import {
  type MarketPages,
  MarketPurchasesView,
  MarketSellingView,
  MarketView,
  NewListingForm,
} from '../shared/market.tsx';
import { Link } from '../shared/router.tsx';
import { cuisineLabel } from './recipe-facts.tsx';
import type { Cookbook, Page } from './types.ts';

export type Listing = Answer<paths, '/api/market/listings/{id}', 'get'>;
export type Purchase = Answer<paths, '/api/market/purchases', 'get'>['items'][number];
type PreviewRecipe = Listing['preview']['recipes'][number];

const recipeCount = (n: number) => `${n} ${n === 1 ? 'recipe' : 'recipes'}`;

const recipeLine = (r: PreviewRecipe) =>
  [
    cuisineLabel(r.cuisine),
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

/** Put one of my cookbooks on sale (`?cookbook=` from a cookbook's page chooses it). */
function NewListing({ props, mine, onListed }: { props: ViewProps; mine: Listing[]; onListed: () => void }) {
  const books = useLoad(
    (signal) => props.api<Page<Cookbook>>('/api/cookbooks', { signal, query: { limit: 100, scope: 'mine' } }),
    [props.api],
  );
  const listed = new Set(mine.map((l) => l.item?.cookbook_id ?? ''));
  // A public cookbook is free for everyone: it is not sold (the server says so too).
  const sellable = (books.data?.items ?? []).filter(
    (c) => !listed.has(c.cookbook_id) && c.visibility !== 'public',
  );
  const options: Array<readonly [string, string]> = [
    ['', 'Choose one of your cookbooks'],
    ...sellable.map((c) => [c.cookbook_id, `${c.title} (${recipeCount(c.recipe_count)})`] as const),
  ];
  return (
    <NewListingForm
      props={props}
      title="Sell a recipe book"
      intro={
        <p className="muted">
          A recipe book is one of your cookbooks, private or shared with your family, of your own recipes
          only. Buyers see its title, summary and the names of its recipes; after paying they read all of it.
        </p>
      }
      options={options}
      isLoaded={books.data !== undefined}
      initial={props.params.get('cookbook') ?? ''}
      loadError={books.error}
      nothingToSell={
        <>
          No cookbook of yours to sell: <Link href={props.href('cookbooks', { new: '1' })}>make one</Link> and
          fill it with your own recipes.
        </>
      }
      chooseLabel="Cookbook to sell"
      titleHint="Leave empty to use the cookbook's title"
      summaryHint="Everyone sees it before buying; the recipes themselves are only for buyers"
      toItem={(cookbookId) => {
        if (!cookbookId) throw new Error('Choose the cookbook to sell.');
        return { item_kind: 'cookbook', item_id: cookbookId };
      }}
      onListed={onListed}
    />
  );
}

const RECIPES_MARKET: MarketPages<Listing, Purchase> = {
  intro:
    'Recipe books: cookbooks of other cooks’ own recipes, paid with your CALOS credits. Before buying you see what the recipes are; after, the whole book is yours to cook from.',
  wordsHint: 'In the title, the summary or a recipe’s name',
  kindOf: () => 'recipe book',
  PreviewFacts,
  PreviewMore: PreviewRecipes,
  FullItem: ({ props, listing }) =>
    listing.item ? (
      <p>
        <Link href={props.href('cookbooks', { id: listing.item.cookbook_id })}>
          Open the book: every recipe, ingredients and method
        </Link>
      </p>
    ) : null,
  ownItemTitle: 'Your book',
  buyText: () =>
    'Buying gives you the whole book: every recipe in it, with its ingredients and method, as long as the purchase stands.',
  showBoughtText: 'Show the book',
  purchaseHref: (props, p) => (p.listing_id ? props.href('market', { listing: p.listing_id }) : null),
  PurchaseMore: ({ props, purchase }) =>
    purchase.cookbook_id ? (
      <>
        {' '}
        <Link href={props.href('cookbooks', { id: purchase.cookbook_id })}>
          Open the book<span className="visually-hidden"> {purchase.title}</span>
        </Link>
      </>
    ) : null,
  listingFacts: (listing) => recipeCount(listing.preview.recipe_count),
  salesItemHeader: 'Book',
  NewListing,
};

/** The marketplace: recipe books for sale, newest first, searched by words and highest price. */
export const Market = (props: ViewProps) => <MarketView props={props} app={RECIPES_MARKET} />;
/** What I bought, newest first, each with the way into its book. */
export const MarketPurchases = (props: ViewProps) => (
  <MarketPurchasesView props={props} app={RECIPES_MARKET} />
);
/** What I sell: my listings (listed or not), my earnings and sales, and a new listing. */
export const MarketSelling = (props: ViewProps) => <MarketSellingView props={props} app={RECIPES_MARKET} />;
