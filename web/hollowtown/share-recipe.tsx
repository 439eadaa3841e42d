// "Share to HowToCookAtHome" on the owner's recipe page: the button, then where the copy lives
// (a link into HowToCookAtHome) and whether it has the latest edit yet.
import { useEffect } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, ErrorMessage, formatDate, Loading, Section } from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { appHref } from './other-apps.ts';

type ShareStatus = Answer<paths, '/api/recipes/spooky/{id}/share', 'get'>;

/** How often, and how long, the page asks again while an edit is on its way to the copy. */
const RECHECK_MS = 1000;

export function ShareToRecipes({ props, recipeId }: { props: ViewProps; recipeId: string }) {
  const status = useLoad(
    (signal) => props.api<ShareStatus>(`/api/recipes/spooky/${recipeId}/share`, { signal }),
    [props.api, recipeId],
  );
  const share = useAction();
  const isBehind = status.data?.shared === true && !status.data.in_sync;
  const { reload } = status;
  useEffect(() => {
    if (!isBehind) return;
    const timer = setTimeout(reload, RECHECK_MS);
    return () => clearTimeout(timer);
  }, [isBehind, reload]);

  const shareNow = () =>
    share.run(async () => {
      await props.api(`/api/recipes/spooky/${recipeId}/share`, { body: { to: 'recipes' } });
      status.reload();
    });

  return (
    <Section title="In HowToCookAtHome">
      {status.error && !status.data && <ErrorMessage>{status.error}</ErrorMessage>}
      {share.error && <ErrorMessage>{share.error}</ErrorMessage>}
      {!status.data ? (
        !status.error && <Loading />
      ) : status.data.shared ? (
        <>
          <p>
            A copy is in your HowToCookAtHome recipes, where you can plan it into meals and shopping lists. It
            follows your edits here.{' '}
            <a href={appHref(props, 'recipes', 'recipes', { id: status.data.recipe_id })}>
              Open the copy in HowToCookAtHome
            </a>
          </p>
          <p className="share-state" role="status">
            {status.data.in_sync
              ? `Up to date: the copy has your latest edit${
                  status.data.synced_at ? ` (synced ${formatDate(status.data.synced_at, true)})` : ''
                }.`
              : 'Bringing your latest edit to the copy…'}
          </p>
        </>
      ) : (
        <>
          <p>
            Share this recipe to your HowToCookAtHome recipes to plan it into meals and shopping lists there.
            The copy follows your edits here.
          </p>
          <div className="button-row">
            <Button busy={share.busy} onClick={() => void shareNow()}>
              Share to HowToCookAtHome
            </Button>
          </div>
        </>
      )}
    </Section>
  );
}
