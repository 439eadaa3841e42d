-- A chat message can link one thing of its family, shown as a card: a todo item (of a shared or
-- chores list), a shopping-list item, a calendar event, or a Hollowtown event planned with the
-- family. The card is read when the message is (the thing's current title, state and date), so
-- a link to something deleted or moved out of the family shows as no longer available.
-- link_id is not a foreign key: the thing may go while the message stays (and a Hollowtown event
-- lives in another database).
-- migrate:up
ALTER TABLE family_messages
  ADD COLUMN link_kind TEXT CHECK (link_kind IN ('todo', 'shopping_item', 'event', 'hollowtown_event')),
  ADD COLUMN link_id UUID,
  ADD CONSTRAINT family_messages_link_parts CHECK ((link_kind IS NULL) = (link_id IS NULL));

-- migrate:down
ALTER TABLE family_messages
  DROP CONSTRAINT family_messages_link_parts,
  DROP COLUMN link_id,
  DROP COLUMN link_kind;
