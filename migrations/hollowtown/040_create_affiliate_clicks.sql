-- "Buy at …" clicks through GET /hollowtown/go/:token (src/affiliate): one row per click, and nothing
-- personal beyond the account that clicked. `calos affiliate report` counts them.
-- migrate:up
CREATE TABLE affiliate_clicks (
  click_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app        TEXT NOT NULL CHECK (app = 'hollowtown'),
  retailer   TEXT NOT NULL CHECK (char_length(retailer) BETWEEN 1 AND 40),
  item_kind  TEXT NOT NULL CHECK (item_kind IN ('grocery', 'costume-material')),
  user_id    UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  clicked_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX affiliate_clicks_clicked_at_idx ON affiliate_clicks (clicked_at);
CREATE INDEX affiliate_clicks_user_idx ON affiliate_clicks (user_id);

-- migrate:down
DROP TABLE affiliate_clicks;
