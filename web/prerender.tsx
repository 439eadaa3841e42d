// Renders each app's landing page to HTML at build time, so the first paint needs no script.
import { renderToStaticMarkup } from 'react-dom/server';
import { FAMILY } from './family/app.tsx';
import { HOLLOWTOWN } from './hollowtown/app.tsx';
import { FrontDoor } from './home/front-door.tsx';
import { RECIPES } from './recipes/app.tsx';
import { LandingFrame } from './shared/app-shell.tsx';
import type { PageConfig, WebApp } from './shared/config.ts';

const APPS = { hollowtown: HOLLOWTOWN, recipes: RECIPES, family: FAMILY };

export function renderLanding(app: WebApp): string {
  const config: PageConfig = {
    app,
    // Relative, so the few links in the first paint work under a prefix and on the app's host.
    base: '.',
    api: `/${app}`,
    identity: '/calos',
    account: '/account/',
    ai: '/ai',
    apps: { hollowtown: '/hollowtown/', recipes: '/recipes/', family: '/family/' },
  };
  return renderToStaticMarkup(<LandingFrame def={APPS[app]} config={config} />);
}

/** The platform's front door (/ on the shared host). */
export function renderHome(): string {
  return renderToStaticMarkup(<FrontDoor />);
}
