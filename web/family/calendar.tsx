// The family calendar as a month or a week: the chosen day (?date=) is the one the keyboard is
// on, arrow keys move it and Page Up/Down change the month or week; the day's entries show below.
import { type KeyboardEvent, useEffect, useMemo, useRef } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { ErrorMessage, Loading } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import { AddEvent } from './calendar-add-event.tsx';
import {
  addDays,
  addMonths,
  type CalendarMode,
  dayAfterKey,
  dayKey,
  daysShown,
  fallsOn,
  parseDay,
  sameDay,
} from './calendar-dates.ts';
import { CalendarDay } from './calendar-day.tsx';
import { type CalendarEntry, entryTime, loadEntries } from './calendar-entries.ts';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import { canManageEvents } from './model.ts';

export function Calendar(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const mode: CalendarMode = params.get('mode') === 'week' ? 'week' : 'month';
  const chosenKey = dayKey(parseDay(params.get('date')));
  const chosen = useMemo(() => parseDay(chosenKey), [chosenKey]);
  const days = useMemo(() => daysShown(mode, chosen), [mode, chosen]);
  const from = days[0] as Date;
  const to = addDays(days[days.length - 1] as Date, 1);
  const entries = useLoad(
    async (signal) => (family ? loadEntries(api, family.family_id, from, to, signal) : null),
    [api, family?.family_id, from.getTime(), to.getTime()],
  );
  const grid = useRef<HTMLOListElement>(null);
  const moveFocus = useRef(false);
  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    grid.current?.querySelector<HTMLButtonElement>(`[data-day="${chosenKey}"]`)?.focus();
  }, [chosenKey]);

  if (families.error) return <ErrorMessage>{families.error}</ErrorMessage>;
  if (!families.data) return <Loading />;
  if (!family) return <NeedsFamily props={props} />;

  const href = (extra: { mode?: CalendarMode; date?: Date }) =>
    props.href('calendar', {
      family: family.family_id,
      mode: extra.mode ?? mode,
      date: dayKey(extra.date ?? chosen),
    });
  const choose = (day: Date, focus: boolean) => {
    moveFocus.current = focus;
    navigate(href({ date: day }), { replace: true });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const next = dayAfterKey(event.key, mode, chosen);
    if (!next) return;
    event.preventDefault();
    choose(next, true);
  };
  const step = (n: number) => (mode === 'week' ? addDays(chosen, 7 * n) : addMonths(chosen, n));
  const title =
    mode === 'week'
      ? `Week of ${from.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}`
      : chosen.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  const onDay = (day: Date) =>
    (entries.data ?? []).filter((entry: CalendarEntry) => fallsOn(day, entry.start, entry.end));
  const today = new Date();

  return (
    <>
      <h1>Calendar</h1>
      <FamilyPicker props={props} families={families.data.items} family={family} />
      <div className="section-head">
        <h2 id="calendar-title">{title}</h2>
        <nav className="button-row" aria-label="Calendar">
          <Link className="button button--secondary button--small" href={href({ date: step(-1) })}>
            Previous<span className="visually-hidden"> {mode}</span>
          </Link>
          <Link className="button button--secondary button--small" href={href({ date: today })}>
            Today
          </Link>
          <Link className="button button--secondary button--small" href={href({ date: step(1) })}>
            Next<span className="visually-hidden"> {mode}</span>
          </Link>
          {(['month', 'week'] as const).map((m) => (
            <Link
              key={m}
              className="button button--secondary button--small"
              href={href({ mode: m })}
              aria-current={m === mode ? 'page' : undefined}
            >
              {m === 'month' ? 'Month view' : 'Week view'}
            </Link>
          ))}
        </nav>
      </div>
      {entries.error && <ErrorMessage>{entries.error}</ErrorMessage>}
      <p className="muted calendar__help" id="calendar-help">
        Choose a day to see its events. With the keyboard: arrow keys move between days, Home and End go to
        the start and end of the week, Page Up and Page Down to the previous and next {mode}.
      </p>
      <ol
        ref={grid}
        className={`calendar calendar--${mode}`}
        aria-labelledby="calendar-title"
        aria-busy={entries.loading || undefined}
        onKeyDown={onKeyDown}
      >
        {days.map((day) => {
          const key = dayKey(day);
          const items = onDay(day);
          const outside = mode === 'month' && day.getMonth() !== chosen.getMonth();
          const isChosen = key === chosenKey;
          return (
            <li
              key={key}
              className={[
                'calendar__day',
                outside && 'calendar__day--outside',
                isChosen && 'calendar__day--chosen',
              ]
                .filter(Boolean)
                .join(' ')}
            >
              <button
                type="button"
                className="calendar__day-button"
                data-day={key}
                tabIndex={isChosen ? 0 : -1}
                aria-current={sameDay(day, today) ? 'date' : undefined}
                aria-describedby={isChosen ? 'calendar-help' : undefined}
                onClick={() => choose(day, false)}
              >
                <span className="visually-hidden">
                  {day.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}
                  {items.length === 0 ? ', nothing planned' : `, ${items.length} planned:`}
                </span>
                <span className="calendar__date" aria-hidden="true">
                  {day.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}
                </span>
                {items.map((entry) => (
                  <span
                    key={entry.key}
                    className={`calendar__event${entry.eventId ? '' : ' calendar__event--linked'}`}
                  >
                    {entryTime(entry, mode === 'week')} {entry.title}
                    {mode === 'week' && entry.location && (
                      <span className="calendar__where"> · {entry.location}</span>
                    )}
                  </span>
                ))}
              </button>
            </li>
          );
        })}
      </ol>
      <CalendarDay
        props={props}
        family={family}
        day={chosen}
        entries={onDay(chosen)}
        loading={!entries.data}
        onChange={entries.reload}
      />
      {canManageEvents(family.my_role) && (
        <AddEvent props={props} family={family} day={chosen} onAdded={entries.reload} />
      )}
    </>
  );
}
