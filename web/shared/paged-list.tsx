// A list the API hands out a page at a time ({items, next_cursor}): the first page loads like
// useLoad, "Show more" adds the next one below, and a reload starts again from the first.
import { useState } from 'react';
import type { Page } from './api.ts';
import { Button, ErrorMessage } from './components.tsx';
import { useAction, useLoad } from './hooks.ts';

export function usePagedList<T>(
  loadPage: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
) {
  const [later, setLater] = useState<Page<T> | null>(null);
  const first = useLoad((signal) => {
    setLater(null);
    return loadPage(null, signal);
  }, deps);
  const more = useAction();
  const cursor = later ? later.next_cursor : (first.data?.next_cursor ?? null);
  const showMore = () =>
    more.run(async () => {
      if (!cursor) return;
      const page = await loadPage(cursor);
      setLater((l) => ({ items: [...(l?.items ?? []), ...page.items], next_cursor: page.next_cursor }));
    });
  return {
    /** Every item loaded so far, the first page's first. */
    items: [...(first.data?.items ?? []), ...(later?.items ?? [])],
    isLoaded: first.data !== undefined,
    error: first.error,
    hasMore: cursor !== null,
    showMore,
    isLoadingMore: more.busy,
    moreError: more.error,
    reload: first.reload,
    /** An item made on this page, shown first without loading again. */
    prepend: (item: T) =>
      first.setData({
        items: [item, ...(first.data?.items ?? [])],
        next_cursor: first.data?.next_cursor ?? null,
      }),
    /** Items changed on this page, replaced where they are. */
    mapItems: (change: (item: T) => T) => {
      if (first.data) first.setData({ ...first.data, items: first.data.items.map(change) });
      setLater((l) => l && { ...l, items: l.items.map(change) });
    },
  };
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;

/** Why the next page did not come, and the button that asks for it while there is one. */
export function ShowMore({
  list,
  label,
  small,
}: {
  list: Pick<PagedList<unknown>, 'hasMore' | 'showMore' | 'isLoadingMore' | 'moreError'>;
  label: string;
  small?: boolean;
}) {
  return (
    <>
      {list.moreError && <ErrorMessage>{list.moreError}</ErrorMessage>}
      {list.hasMore && (
        <div className="button-row section">
          <Button
            small={small}
            variant="secondary"
            busy={list.isLoadingMore}
            onClick={() => void list.showMore()}
          >
            {label}
          </Button>
        </div>
      )}
    </>
  );
}
