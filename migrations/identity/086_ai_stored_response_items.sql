-- Two things a stored response now keeps for the Responses API:
-- * the ids of its input and output items, so an `item_reference` input item finds the one it
--   names among the user's stored responses without reading them all;
-- * how its stream was cut into deltas, so GET /v1/responses/{id}?stream=true replays the same
--   events with the same sequence numbers (null: answered whole, one delta per item).
-- migrate:up
ALTER TABLE ai_stored_responses ADD COLUMN stream_deltas JSONB;

CREATE TABLE ai_stored_response_items (
  user_id     UUID NOT NULL,
  item_id     TEXT NOT NULL CHECK (char_length(item_id) BETWEEN 1 AND 200),
  response_id TEXT NOT NULL REFERENCES ai_stored_responses (response_id) ON DELETE CASCADE,
  -- Where the item is in that response: its input items or its output.
  source      TEXT NOT NULL CHECK (source IN ('input', 'output')),
  position    INTEGER NOT NULL CHECK (position >= 0),
  PRIMARY KEY (user_id, item_id, response_id)
);

-- For the cascade when a response is deleted or expires.
CREATE INDEX ai_stored_response_items_response_idx ON ai_stored_response_items (response_id);

-- Responses stored before this migration: their items can be referenced too.
INSERT INTO ai_stored_response_items (user_id, item_id, response_id, source, position)
SELECT DISTINCT ON (r.user_id, item.id, r.response_id) r.user_id, item.id, r.response_id, item.source, item.position
  FROM ai_stored_responses r, LATERAL (
    SELECT e.value->>'id' AS id, 'input' AS source, (e.ordinality - 1)::int AS position
      FROM jsonb_array_elements(r.input_items) WITH ORDINALITY AS e
    UNION ALL
    SELECT e.value->>'id', 'output', (e.ordinality - 1)::int
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.response->'output') = 'array'
                                     THEN r.response->'output' ELSE '[]'::jsonb END) WITH ORDINALITY AS e
  ) AS item
 WHERE item.id IS NOT NULL AND char_length(item.id) BETWEEN 1 AND 200
 ORDER BY r.user_id, item.id, r.response_id, item.source DESC, item.position;

-- migrate:down
DROP TABLE ai_stored_response_items;
ALTER TABLE ai_stored_responses DROP COLUMN stream_deltas;
