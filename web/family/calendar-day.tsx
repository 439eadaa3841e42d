// One day of the family calendar in full: each entry's time, kind, place and notes, and
// deleting the family's own events (parents and admins).
import type { ViewProps } from '../shared/app-shell.tsx';
import { Empty, Section } from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction } from '../shared/hooks.ts';
import { type CalendarEntry, entryTime } from './calendar-entries.ts';
import { canManageEvents, type Family } from './model.ts';

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
  const remove = () =>
    action.run(async () => {
      await props.api(`/api/calendar/events/${entry.eventId}`, { method: 'DELETE' });
      onDeleted();
    });
  return (
    <li className="list-row">
      <div>
        <strong>{entry.title}</strong> <span className="tag">{entry.kind}</span>
        <div className="muted">
          {entryTime(entry, true)}
          {entry.location && ` · ${entry.location}`}
        </div>
        {entry.description && <p>{entry.description}</p>}
      </div>
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
    </li>
  );
}
