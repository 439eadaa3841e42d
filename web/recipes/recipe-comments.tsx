// Comments under a published recipe: read a page at a time, write one, edit or delete your own,
// report someone else's. Moderation's notice shows on your own comment when it holds it back.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { ModerationNotice, ReportItem } from '../shared/community.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Section,
  SubmitRow,
  TextArea,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import type { Page, RecipeComment } from './types.ts';

const MAX_BODY = 2000;

export function RecipeComments({
  props,
  recipeId,
  canPost,
}: {
  props: ViewProps;
  recipeId: string;
  /** Only a published recipe takes new comments. */
  canPost: boolean;
}) {
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<RecipeComment>>(`/api/recipes/${recipeId}/comments`, {
        signal,
        query: { limit: 20, cursor: cursor ?? undefined },
      }),
    [props.api, recipeId],
  );
  const [body, setBody] = useState('');
  const post = useAction();
  const submit = () =>
    post.run(async () => {
      const comment = await props.api<RecipeComment>(`/api/recipes/${recipeId}/comments`, {
        body: { body: body.trim() },
      });
      list.prepend(comment);
      setBody('');
    });
  return (
    <Section title="Comments">
      {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
      {canPost && (
        <Form onSubmit={submit} error={post.error} label="Write a comment">
          <TextArea
            label="Your comment"
            hint={`Up to ${MAX_BODY} characters. Be kind: people can report comments to the moderators.`}
            required
            maxLength={MAX_BODY}
            value={body}
            onChange={(event) => setBody(event.target.value)}
          />
          <SubmitRow busy={post.busy}>Post comment</SubmitRow>
        </Form>
      )}
      {!list.isLoaded ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <Empty>No comments yet.</Empty>
      ) : (
        <ul className="list" aria-label="Comments">
          {list.items.map((c) => (
            <CommentItem key={c.comment_id} props={props} comment={c} onChange={list.reload} />
          ))}
        </ul>
      )}
      <ShowMore list={list} label="Older comments" />
    </Section>
  );
}

function CommentItem({
  props,
  comment: c,
  onChange,
}: {
  props: ViewProps;
  comment: RecipeComment;
  onChange: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(c.body);
  const save = useAction();
  const remove = useAction();
  const when = `${formatDate(c.created_at, true)}${c.edited_at ? ' (edited)' : ''}`;
  const submit = () =>
    save.run(async () => {
      await props.api(`/api/comments/${c.comment_id}`, { method: 'PATCH', body: { body: body.trim() } });
      setEditing(false);
      onChange();
    });
  return (
    <li className="list-row comment">
      <div>
        <p className="muted">
          {c.is_mine ? 'You' : 'A cook'} · {when}
        </p>
        {c.is_mine && <ModerationNotice moderation={c.moderation} />}
        {editing ? (
          <Form onSubmit={submit} error={save.error} label="Edit your comment">
            <TextArea
              label="Your comment"
              required
              maxLength={MAX_BODY}
              value={body}
              onChange={(event) => setBody(event.target.value)}
            />
            <div className="button-row">
              <Button type="submit" busy={save.busy}>
                Save comment
              </Button>
              <Button variant="secondary" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </div>
          </Form>
        ) : (
          <p className="comment-body">{c.body}</p>
        )}
        <div className="button-row">
          {c.is_mine ? (
            <>
              {!editing && !c.moderation && (
                <Button small variant="secondary" onClick={() => setEditing(true)}>
                  Edit<span className="visually-hidden"> your comment</span>
                </Button>
              )}
              <ConfirmStep
                small
                trigger="Delete"
                triggerLabel="Delete your comment"
                question="Delete your comment?"
                confirm="Delete comment"
                busy={remove.busy}
                error={remove.error}
                onConfirm={() =>
                  remove.run(async () => {
                    await props.api(`/api/comments/${c.comment_id}`, { method: 'DELETE' });
                    onChange();
                  })
                }
              />
            </>
          ) : (
            <ReportItem api={props.api} path={`/api/comments/${c.comment_id}`} title="this comment" />
          )}
        </div>
      </div>
    </li>
  );
}
