// A small router on the History API. Views are one path segment under the page's base
// (/hollowtown/recipes); details go in the query (?id=…), so relative asset URLs always resolve.
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

const NAVIGATE = 'calos:navigate';

export interface Route {
  view: string;
  params: URLSearchParams;
}

export function currentRoute(base: string): Route {
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  return { view: path.replace(/^\/+|\/+$/g, ''), params: new URLSearchParams(location.search) };
}

export function useRoute(base: string): Route {
  const [route, setRoute] = useState(() => currentRoute(base));
  useEffect(() => {
    const update = () => setRoute(currentRoute(base));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, [base]);
  return route;
}

export function hrefTo(base: string, view: string, params?: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return `${base}/${view}${text ? `?${text}` : ''}`;
}

export function navigate(href: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE));
  if (!options.replace) window.scrollTo(0, 0);
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    if (props.target && props.target !== '_self') return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} {...rest} onClick={handle} />;
}
