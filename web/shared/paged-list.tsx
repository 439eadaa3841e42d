// A list the API hands out a page at a time ({items, next_cursor}): the first page loads like
// useLoad, "Show more" adds the next one below, and a reload starts again from the first. Pages
// kept live by a stream lay what it brings over the pages shown (putLive), without duplicates.
// Such a list reads its first page once the stream listens (streamChanged), so that nothing
// falls between the page and the stream, and reads it again only when the stream comes back.
import { useEffect, useRef, useState } from 'react';
import type { Page } from './api.ts';
import { Button, ErrorMessage } from './components.tsx';
import { describeError } from './errors.ts';
import { useAction } from './hooks.ts';
import type { StreamState } from './stream.ts';

/** How long a list kept live waits for its stream before it reads its first page without it. */
export const STREAM_WAIT_MS = 1500;

/** Something the stream brought, and how it goes into the pages shown. */
interface LiveChange<P extends Page<unknown>> {
  item: P['items'][number];
  /** Only replace the item with the same key where it is shown (a change to an item): never add it. */
  onlyIfShown?: boolean;
  /** How the first page changes when the item is new to the pages shown (e.g. an unread count). */
  onNew?: (first: P) => P;
}

interface Pages<P extends Page<unknown>> {
  first?: P;
  /** The pages loaded after the first, as one; null until "Show more". */
  later: Page<P['items'][number]> | null;
  error?: string;
}

/**
 * `loadPage` answers a page: the first with cursor null (its extra fields, such as a count, stay
 * readable as `firstPage`). `keyOf` names an item's identity: with it, an item is shown once even
 * when a page and the stream both bring it, and `putLive` can replace it where it is.
 *
 * `followsStream`: a stream keeps the list live, and the page hands it each state the stream says
 * (`streamChanged`). The first page is then read once the stream is live (the server listens
 * before it answers, so whatever changes after the read comes on the stream, and what comes while
 * the page loads is laid over it); if the stream fails or has not answered after STREAM_WAIT_MS,
 * the page is read without it, and again when the stream is live. Each later (re)connect reads
 * the first page again too: the stream does not replay what changed while it was down.
 */
export function usePagedList<P extends Page<unknown>>(
  loadPage: (cursor: string | null, signal?: AbortSignal) => Promise<P>,
  deps: unknown[],
  options: { keyOf?: (item: P['items'][number]) => unknown; followsStream?: boolean } = {},
) {
  type T = P['items'][number];
  const [pages, setPages] = useState<Pages<P>>({ later: null });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;
  const keyOf = options.keyOf;
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;
  // Counts the first-page loads begun: a later page asked for before the newest began belongs to
  // a first page no longer shown, and joining it would leave a gap or repeat items; it is dropped.
  const generation = useRef(0);
  const isReload = useRef(false);
  const isLoadingFirst = useRef(false);
  // What the stream brought while the first page was loading: laid over that page when it comes,
  // in order, since the page may have been read before or after each of them.
  const arrivedWhileLoading = useRef<LiveChange<P>[]>([]);
  const more = useAction();
  const followsStream = options.followsStream === true;
  // What the stream last said; undefined until its first answer.
  const streamState = useRef<StreamState>(undefined);
  // Starts the first-page read that waits for the stream; set only while it waits.
  const startWaiting = useRef<(() => void) | undefined>(undefined);

  const place = (current: Pages<P>, change: LiveChange<P>): Pages<P> => {
    if (!current.first) return current;
    const key = keyRef.current;
    const same = (item: T) => key !== undefined && key(item) === key(change.item);
    const replace = (items: T[]) => items.map((item) => (same(item) ? change.item : item));
    if (current.first.items.some(same)) {
      return { ...current, first: { ...current.first, items: replace(current.first.items) } };
    }
    if (current.later?.items.some(same)) {
      return { ...current, later: { ...current.later, items: replace(current.later.items) } };
    }
    if (change.onlyIfShown) return current;
    const first = { ...current.first, items: [change.item, ...current.first.items] };
    return { ...current, first: change.onNew ? change.onNew(first) : first };
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on.
  useEffect(() => {
    const controller = new AbortController();
    generation.current += 1;
    const wasReload = isReload.current;
    isReload.current = false;
    arrivedWhileLoading.current = [];
    isLoadingFirst.current = true;
    const load = () =>
      loadRef.current(null, controller.signal).then(
        (first) => {
          if (controller.signal.aborted) return;
          const arrived = arrivedWhileLoading.current;
          arrivedWhileLoading.current = [];
          isLoadingFirst.current = false;
          setPages(arrived.reduce(place, { first, later: null }));
        },
        (error) => {
          if (controller.signal.aborted) return;
          arrivedWhileLoading.current = [];
          isLoadingFirst.current = false;
          // Asked again for the same list: what is shown stays, under the reason. Another list
          // (the deps changed) shows only the reason.
          setPages((current) =>
            wasReload
              ? { ...current, error: describeError(error) }
              : { later: null, error: describeError(error) },
          );
        },
      );
    // Opening, before the stream has answered: wait for it (what it brings meanwhile is kept in
    // arrivedWhileLoading), but not for long.
    if (followsStream && !wasReload && streamState.current === undefined) {
      let isStarted = false;
      const start = () => {
        if (isStarted) return;
        isStarted = true;
        clearTimeout(timer);
        startWaiting.current = undefined;
        void load();
      };
      const timer = setTimeout(start, STREAM_WAIT_MS);
      startWaiting.current = start;
      return () => {
        clearTimeout(timer);
        if (startWaiting.current === start) startWaiting.current = undefined;
        controller.abort();
      };
    }
    void load();
    return () => controller.abort();
  }, [...deps, version]);

  const cursor = pages.later ? pages.later.next_cursor : (pages.first?.next_cursor ?? null);
  const showMore = () =>
    more.run(async () => {
      if (!cursor) return;
      const asked = generation.current;
      const page = await loadRef.current(cursor);
      if (asked !== generation.current) return;
      setPages((current) => ({
        ...current,
        later: { items: [...(current.later?.items ?? []), ...page.items], next_cursor: page.next_cursor },
      }));
    });

  const seen = new Set<unknown>();
  const items = [...(pages.first?.items ?? []), ...(pages.later?.items ?? [])].filter((item) => {
    if (!keyOf) return true;
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const reload = () => {
    isReload.current = true;
    setVersion((v) => v + 1);
  };

  return {
    /** Every item loaded so far, the first page's first. */
    items: items as T[],
    /** The first page as it came (with what changed since), for its fields besides the items. */
    firstPage: pages.first,
    isLoaded: pages.first !== undefined,
    error: pages.error,
    hasMore: cursor !== null,
    showMore,
    isLoadingMore: more.busy,
    moreError: more.error,
    /** Loads the first page again; the later pages go when it comes (their cursor would not join it). */
    reload,
    /**
     * The stream that keeps the list live (`followsStream`) says how it is: the waiting first read
     * starts (live: the stream listens; otherwise: without it), and any other time it comes live,
     * the first page is read again, since what changed while it did not listen is not replayed.
     * Safe from the stream's callback, which outlives the render it was made in.
     */
    streamChanged: (state: StreamState) => {
      streamState.current = state;
      if (startWaiting.current) startWaiting.current();
      else if (state === 'live') reload();
    },
    /** An item made on this page, shown first without loading again. */
    prepend: (item: T) => setPages((current) => place(current, { item })),
    /**
     * What a stream brought (needs `keyOf`): replaces the item with its key where it is shown, or
     * goes first. Safe from the stream's callback, which outlives the render it was made in.
     */
    putLive: (change: LiveChange<P>) => {
      if (isLoadingFirst.current) arrivedWhileLoading.current.push(change);
      setPages((current) => place(current, change));
    },
    /** The first page's other fields changed (e.g. a count an action answered). */
    updateFirst: (change: (first: P) => P) =>
      setPages((current) => (current.first ? { ...current, first: change(current.first) } : current)),
    /** Items changed on this page, replaced where they are. */
    mapItems: (change: (item: T) => T) =>
      setPages((current) => ({
        ...current,
        first: current.first && { ...current.first, items: current.first.items.map(change) },
        later: current.later && { ...current.later, items: current.later.items.map(change) },
      })),
  };
}

export type PagedList<T> = ReturnType<typeof usePagedList<Page<T>>>;

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
