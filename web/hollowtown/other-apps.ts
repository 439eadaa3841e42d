// The other CALOS apps from the Hollowtown page: Family Planner's and HowToCookAtHome's APIs
// with the same CALOS access token (it is valid for every service), at the origins the page
// config names, and links to their pages.
import type { RequestOptions } from '../shared/api.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import type { WebApp } from '../shared/config.ts';
import { hrefTo } from '../shared/router.tsx';

export type AppApi = <T>(path: string, options?: RequestOptions) => Promise<T>;

const rootOf = (props: Pick<ViewProps, 'config'>, app: WebApp) => props.config.apps[app].replace(/\/$/, '');

/** Another app's API: appApi(props, 'family')('/api/families'). */
export function appApi(props: Pick<ViewProps, 'config' | 'session'>, app: WebApp): AppApi {
  const root = rootOf(props, app);
  return (path, options) => props.session.fetch(`${root}${path}`, options);
}

/** A view of another app's page: appHref(props, 'family', 'shopping', { list }). */
export const appHref = (
  props: Pick<ViewProps, 'config'>,
  app: WebApp,
  view: string,
  params?: Record<string, string | undefined>,
) => hrefTo(rootOf(props, app), view, params);

/** An address on another app's API, for what appApi cannot do (a live stream). */
export const appUrl = (props: Pick<ViewProps, 'config'>, app: WebApp, path: string) =>
  `${rootOf(props, app)}${path}`;
