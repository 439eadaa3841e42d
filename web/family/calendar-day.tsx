// One day of the family calendar in full: each entry's time, kind, place and notes, and
// deleting the family's own events (parents and admins); for a recurring event, skipping one
// date or changing how it repeats.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, Form, Section, SelectField, SubmitRow, TextField } from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction } from '../shared/hooks.ts';
import { type CalendarEntry, entryTime } from './calendar-entries.ts';
import { canManageEvents, type Family } from './model.ts';
import { describeRule, presetOf, REPEATS, ruleOf } from './recurrence.ts';

export function CalendarDay({
  props,
  family,
  day,
  entries,
  loading,
  onChange,
}: {
  props: ViewProps;
  family: Family;
  day: Date;
  entries: CalendarEntry[];
  loading: boolean;
  onChange: () => void;
}) {
  const title = day.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return (
    <Section title={title}>
      {loading ? null : entries.length === 0 ? (
        <Empty>Nothing planned on this day.</Empty>
      ) : (
        <ul className="list" aria-label={`Planned on ${title}`}>
          {entries.map((entry) => (
            <EntryRow
              key={entry.key}
              props={props}
              entry={entry}
              mayDelete={Boolean(entry.eventId) && canManageEvents(family.my_role)}
              onDeleted={onChange}
            />
          ))}
        </ul>
      )}
    </Section>
  );
}

function EntryRow({
  props,
  entry,
  mayDelete,
  onDeleted,
}: {
  props: ViewProps;
  entry: CalendarEntry;
  mayDelete: boolean;
  onDeleted: () => void;
}) {
  const action = useAction();
  const skip = useAction();
  const [editing, setEditing] = useState(false);
  const remove = () =>
    action.run(async () => {
      await props.api(`/api/calendar/events/${entry.eventId}`, { method: 'DELETE' });
      onDeleted();
    });
  const skipDate = () =>
    skip.run(async () => {
      await props.api(
        `/api/calendar/events/${entry.eventId}/occurrences/${encodeURIComponent(entry.recurrenceId ?? '')}`,
        { method: 'DELETE' },
      );
      onDeleted();
    });
  const repeats = describeRule(entry.recurrenceRule ?? null);
  return (
    <li className="list-row">
      <div>
        <strong>{entry.title}</strong> <span className="tag">{entry.kind}</span>
        {repeats && <span className="tag">{repeats}</span>}
        <div className="muted">
          {entryTime(entry, true)}
          {entry.location && ` · ${entry.location}`}
        </div>
        {entry.description && <p>{entry.description}</p>}
        {editing && entry.eventId && (
          <RepeatEditor
            props={props}
            eventId={entry.eventId}
            title={entry.title}
            rule={entry.recurrenceRule ?? null}
            onDone={() => {
              setEditing(false);
              onDeleted();
            }}
          />
        )}
      </div>
      <div className="button-row">
        {mayDelete && (
          <Button
            small
            variant="secondary"
            onClick={() => setEditing((open) => !open)}
            aria-expanded={editing}
            aria-label={`Change repeat of ${entry.title}`}
          >
            Change repeat
          </Button>
        )}
        {mayDelete && entry.recurrenceId && (
          <ConfirmStep
            small
            trigger="Skip this date"
            triggerLabel={`Skip this date of ${entry.title}`}
            question={
              <>
                Skip <strong>“{entry.title}”</strong> on this date only?
              </>
            }
            confirm="Skip date"
            busy={skip.busy}
            error={skip.error}
            onConfirm={skipDate}
          />
        )}
        {mayDelete && (
          <ConfirmStep
            small
            trigger="Delete"
            triggerLabel={`Delete ${entry.title}`}
            question={
              <>
                Delete <strong>“{entry.title}”</strong> from the family calendar?
              </>
            }
            confirm="Delete event"
            busy={action.busy}
            error={action.error}
            onConfirm={remove}
          />
        )}
      </div>
    </li>
  );
}

/** Changes how a family event repeats (the whole series; skipped and changed dates start over). */
function RepeatEditor({
  props,
  eventId,
  title,
  rule,
  onDone,
}: {
  props: ViewProps;
  eventId: string;
  title: string;
  rule: string | null;
  onDone: () => void;
}) {
  const [repeat, setRepeat] = useState<string>(presetOf(rule));
  const [custom, setCustom] = useState(presetOf(rule) === 'custom' ? (rule ?? '') : '');
  const save = useAction();
  const submit = () =>
    save.run(async () => {
      await props.api(`/api/calendar/events/${eventId}`, {
        method: 'PATCH',
        body: { recurrence_rule: ruleOf(repeat, custom) },
      });
      onDone();
    });
  return (
    <Form onSubmit={submit} error={save.error} label={`How ${title} repeats`}>
      <SelectField
        label="Repeats"
        options={REPEATS}
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
      />
      {repeat === 'custom' && (
        <TextField
          label="Rule (RFC 5545 RRULE)"
          required
          placeholder="FREQ=MONTHLY;BYDAY=1SA"
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
        />
      )}
      <SubmitRow busy={save.busy}>Save repeat</SubmitRow>
    </Form>
  );
}
