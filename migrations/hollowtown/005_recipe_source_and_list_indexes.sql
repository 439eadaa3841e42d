-- Where a recipe came from, keyset indexes for every list, and upvotes that do not touch updated_at.
-- migrate:up
ALTER TABLE spooky_recipes
  ADD COLUMN source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'ai')),
  ADD COLUMN ai_model TEXT CHECK (char_length(ai_model) <= 200);

-- Lists page by (created_at, id) or (event_date, id): the id breaks ties between equal times.
DROP INDEX spooky_recipes_user_created_idx;
DROP INDEX spooky_recipes_published_created_idx;
CREATE INDEX spooky_recipes_user_page_idx ON spooky_recipes (user_id, created_at DESC, recipe_id DESC);
CREATE INDEX spooky_recipes_published_page_idx ON spooky_recipes (created_at DESC, recipe_id DESC)
  WHERE is_published;

DROP INDEX halloween_events_user_date_idx;
CREATE INDEX halloween_events_user_page_idx ON halloween_events (user_id, event_date, event_id);

DROP INDEX costume_ideas_popular_idx;
CREATE INDEX costume_ideas_ranked_idx ON costume_ideas (upvotes DESC, created_at DESC, costume_id DESC);

DROP INDEX haunted_house_plans_user_created_idx;
CREATE INDEX haunted_house_plans_user_page_idx ON haunted_house_plans (user_id, created_at DESC, plan_id DESC);

-- An upvote changes only the counter: it is not an edit of the costume.
DROP TRIGGER costume_ideas_set_updated_at ON costume_ideas;
CREATE TRIGGER costume_ideas_set_updated_at
  BEFORE UPDATE OF costume_name, description, difficulty, materials, cost_estimate_cents, image_url, tags
  ON costume_ideas
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TRIGGER costume_ideas_set_updated_at ON costume_ideas;
CREATE TRIGGER costume_ideas_set_updated_at
  BEFORE UPDATE ON costume_ideas
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

DROP INDEX haunted_house_plans_user_page_idx;
CREATE INDEX haunted_house_plans_user_created_idx ON haunted_house_plans (user_id, created_at DESC);

DROP INDEX costume_ideas_ranked_idx;
CREATE INDEX costume_ideas_popular_idx ON costume_ideas (upvotes DESC, created_at DESC);

DROP INDEX halloween_events_user_page_idx;
CREATE INDEX halloween_events_user_date_idx ON halloween_events (user_id, event_date);

DROP INDEX spooky_recipes_published_page_idx;
DROP INDEX spooky_recipes_user_page_idx;
CREATE INDEX spooky_recipes_published_created_idx ON spooky_recipes (created_at DESC) WHERE is_published;
CREATE INDEX spooky_recipes_user_created_idx ON spooky_recipes (user_id, created_at DESC);

ALTER TABLE spooky_recipes DROP COLUMN ai_model, DROP COLUMN source;
