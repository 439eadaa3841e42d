// Votes and reports on published items, the same in every app: an upvote toggle with its count,
// and a small form to report an item to moderation.
import { useState } from 'react';
import type { ViewProps } from './app-shell.tsx';
import { Button, ErrorMessage, Form, Notice, SubmitRow, TextArea } from './components.tsx';
import { useAction } from './hooks.ts';

export interface VoteState {
  votes: number;
  has_voted: boolean;
}

/** `path` is the item's API path, e.g. `/api/recipes/spooky/<id>`. */
export function VoteButton({
  api,
  path,
  title,
  state,
  onChange,
}: {
  api: ViewProps['api'];
  path: string;
  title: string;
  state: VoteState;
  onChange?: (state: VoteState) => void;
}) {
  const [current, setCurrent] = useState(state);
  const vote = useAction();
  const toggle = () =>
    vote.run(async () => {
      const next = await api<VoteState>(`${path}/vote`, { method: current.has_voted ? 'DELETE' : 'POST' });
      setCurrent(next);
      onChange?.(next);
    });
  return (
    <span className="vote">
      <Button
        small
        variant={current.has_voted ? 'primary' : 'secondary'}
        aria-pressed={current.has_voted}
        busy={vote.busy}
        onClick={() => void toggle()}
      >
        ▲ Upvote<span className="visually-hidden"> {title}</span> ·{' '}
        <span data-testid="votes">{current.votes}</span>
      </Button>
      {vote.error && <ErrorMessage>{vote.error}</ErrorMessage>}
    </span>
  );
}

/** A "Report" disclosure: the reason goes to moderation; enough reports hide the item. */
export function ReportItem({ api, path, title }: { api: ViewProps['api']; path: string; title: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState(false);
  const report = useAction();
  if (sent) return <Notice tone="info">Thank you: moderators will look at “{title}”.</Notice>;
  if (!open)
    return (
      <Button small variant="secondary" onClick={() => setOpen(true)}>
        Report<span className="visually-hidden"> {title}</span>
      </Button>
    );
  const submit = () =>
    report.run(async () => {
      await api(`${path}/report`, { body: { reason: reason.trim() } });
      setSent(true);
    });
  return (
    <Form onSubmit={submit} error={report.error} label={`Report ${title}`}>
      <TextArea
        label="What is wrong with it?"
        hint="3 to 500 characters. Once several people report it, it is hidden until a moderator looks."
        required
        minLength={3}
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <SubmitRow busy={report.busy}>Send report</SubmitRow>
    </Form>
  );
}

/** What the author sees when moderation holds an item back. */
export function ModerationNotice({
  moderation,
}: {
  moderation: { state: 'hidden' | 'removed'; reason: string | null } | null | undefined;
}) {
  if (!moderation) return null;
  return (
    <Notice tone="info">
      {moderation.state === 'hidden'
        ? 'Hidden from the public pending review: several people reported it.'
        : 'Removed from the public pages after review.'}
      {moderation.reason ? ` Reason: ${moderation.reason}` : ''}
    </Notice>
  );
}
