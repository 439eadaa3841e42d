// Putting an event on the family calendar (parents and admins); it starts on the chosen day
// until the person picks another time. Times are typed in the event's time zone (the family's
// default or the browser's), in whose wall-clock time a recurring event repeats.
import { useEffect, useRef } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Form, Section, SelectField, SubmitRow, TextField } from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction } from '../shared/hooks.ts';
import { dayKey } from './calendar-dates.ts';
import { EVENT_KINDS } from './calendar-entries.ts';
import type { Family } from './model.ts';
import { REMINDERS, REPEATS, remindersOf, ruleOf } from './recurrence.ts';
import { initialTimeZone, instantIn, timeZoneOptions } from './time-zones.ts';

const morningOf = (day: Date) => `${dayKey(day)}T09:00`;

export function AddEvent({
  props,
  family,
  day,
  onAdded,
}: {
  props: ViewProps;
  family: Family;
  day: Date;
  onAdded: () => void;
}) {
  const blank = {
    event_name: '',
    start: morningOf(day),
    end: '',
    location: '',
    event_type: 'appointment',
    repeat: '',
    custom: '',
    reminder: '',
    time_zone: initialTimeZone(family.default_time_zone),
  };
  const [form, setForm, set] = useFields(blank);
  const startTouched = useRef(false);
  const add = useAction();
  const dayText = dayKey(day);
  useEffect(() => {
    if (!startTouched.current) setForm((f) => ({ ...f, start: `${dayText}T09:00` }));
  }, [dayText, setForm]);
  const submit = () =>
    add.run(async () => {
      await props.api('/api/calendar/events', {
        body: {
          family_id: family.family_id,
          event_name: form.event_name,
          event_type: form.event_type,
          start_time: instantIn(form.start, form.time_zone),
          ...(form.end ? { end_time: instantIn(form.end, form.time_zone) } : {}),
          time_zone: form.time_zone,
          ...(form.location.trim() ? { location: form.location.trim() } : {}),
          // A birthday repeats every year unless the person chose otherwise.
          ...(form.repeat || form.event_type !== 'birthday'
            ? { recurrence_rule: ruleOf(form.repeat, form.custom) }
            : {}),
          reminders: remindersOf(form.reminder),
        },
      });
      startTouched.current = false;
      setForm(blank);
      onAdded();
    });
  return (
    <Section title="Add an event">
      <Form onSubmit={submit} error={add.error} label="Add an event" wide>
        <div className="form-grid">
          <TextField label="What" required value={form.event_name} onChange={set('event_name')} />
          <TextField
            label="Starts"
            type="datetime-local"
            required
            value={form.start}
            onChange={(e) => {
              startTouched.current = true;
              setForm((f) => ({ ...f, start: e.target.value }));
            }}
          />
          <TextField
            label="Ends"
            type="datetime-local"
            min={form.start || undefined}
            value={form.end}
            onChange={set('end')}
          />
          <SelectField
            label="Time zone"
            hint="Times above are in this zone; a repeating event keeps its local time."
            options={timeZoneOptions(form.time_zone)}
            value={form.time_zone}
            onChange={set('time_zone')}
          />
          <TextField label="Where" value={form.location} onChange={set('location')} />
          <SelectField
            label="Kind"
            options={EVENT_KINDS}
            value={form.event_type}
            onChange={(e) => {
              const kind = e.target.value;
              setForm((f) => ({
                ...f,
                event_type: kind,
                repeat: kind === 'birthday' ? 'FREQ=YEARLY' : f.repeat,
              }));
            }}
          />
          <SelectField label="Repeats" options={REPEATS} value={form.repeat} onChange={set('repeat')} />
          {form.repeat === 'custom' && (
            <TextField
              label="Rule (RFC 5545 RRULE)"
              required
              placeholder="FREQ=WEEKLY;BYDAY=MO,WE"
              value={form.custom}
              onChange={set('custom')}
            />
          )}
          <SelectField
            label="Reminder"
            options={REMINDERS}
            value={form.reminder}
            onChange={set('reminder')}
          />
        </div>
        <SubmitRow busy={add.busy}>Add event</SubmitRow>
      </Form>
    </Section>
  );
}
