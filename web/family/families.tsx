// The family page: invitations for you, starting a family, its members and their roles, inviting, the calendar subscription
// links, and renaming, deleting or leaving the family.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  ErrorMessage,
  Form,
  Loading,
  Notice,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { navigate } from '../shared/router.tsx';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import { FamilySettings } from './family-settings.tsx';
import { IcalLinks } from './ical-links.tsx';
import { InvitationsForYou, InviteMembers } from './invitations.tsx';
import { type Family, type Member, memberName, type Page, ROLES, roleWithArticle } from './model.ts';

export function Families(props: ViewProps) {
  const { api } = props;
  const { families, family } = useFamily(props);
  const [name, setName] = useState('');
  const [farewell, setFarewell] = useState<string>();
  const create = useAction();
  const submit = () =>
    create.run(async () => {
      const made = await api<Family>('/api/families', { body: { family_name: name } });
      setName('');
      setFarewell(undefined);
      families.reload();
      navigate(props.href('families', { family: made.family_id }));
    });
  /** After the family was deleted or left: say so and show the next one. */
  const onGone = (message: string) => {
    setFarewell(message);
    families.reload();
    navigate(props.href('families'), { replace: true });
  };
  return (
    <>
      <h1>Your family</h1>
      {farewell && <Notice>{farewell}</Notice>}
      <InvitationsForYou props={props} onJoined={families.reload} />
      {families.error && <ErrorMessage>{families.error}</ErrorMessage>}
      {!families.data ? (
        !families.error && <Loading />
      ) : (
        <>
          {families.data.items.length > 1 && family && (
            <FamilyPicker props={props} families={families.data.items} family={family} />
          )}
          {family ? (
            <FamilyDetail
              key={family.family_id}
              props={props}
              family={family}
              onChange={families.reload}
              onGone={onGone}
            />
          ) : (
            <NeedsFamily props={props} />
          )}
        </>
      )}
      <Section title="Start a family">
        <Form onSubmit={submit} error={create.error} label="Start a family">
          <TextField label="Family name" required value={name} onChange={(e) => setName(e.target.value)} />
          <SubmitRow busy={create.busy}>Create family</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

function FamilyDetail({
  props,
  family,
  onChange,
  onGone,
}: {
  props: ViewProps;
  family: Family;
  onChange: () => void;
  onGone: (message: string) => void;
}) {
  const { api } = props;
  const members = useLoad(
    (signal) =>
      api<Page<Member>>(`/api/families/${family.family_id}/members`, { signal, query: { limit: 100 } }),
    [api, family.family_id],
  );
  const change = useAction();
  const isAdmin = family.my_role === 'admin';
  const setMemberRole = (member: Member, next: string) =>
    change.run(async () => {
      await api(`/api/families/${family.family_id}/members/${member.member_id}`, {
        method: 'PATCH',
        body: { role: next },
      });
      members.reload();
    });
  const remove = (member: Member) =>
    change.run(async () => {
      await api(`/api/families/${family.family_id}/members/${member.member_id}`, { method: 'DELETE' });
      members.reload();
      onChange();
    });
  return (
    <>
      <Section title={family.family_name}>
        <p className="muted">
          You are {roleWithArticle(family.my_role)} here · {family.member_count} member
          {family.member_count === 1 ? '' : 's'}
          {family.member_cap ? ` of at most ${family.member_cap} on this plan` : ''}
        </p>
        {members.error && <ErrorMessage>{members.error}</ErrorMessage>}
        {change.error && <ErrorMessage>{change.error}</ErrorMessage>}
        {!members.data ? (
          <Loading />
        ) : (
          <ul className="list" aria-label="Members">
            {members.data.items.map((member) => (
              <li className="list-row" key={member.member_id}>
                <div>
                  <strong>{memberName(member)}</strong> <span className="tag">{member.role}</span>
                </div>
                {isAdmin && (
                  <div className="button-row">
                    <label className="visually-hidden" htmlFor={`role-${member.member_id}`}>
                      Role of {memberName(member)}
                    </label>
                    <select
                      id={`role-${member.member_id}`}
                      className="input"
                      style={{ width: 'auto' }}
                      value={member.role}
                      onChange={(e) => void setMemberRole(member, e.target.value)}
                    >
                      {ROLES.map(([value, text]) => (
                        <option key={value} value={value}>
                          {text}
                        </option>
                      ))}
                    </select>
                    <Button
                      small
                      variant="secondary"
                      onClick={() => void remove(member)}
                      aria-label={`Remove ${memberName(member)}`}
                    >
                      Remove
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {isAdmin && <InviteMembers props={props} family={family} />}
      <IcalLinks props={props} family={family} members={members.data?.items ?? []} />
      <FamilySettings
        props={props}
        family={family}
        members={members.data?.items}
        onRenamed={onChange}
        onGone={onGone}
      />
    </>
  );
}
