// "Share": a published item's public page (served by the app at /r/:id or /c/:id, no sign-in
// needed), where its share buttons, Open Graph tags and share card live.
import type { PageConfig } from './config.ts';

export function PublicPageLink({ config, path, name }: { config: PageConfig; path: string; name: string }) {
  return (
    <p className="no-print">
      <a className="button button--secondary button--small" href={`${config.base}/${path}`}>
        Share<span className="visually-hidden"> {name}</span>: public page
      </a>
    </p>
  );
}
