// The family's default time zone (its admins): the zone new calendar events take unless the
// form names another, and in whose wall-clock time they repeat.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Form, Notice, SelectField } from '../shared/components.tsx';
import { useAction } from '../shared/hooks.ts';
import type { Family } from './model.ts';
import { timeZoneOptions } from './time-zones.ts';

export function FamilyTimeZone({
  props,
  family,
  onChanged,
}: {
  props: ViewProps;
  family: Family;
  onChanged: () => void;
}) {
  const current = family.default_time_zone ?? 'UTC';
  const [zone, setZone] = useState(current);
  const [done, setDone] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setDone(undefined);
      const changed = await props.api<Family>(`/api/families/${family.family_id}`, {
        method: 'PATCH',
        body: { default_time_zone: zone },
      });
      setDone(`New events now default to ${changed.default_time_zone}.`);
      onChanged();
    });
  return (
    <>
      <h3>Default time zone</h3>
      {done && <Notice>{done}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Default time zone">
        <SelectField
          label="Time zone for new events"
          hint="Repeating events keep their local time in their zone across summer-time changes."
          options={timeZoneOptions(current)}
          value={zone}
          onChange={(e) => setZone(e.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy} disabled={zone === current}>
            Save time zone
          </Button>
        </div>
      </Form>
    </>
  );
}
