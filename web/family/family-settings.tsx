// Renaming and deleting a family (its admins) and leaving it (anyone but its last admin).
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Form, Notice, Section, TextField } from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { ApiError, describeError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';
import { FamilyTimeZone } from './family-time-zone.tsx';
import { canManageFamily, type Family, type Member, memberName } from './model.ts';

const ADMINS_ONLY = 'Only an admin of this family can rename or delete it.';

/** The shared sentence for FAMILY_ROLE_FORBIDDEN speaks of parents too; here only admins may. */
const explain = (error: unknown) =>
  error instanceof ApiError && error.code === 'FAMILY_ROLE_FORBIDDEN' ? ADMINS_ONLY : describeError(error);

export function FamilySettings({
  props,
  family,
  members,
  onRenamed,
  onGone,
}: {
  props: ViewProps;
  family: Family;
  members?: Member[];
  onRenamed: () => void;
  onGone: (message: string) => void;
}) {
  const me = members?.find((m) => m.user_id === props.user?.user_id);
  const admins = members?.filter((m) => m.role === 'admin') ?? [];
  return (
    <Section title="Family settings">
      {canManageFamily(family.my_role) ? (
        <>
          <RenameFamily props={props} family={family} onRenamed={onRenamed} />
          <FamilyTimeZone props={props} family={family} onChanged={onRenamed} />
          <DeleteFamily props={props} family={family} onGone={onGone} />
        </>
      ) : (
        <p className="muted">
          {ADMINS_ONLY}
          {admins.length > 0 && ` Ask ${admins.map(memberName).join(' or ')}.`}
        </p>
      )}
      {me && (
        <LeaveFamily
          props={props}
          family={family}
          me={me}
          isLastAdmin={me.role === 'admin' && admins.length <= 1}
          onGone={onGone}
        />
      )}
    </Section>
  );
}

function RenameFamily({
  props,
  family,
  onRenamed,
}: {
  props: ViewProps;
  family: Family;
  onRenamed: () => void;
}) {
  const [name, setName] = useState(family.family_name);
  const [done, setDone] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setDone(undefined);
      try {
        const renamed = await props.api<Family>(`/api/families/${family.family_id}`, {
          method: 'PATCH',
          body: { family_name: name.trim() },
        });
        setDone(`The family is now called “${renamed.family_name}”.`);
        onRenamed();
      } catch (error) {
        action.setError(explain(error));
      }
    });
  return (
    <>
      <h3>Rename the family</h3>
      {done && <Notice>{done}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Rename the family">
        <TextField
          label="New name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy} disabled={name.trim() === family.family_name}>
            Rename family
          </Button>
        </div>
      </Form>
    </>
  );
}

function DeleteFamily({
  props,
  family,
  onGone,
}: {
  props: ViewProps;
  family: Family;
  onGone: (message: string) => void;
}) {
  const action = useAction();
  const remove = () =>
    action.run(async () => {
      try {
        await props.api(`/api/families/${family.family_id}`, { method: 'DELETE' });
        onGone(`“${family.family_name}” has been deleted, with its lists, events and calendar links.`);
      } catch (error) {
        action.setError(explain(error));
      }
    });
  return (
    <>
      <h3>Delete the family</h3>
      <p className="muted">
        {family.member_count === 1 ? 'Deletes it' : `Deletes it for all ${family.member_count} members`}, with
        every todo list, shopping list, calendar event and iCal link. Everyone keeps their CALOS account.
      </p>
      <ConfirmStep
        trigger="Delete family"
        triggerLabel={`Delete family “${family.family_name}”`}
        question={
          <>
            Delete <strong>“{family.family_name}”</strong> for everyone? This cannot be undone.
          </>
        }
        confirm={`Delete “${family.family_name}”`}
        busy={action.busy}
        error={action.error}
        onConfirm={remove}
      />
    </>
  );
}

function LeaveFamily({
  props,
  family,
  me,
  isLastAdmin,
  onGone,
}: {
  props: ViewProps;
  family: Family;
  me: Member;
  isLastAdmin: boolean;
  onGone: (message: string) => void;
}) {
  const action = useAction();
  const leave = () =>
    action.run(async () => {
      await props.api(`/api/families/${family.family_id}/members/${me.member_id}`, { method: 'DELETE' });
      onGone(`You have left “${family.family_name}”.`);
    });
  return (
    <>
      <h3>Leave the family</h3>
      {isLastAdmin ? (
        <p className="muted">
          You are its only admin. To leave, first make another member admin above, or delete the family.
        </p>
      ) : (
        <>
          <p className="muted">
            Your personal lists in this family are deleted and your todos and events are no longer assigned to
            you. An admin can add you again.
          </p>
          <ConfirmStep
            trigger="Leave family"
            triggerLabel={`Leave family “${family.family_name}”`}
            question={
              <>
                Leave <strong>“{family.family_name}”</strong>?
              </>
            }
            confirm={`Leave “${family.family_name}”`}
            busy={action.busy}
            error={action.error}
            onConfirm={leave}
          />
        </>
      )}
    </>
  );
}
