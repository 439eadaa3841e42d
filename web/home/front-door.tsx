// The platform's front door at / on the shared host: what CALOS is, the three apps, the account
// console and each service's API documentation. Rendered to HTML at build time; the server
// leaves out what the process does not serve (the data-service markers).
import type { ReactNode } from 'react';

export interface FrontDoorEntry {
  /** The service that must be served here for the entry to be shown. */
  service: 'identity' | 'hollowtown' | 'recipes' | 'family' | 'ai';
  name: string;
  href: string;
  text: string;
  action: string;
}

export const FRONT_DOOR_APPS: FrontDoorEntry[] = [
  {
    service: 'hollowtown',
    name: 'Hollowtown',
    href: '/hollowtown/',
    text: 'Halloween, planned to the last cobweb: spooky recipes, parties on a budget, costumes and haunted houses.',
    action: 'Open Hollowtown',
  },
  {
    service: 'recipes',
    name: 'HowToCookAtHome',
    href: '/recipes/',
    text: 'Recipes, meal plans for the week, the pantry and shopping lists made from them.',
    action: 'Open HowToCookAtHome',
  },
  {
    service: 'family',
    name: 'Family Planner',
    href: '/family/',
    text: 'Your family’s todos, calendar and shopping, shared live between everyone’s phones.',
    action: 'Open Family Planner',
  },
];

export const FRONT_DOOR_DOCS: { service: FrontDoorEntry['service']; name: string; href: string }[] = [
  { service: 'identity', name: 'Identity (accounts, devices, credits, keys)', href: '/calos/docs/' },
  { service: 'hollowtown', name: 'Hollowtown', href: '/hollowtown/docs/' },
  { service: 'recipes', name: 'HowToCookAtHome', href: '/recipes/docs/' },
  { service: 'family', name: 'Family Planner', href: '/family/docs/' },
  { service: 'ai', name: 'AI gateway (Ollama and OpenAI formats)', href: '/ai/docs/' },
];

/**
 * Marks a piece of the page as belonging to a service: the server keeps what is inside when it
 * serves that service and drops it otherwise (never sent as it is: see front-door.ts in src).
 */
const Served = ({ service, children }: { service: string; children: ReactNode }) => (
  <calos-service name={service}>{children}</calos-service>
);

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'calos-service': { name: string; children?: ReactNode };
    }
  }
}

export function FrontDoor() {
  return (
    <>
      <header className="site-header">
        <span className="brand">
          <span aria-hidden="true">◎</span> CALOS
        </span>
      </header>
      <main className="site-main" id="main">
        <section className="hero" aria-labelledby="front-title">
          <div className="hero__inner">
            <h1 id="front-title">One account, many apps</h1>
            <p className="hero__lead">
              Sign in once with your CALOS account and use every app with it: one wallet of credits, one set
              of devices, your own AI keys, and your family across all of them.
            </p>
            <Served service="identity">
              <p>
                <a className="button" href="/account/">
                  Your account
                </a>
              </p>
            </Served>
          </div>
        </section>
        <section className="section" aria-labelledby="apps-title">
          <h2 id="apps-title">Apps</h2>
          <ul className="front-apps">
            {FRONT_DOOR_APPS.map((app) => (
              <Served key={app.service} service={app.service}>
                <li>
                  <article className="card">
                    <h3>{app.name}</h3>
                    <p>{app.text}</p>
                    <a className="button button--secondary" href={app.href}>
                      {app.action}
                    </a>
                  </article>
                </li>
              </Served>
            ))}
          </ul>
        </section>
        <section className="section" aria-labelledby="docs-title">
          <h2 id="docs-title">For developers</h2>
          <p>Every service documents its API (OpenAPI 3.1) and answers on its own host too.</p>
          <ul className="list">
            {FRONT_DOOR_DOCS.map((doc) => (
              <Served key={doc.service} service={doc.service}>
                <li className="list-row">
                  <a href={doc.href}>{doc.name} API</a>
                </li>
              </Served>
            ))}
          </ul>
        </section>
      </main>
      <footer className="site-footer">
        <p className="muted">CALOS — open platform for one account and many apps.</p>
      </footer>
    </>
  );
}
