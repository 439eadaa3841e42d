// "Buy at <shop>" affiliate links beside an item, and the disclosure line wherever they appear.
// Links go through the app's own /go/ address (it records the click and redirects to the shop).

export interface BuyLink {
  retailer: string;
  url: string;
}

/** Only the app's own /go/ links (relative, or absolute on http(s)) become anchors. */
const isGoLink = (url: string) =>
  /^(\/[a-z]+)?\/go\/[\w.-]+$/.test(url) || /^https?:\/\/[^/]+(\/[a-z]+)?\/go\/[\w.-]+$/.test(url);

export function BuyLinks({ links, item }: { links: readonly BuyLink[] | undefined; item: string }) {
  const shown = (links ?? []).filter((link) => isGoLink(link.url));
  if (shown.length === 0) return null;
  return (
    <span className="buy-links">
      {shown.map((link) => (
        <a
          key={link.url}
          className="buy-link"
          href={link.url}
          target="_blank"
          rel="sponsored noopener noreferrer"
        >
          Buy at {link.retailer}
          <span className="visually-hidden">: {item} (affiliate link, opens a new tab)</span>
        </a>
      ))}
    </span>
  );
}

export function AffiliateDisclosure({ text }: { text: string | null | undefined }) {
  return text ? <p className="muted affiliate-disclosure">{text}</p> : null;
}
