-- Comments on published recipes, moderated like the recipes themselves (src/community): a
-- comment is an item of kind 'comment' that people report and reviewers hide, restore or remove.
-- A comment goes with its recipe; its reports and moderation state go with it.
-- migrate:up
CREATE TABLE recipe_comments (
  comment_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  recipe_id  UUID NOT NULL REFERENCES recipes (recipe_id) ON DELETE CASCADE,
  user_id    UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  body       TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  edited_at  TIMESTAMPTZ
);

CREATE INDEX recipe_comments_recipe_idx ON recipe_comments (recipe_id, created_at DESC, comment_id DESC);
-- The rate limit counts a person's recent comments.
CREATE INDEX recipe_comments_user_idx ON recipe_comments (user_id, created_at DESC);

ALTER TABLE reports DROP CONSTRAINT reports_item_kind_check;
ALTER TABLE reports ADD CONSTRAINT reports_item_kind_check
  CHECK (item_kind IN ('recipe', 'costume', 'plan', 'comment'));
ALTER TABLE moderation_items DROP CONSTRAINT moderation_items_item_kind_check;
ALTER TABLE moderation_items ADD CONSTRAINT moderation_items_item_kind_check
  CHECK (item_kind IN ('recipe', 'costume', 'plan', 'comment'));

CREATE TRIGGER recipe_comments_forget_moderation AFTER DELETE ON recipe_comments
  FOR EACH ROW EXECUTE FUNCTION community_forget_item('comment', 'comment_id');

-- migrate:down
DROP TRIGGER recipe_comments_forget_moderation ON recipe_comments;
DELETE FROM reports WHERE item_kind = 'comment';
DELETE FROM moderation_items WHERE item_kind = 'comment';
ALTER TABLE moderation_items DROP CONSTRAINT moderation_items_item_kind_check;
ALTER TABLE moderation_items ADD CONSTRAINT moderation_items_item_kind_check
  CHECK (item_kind IN ('recipe', 'costume', 'plan'));
ALTER TABLE reports DROP CONSTRAINT reports_item_kind_check;
ALTER TABLE reports ADD CONSTRAINT reports_item_kind_check CHECK (item_kind IN ('recipe', 'costume', 'plan'));
DROP TABLE recipe_comments;
