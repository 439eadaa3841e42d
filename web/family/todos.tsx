// Family Planner's todo lists: the family's lists, their items, who does what and by when.
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link } from '../shared/router.tsx';
import { dueDateOf, dueText, PRIORITIES, type Priority } from './due-dates.ts';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import { type Member, memberName, type Page } from './model.ts';

type TodoLists = Answer<paths, '/api/todos', 'get'>;
type TodoList = TodoLists['items'][number];
type TodoItems = Answer<paths, '/api/todos/{id}/items', 'get'>;
type TodoItem = TodoItems['items'][number];

export function Todos(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const lists = useLoad(
    async (signal) =>
      family
        ? api<TodoLists>('/api/todos', { signal, query: { family_id: family.family_id, limit: 100 } })
        : null,
    [api, family?.family_id],
  );
  const [name, setName] = useState('');
  const [type, setType] = useState('shared');
  const create = useAction();
  const list = lists.data?.items.find((l) => l.list_id === params.get('list')) ?? lists.data?.items[0];
  const submit = () =>
    create.run(async () => {
      if (!family) return;
      await api('/api/todos', { body: { family_id: family.family_id, list_name: name, list_type: type } });
      setName('');
      lists.reload();
    });
  if (families.error) return <ErrorMessage>{families.error}</ErrorMessage>;
  if (!families.data) return <Loading />;
  if (!family) return <NeedsFamily props={props} />;
  return (
    <>
      <h1>Todos</h1>
      <FamilyPicker props={props} families={families.data.items} family={family} />
      {lists.error && <ErrorMessage>{lists.error}</ErrorMessage>}
      {lists.data && lists.data.items.length > 0 && (
        <nav aria-label="Todo lists">
          <ul className="nav">
            {lists.data.items.map((l) => (
              <li key={l.list_id}>
                <Link
                  href={props.href('todos', { family: family.family_id, list: l.list_id })}
                  aria-current={l.list_id === list?.list_id ? 'page' : undefined}
                >
                  {l.list_name} ({l.open_item_count})
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {list ? (
        <TodoItems props={props} familyId={family.family_id} list={list} onChange={lists.reload} />
      ) : (
        <Empty>No lists yet.</Empty>
      )}
      <Section title="New list">
        <Form onSubmit={submit} error={create.error} label="New todo list">
          <div className="form-grid">
            <TextField label="List name" required value={name} onChange={(e) => setName(e.target.value)} />
            <SelectField
              label="Kind"
              options={[
                ['shared', 'Shared'],
                ['chores', 'Chores'],
                ['personal', 'Personal'],
              ]}
              value={type}
              onChange={(e) => setType(e.target.value)}
            />
          </div>
          <SubmitRow busy={create.busy}>Create list</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

function TodoItems({
  props,
  familyId,
  list,
  onChange,
}: {
  props: ViewProps;
  familyId: string;
  list: TodoList;
  onChange: () => void;
}) {
  const { api } = props;
  const items = useLoad(
    (signal) => api<TodoItems>(`/api/todos/${list.list_id}/items`, { signal, query: { limit: 100 } }),
    [api, list.list_id],
  );
  const members = useLoad(
    (signal) => api<Page<Member>>(`/api/families/${familyId}/members`, { signal, query: { limit: 100 } }),
    [api, familyId],
  );
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const [dueTime, setDueTime] = useState('');
  const [priority, setPriority] = useState<Priority>('medium');
  const add = useAction();
  const toggle = useAction();
  const nameOf = (userId: string | null) => {
    const m = members.data?.items.find((x) => x.user_id === userId);
    return m ? memberName(m) : undefined;
  };
  const submit = () =>
    add.run(async () => {
      const dueDate = dueDateOf(due, dueTime);
      await api(`/api/todos/${list.list_id}/items`, {
        body: {
          title,
          priority,
          ...(assignee ? { assigned_to: assignee } : {}),
          ...(dueDate ? { due_date: dueDate } : {}),
        },
      });
      setTitle('');
      setDue('');
      setDueTime('');
      setPriority('medium');
      items.reload();
      onChange();
    });
  const setDone = (item: TodoItem, done: boolean) =>
    toggle.run(async () => {
      // Shown at once; the list reloads from the server after.
      if (items.data) {
        items.setData({
          ...items.data,
          items: items.data.items.map((i) =>
            i.item_id === item.item_id ? { ...i, status: done ? 'done' : 'todo' } : i,
          ),
        });
      }
      await api(`/api/todos/${list.list_id}/items/${item.item_id}`, {
        method: 'PATCH',
        body: { status: done ? 'done' : 'todo' },
      });
      items.reload();
      onChange();
    });
  return (
    <Section title={list.list_name}>
      {(items.error || toggle.error) && <ErrorMessage>{items.error ?? toggle.error}</ErrorMessage>}
      {!items.data ? (
        <Loading />
      ) : items.data.items.length === 0 ? (
        <Empty>Nothing to do here yet.</Empty>
      ) : (
        <ul className="list" aria-label={`Items of ${list.list_name}`}>
          {items.data.items.map((item) => (
            <li className="list-row" key={item.item_id}>
              <Checkbox
                label={
                  <>
                    {item.status === 'done' ? <s>{item.title}</s> : item.title}
                    {item.assigned_to && (
                      <span className="muted"> · {nameOf(item.assigned_to) ?? 'someone'}</span>
                    )}
                    {item.due_date && (
                      <span className="muted"> · due {dueText(item.due_date, item.due_all_day)}</span>
                    )}
                    {item.priority !== 'medium' && (
                      <span className={`priority priority--${item.priority}`}>
                        {' '}
                        · {item.priority} priority
                      </span>
                    )}
                  </>
                }
                checked={item.status === 'done'}
                onChange={(e) => void setDone(item, e.target.checked)}
              />
            </li>
          ))}
        </ul>
      )}
      <Form onSubmit={submit} error={add.error} label="Add a todo" wide>
        <div className="form-grid">
          <TextField label="To do" required value={title} onChange={(e) => setTitle(e.target.value)} />
          <SelectField
            label="Assigned to"
            options={[
              ['', 'Nobody'],
              ...(members.data?.items ?? []).map((m) => [m.user_id, memberName(m)] as const),
            ]}
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
          />
          <TextField label="Due" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
          <TextField
            label="Time"
            type="time"
            hint={due ? 'Empty for all day' : 'Pick a day first'}
            disabled={!due}
            value={due ? dueTime : ''}
            onChange={(e) => setDueTime(e.target.value)}
          />
          <SelectField
            label="Priority"
            options={PRIORITIES}
            value={priority}
            onChange={(e) => setPriority(e.target.value as Priority)}
          />
        </div>
        <SubmitRow busy={add.busy}>Add todo</SubmitRow>
      </Form>
    </Section>
  );
}
