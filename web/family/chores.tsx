// Chores: todos that come back (every day, week, or by a custom rule), taken in turns by the
// members chosen, with what each has done and the points they earned.
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { dueDateOf, dueText } from './due-dates.ts';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import { canManageEvents, type Family, type Member, memberName, type Page } from './model.ts';
import { describeRule, REMINDERS, REPEATS, remindersOf, ruleOf } from './recurrence.ts';

type TodoList = Answer<paths, '/api/todos/{id}', 'get'>;
type Chore = Answer<paths, '/api/todos/{id}/items/{itemId}', 'get'>;
type Completions = Answer<paths, '/api/todos/{id}/items/{itemId}/completions', 'get'>;
type Points = Answer<paths, '/api/families/{id}/points', 'get'>;

export function Chores(props: ViewProps) {
  const { families, family } = useFamily(props);
  return (
    <>
      <h1>Chores</h1>
      {families.error && <ErrorMessage>{families.error}</ErrorMessage>}
      {!families.data ? (
        !families.error && <Loading />
      ) : !family ? (
        <NeedsFamily props={props} />
      ) : (
        <>
          <FamilyPicker props={props} families={families.data.items} family={family} />
          <FamilyChores key={family.family_id} props={props} family={family} />
        </>
      )}
    </>
  );
}

function FamilyChores({ props, family }: { props: ViewProps; family: Family }) {
  const { api } = props;
  const lists = useLoad(
    (signal) =>
      api<Page<TodoList>>('/api/todos', {
        signal,
        query: { family_id: family.family_id, list_type: 'chores', limit: 100 },
      }),
    [api, family.family_id],
  );
  const members = useLoad(
    (signal) =>
      api<Page<Member>>(`/api/families/${family.family_id}/members`, { signal, query: { limit: 100 } }),
    [api, family.family_id],
  );
  const points = useLoad(
    (signal) => api<Points>(`/api/families/${family.family_id}/points`, { signal }),
    [api, family.family_id],
  );
  const createList = useAction();
  const mayManage = canManageEvents(family.my_role);
  const list = lists.data?.items[0];
  const nameOf = (userId: string | null) => {
    const member = members.data?.items.find((m) => m.user_id === userId);
    return member ? memberName(member) : 'someone';
  };
  const startList = () =>
    createList.run(async () => {
      await api('/api/todos', {
        body: { family_id: family.family_id, list_name: 'Chores', list_type: 'chores' },
      });
      lists.reload();
    });
  if (lists.error) return <ErrorMessage>{lists.error}</ErrorMessage>;
  if (!lists.data || !members.data) return <Loading />;
  return (
    <>
      {list ? (
        <ChoreList
          props={props}
          list={list}
          members={members.data.items}
          nameOf={nameOf}
          mayManage={mayManage}
          onDone={points.reload}
        />
      ) : mayManage ? (
        <Section title="No chores yet">
          <Button busy={createList.busy} onClick={() => void startList()}>
            Start a chores list
          </Button>
          {createList.error && <ErrorMessage>{createList.error}</ErrorMessage>}
        </Section>
      ) : (
        <Empty>No chores yet: a parent or admin sets them up.</Empty>
      )}
      <Section title="Points">
        {points.error && <ErrorMessage>{points.error}</ErrorMessage>}
        {points.data && (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Chore points per member</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Points</th>
                  <th scope="col">Chores done</th>
                </tr>
              </thead>
              <tbody>
                {points.data.items.map((row) => (
                  <tr key={row.user_id}>
                    <th scope="row">{nameOf(row.user_id)}</th>
                    <td>{row.points}</td>
                    <td>{row.completions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

function ChoreList({
  props,
  list,
  members,
  nameOf,
  mayManage,
  onDone,
}: {
  props: ViewProps;
  list: TodoList;
  members: Member[];
  nameOf: (userId: string | null) => string;
  mayManage: boolean;
  onDone: () => void;
}) {
  const { api, user } = props;
  const base = `/api/todos/${list.list_id}/items`;
  const chores = useLoad((signal) => api<Page<Chore>>(base, { signal, query: { limit: 100 } }), [api, base]);
  const done = useAction();
  const [history, setHistory] = useState<string>();
  const complete = (chore: Chore) =>
    done.run(async () => {
      await api(`${base}/${chore.item_id}`, { method: 'PATCH', body: { status: 'done' } });
      chores.reload();
      onDone();
    });
  return (
    <Section title={list.list_name}>
      {(chores.error || done.error) && <ErrorMessage>{chores.error ?? done.error}</ErrorMessage>}
      {!chores.data ? (
        <Loading />
      ) : chores.data.items.length === 0 ? (
        <Empty>No chores on this list yet.</Empty>
      ) : (
        <ul className="list" aria-label={`Chores of ${list.list_name}`}>
          {chores.data.items.map((chore) => {
            const next =
              chore.rotation.length > 1
                ? chore.rotation[(chore.rotation_index + 1) % chore.rotation.length]
                : null;
            const mayComplete = mayManage || chore.assigned_to === user?.user_id;
            return (
              <li className="list-row" key={chore.item_id}>
                <div>
                  <strong>{chore.status === 'done' ? <s>{chore.title}</s> : chore.title}</strong>{' '}
                  {chore.recurrence_rule && (
                    <span className="tag">{describeRule(chore.recurrence_rule)}</span>
                  )}
                  {chore.points !== null && <span className="tag">{chore.points} points</span>}
                  <div className="muted">
                    {chore.assigned_to ? `Now: ${nameOf(chore.assigned_to)}` : 'Anyone'}
                    {next && ` · then ${nameOf(next)}`}
                    {chore.due_date && ` · due ${dueText(chore.due_date, chore.due_all_day)}`}
                  </div>
                  {history === chore.item_id && (
                    <History props={props} url={`${base}/${chore.item_id}/completions`} nameOf={nameOf} />
                  )}
                </div>
                <div className="button-row">
                  <Button
                    small
                    variant="secondary"
                    aria-expanded={history === chore.item_id}
                    aria-label={`History of ${chore.title}`}
                    onClick={() => setHistory((open) => (open === chore.item_id ? undefined : chore.item_id))}
                  >
                    History
                  </Button>
                  {mayComplete && chore.status !== 'done' && (
                    <Button
                      small
                      busy={done.busy}
                      aria-label={`Done: ${chore.title}`}
                      onClick={() => void complete(chore)}
                    >
                      Done
                    </Button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {mayManage && <NewChore props={props} base={base} members={members} onAdded={chores.reload} />}
    </Section>
  );
}

function History({
  props,
  url,
  nameOf,
}: {
  props: ViewProps;
  url: string;
  nameOf: (userId: string | null) => string;
}) {
  const completions = useLoad((signal) => props.api<Completions>(url, { signal }), [props.api, url]);
  if (completions.error) return <ErrorMessage>{completions.error}</ErrorMessage>;
  if (!completions.data) return <Loading />;
  if (completions.data.items.length === 0) return <p className="muted">Not done yet.</p>;
  return (
    <ul aria-label="Done before">
      {completions.data.items.map((c) => (
        <li key={c.completion_id}>
          {formatDate(c.completed_at, true)}: {nameOf(c.completed_by)}
          {c.assigned_to && c.assigned_to !== c.completed_by && ` (for ${nameOf(c.assigned_to)})`}
          {c.points > 0 && `, ${c.points} points`}
        </li>
      ))}
    </ul>
  );
}

function NewChore({
  props,
  base,
  members,
  onAdded,
}: {
  props: ViewProps;
  base: string;
  members: Member[];
  onAdded: () => void;
}) {
  const blank = { title: '', day: '', time: '', repeat: 'FREQ=WEEKLY', custom: '', points: '', reminder: '' };
  const [form, setForm] = useState(blank);
  const [rotation, setRotation] = useState<string[]>([]);
  const add = useAction();
  const set = (name: keyof typeof blank) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const submit = () =>
    add.run(async () => {
      const due = dueDateOf(form.day, form.time);
      await props.api(base, {
        body: {
          title: form.title,
          ...(due ? { due_date: due } : {}),
          recurrence_rule: ruleOf(form.repeat, form.custom),
          rotation: members.map((m) => m.user_id).filter((id) => rotation.includes(id)),
          ...(form.points ? { points: Number(form.points) } : {}),
          reminders: remindersOf(form.reminder),
        },
      });
      setForm(blank);
      setRotation([]);
      onAdded();
    });
  return (
    <Form onSubmit={submit} error={add.error} label="Add a chore" wide>
      <h3>Add a chore</h3>
      <div className="form-grid">
        <TextField label="Chore" required value={form.title} onChange={set('title')} />
        <TextField label="First time" type="date" required value={form.day} onChange={set('day')} />
        <TextField label="At" type="time" hint="Empty for all day" value={form.time} onChange={set('time')} />
        <SelectField
          label="Repeats"
          options={REPEATS.filter(([value]) => value !== '')}
          value={form.repeat}
          onChange={set('repeat')}
        />
        {form.repeat === 'custom' && (
          <TextField
            label="Rule (RFC 5545 RRULE)"
            required
            placeholder="FREQ=WEEKLY;BYDAY=SA"
            value={form.custom}
            onChange={set('custom')}
          />
        )}
        <TextField
          label="Points"
          type="number"
          min={0}
          max={1000}
          value={form.points}
          onChange={set('points')}
        />
        <SelectField label="Reminder" options={REMINDERS} value={form.reminder} onChange={set('reminder')} />
      </div>
      <fieldset>
        <legend>Taking turns</legend>
        {members.map((member) => (
          <Checkbox
            key={member.user_id}
            label={memberName(member)}
            checked={rotation.includes(member.user_id)}
            onChange={(e) =>
              setRotation((current) =>
                e.target.checked
                  ? [...current, member.user_id]
                  : current.filter((id) => id !== member.user_id),
              )
            }
          />
        ))}
      </fieldset>
      <SubmitRow busy={add.busy}>Add chore</SubmitRow>
    </Form>
  );
}
