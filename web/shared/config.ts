// Where this page and its APIs answer, as the server told it (see src/platform/http/static.ts):
// under a prefix on the shared host, or at / on the app's own host.
export type AppName = 'account' | 'admin' | 'hollowtown' | 'recipes' | 'family';
export type WebApp = Exclude<AppName, 'account' | 'admin'>;

/** What each app is called wherever another page names or links it. */
export const APP_NAMES: Record<WebApp, string> = {
  hollowtown: 'Hollowtown',
  recipes: 'HowToCookAtHome',
  family: 'Family Planner',
};
export const WEB_APPS = Object.keys(APP_NAMES) as WebApp[];

export interface PageConfig {
  app: AppName;
  base: string;
  api: string;
  identity: string;
  account: string;
  /** The AI gateway (the person's model preference, the models there are). */
  ai: string;
  apps: Record<WebApp, string>;
}

/** Without the server's answer (a page opened some other way) everything sits on one host. */
function fallback(app: AppName): PageConfig {
  const prefix = app === 'account' || app === 'admin' ? '/calos' : `/${app}`;
  return {
    app,
    base: `/${app}`,
    api: prefix,
    identity: '/calos',
    account: '/account/',
    ai: '/ai',
    apps: { hollowtown: '/hollowtown/', recipes: '/recipes/', family: '/family/' },
  };
}

export function readConfig(app: AppName): PageConfig {
  const text = document.getElementById('calos-config')?.textContent ?? '{}';
  try {
    const parsed = JSON.parse(text) as Partial<PageConfig>;
    return parsed.app ? (parsed as PageConfig) : fallback(app);
  } catch {
    return fallback(app);
  }
}
