// Family Planner's views: families and members, todo lists, the calendar, the live shopping
// list and the iCal link.
import { useEffect, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  formatMoney,
  Loading,
  Section,
  SelectField,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import { followStream } from '../shared/stream.ts';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
interface Family {
  family_id: string;
  family_name: string;
  my_role: 'admin' | 'parent' | 'child';
  member_count: number;
  member_cap?: number | null;
}
interface Member {
  member_id: string;
  user_id: string;
  username: string | null;
  display_name: string | null;
  role: 'admin' | 'parent' | 'child';
}
const ROLES = [
  ['parent', 'Parent'],
  ['child', 'Child'],
  ['admin', 'Admin'],
] as const;
const idempotent = () => ({ 'idempotency-key': crypto.randomUUID() });
const memberName = (m: Member) => m.display_name ?? m.username ?? 'Member';

/** The families this person belongs to and the one chosen in ?family= (or the first). */
function useFamily({ api, params }: ViewProps) {
  const families = useLoad((signal) => api<Page<Family>>('/api/families', { signal }), [api]);
  const chosen = params.get('family');
  const family = families.data?.items.find((f) => f.family_id === chosen) ?? families.data?.items[0];
  return { families, family };
}

function FamilyPicker({
  props,
  families,
  family,
}: {
  props: ViewProps;
  families: Family[];
  family?: Family;
}) {
  if (families.length < 2 || !family) return null;
  return (
    <SelectField
      label="Family"
      options={families.map((f) => [f.family_id, f.family_name] as const)}
      value={family.family_id}
      onChange={(e) =>
        navigate(props.href(location.pathname.split('/').pop() ?? '', { family: e.target.value }))
      }
    />
  );
}

function NeedsFamily({ props }: { props: ViewProps }) {
  return (
    <Empty>
      You are not in a family yet. <Link href={props.href('families')}>Create one</Link> or ask a parent to
      add you.
    </Empty>
  );
}

export function Families(props: ViewProps) {
  const { api } = props;
  const { families, family } = useFamily(props);
  const [name, setName] = useState('');
  const create = useAction();
  const submit = () =>
    create.run(async () => {
      const made = await api<Family>('/api/families', { body: { family_name: name } });
      setName('');
      families.reload();
      navigate(props.href('families', { family: made.family_id }));
    });
  return (
    <>
      <h1>Your family</h1>
      {families.error && <ErrorMessage>{families.error}</ErrorMessage>}
      {!families.data ? (
        <Loading />
      ) : (
        <>
          {families.data.items.length > 1 && family && (
            <FamilyPicker props={props} families={families.data.items} family={family} />
          )}
          {family ? (
            <FamilyDetail props={props} family={family} onChange={families.reload} />
          ) : (
            <NeedsFamily props={props} />
          )}
        </>
      )}
      <Section title="Start a family">
        <Form onSubmit={submit} error={create.error} label="Start a family">
          <TextField label="Family name" required value={name} onChange={(e) => setName(e.target.value)} />
          <div className="button-row">
            <Button type="submit" busy={create.busy}>
              Create family
            </Button>
          </div>
        </Form>
      </Section>
    </>
  );
}

function FamilyDetail({
  props,
  family,
  onChange,
}: {
  props: ViewProps;
  family: Family;
  onChange: () => void;
}) {
  const { api } = props;
  const members = useLoad(
    (signal) =>
      api<Page<Member>>(`/api/families/${family.family_id}/members`, { signal, query: { limit: 100 } }),
    [api, family.family_id],
  );
  const [login, setLogin] = useState('');
  const [role, setRole] = useState('child');
  const add = useAction();
  const change = useAction();
  const isAdmin = family.my_role === 'admin';
  const submit = () =>
    add.run(async () => {
      await api(`/api/families/${family.family_id}/members`, { body: { login: login.trim(), role } });
      setLogin('');
      members.reload();
      onChange();
    });
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
          You are {family.my_role === 'admin' ? 'an admin' : `a ${family.my_role}`} here ·{' '}
          {family.member_count} member{family.member_count === 1 ? '' : 's'}
          {family.member_cap ? ` of at most ${family.member_cap} on this plan` : ''}
        </p>
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
      {isAdmin && (
        <Section title="Add a member">
          <Form onSubmit={submit} error={add.error} label="Add a member">
            <div className="form-grid">
              <TextField
                label="Their CALOS username or email"
                required
                value={login}
                onChange={(e) => setLogin(e.target.value)}
              />
              <SelectField
                label="Role"
                options={ROLES}
                value={role}
                onChange={(e) => setRole(e.target.value)}
              />
            </div>
            <div className="button-row">
              <Button type="submit" busy={add.busy}>
                Add member
              </Button>
            </div>
          </Form>
        </Section>
      )}
      <CalendarLink props={props} family={family} />
    </>
  );
}

function CalendarLink({ props, family }: { props: ViewProps; family: Family }) {
  const [url, setUrl] = useState<string>();
  const action = useAction();
  const create = () =>
    action.run(async () => {
      const feed = await props.api<{ url: string }>(`/api/families/${family.family_id}/ical`, {
        method: 'POST',
      });
      setUrl(feed.url);
    });
  return (
    <Section title="Calendar subscription">
      <p className="muted">Subscribe from your phone's calendar app to see the family calendar there.</p>
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      {url ? (
        <TextField
          label="Your private iCal link (shown once)"
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
        />
      ) : (
        <Button variant="secondary" busy={action.busy} onClick={() => void create()}>
          Create iCal link
        </Button>
      )}
    </Section>
  );
}

interface TodoList {
  list_id: string;
  list_name: string;
  list_type: string;
  item_count: number;
  open_item_count: number;
}
interface TodoItem {
  item_id: string;
  title: string;
  assigned_to: string | null;
  due_date: string | null;
  priority: string;
  status: 'todo' | 'in_progress' | 'done';
}

export function Todos(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const lists = useLoad(
    async (signal) =>
      family
        ? api<Page<TodoList>>('/api/todos', { signal, query: { family_id: family.family_id, limit: 100 } })
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
          <div className="button-row">
            <Button type="submit" busy={create.busy}>
              Create list
            </Button>
          </div>
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
    (signal) => api<Page<TodoItem>>(`/api/todos/${list.list_id}/items`, { signal, query: { limit: 100 } }),
    [api, list.list_id],
  );
  const members = useLoad(
    (signal) => api<Page<Member>>(`/api/families/${familyId}/members`, { signal, query: { limit: 100 } }),
    [api, familyId],
  );
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const add = useAction();
  const toggle = useAction();
  const nameOf = (userId: string | null) => {
    const m = members.data?.items.find((x) => x.user_id === userId);
    return m ? memberName(m) : undefined;
  };
  const submit = () =>
    add.run(async () => {
      await api(`/api/todos/${list.list_id}/items`, {
        body: { title, ...(assignee ? { assigned_to: assignee } : {}), ...(due ? { due_date: due } : {}) },
      });
      setTitle('');
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
                    {item.due_date && <span className="muted"> · due {formatDate(item.due_date)}</span>}
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
        </div>
        <div className="button-row">
          <Button type="submit" busy={add.busy}>
            Add todo
          </Button>
        </div>
      </Form>
    </Section>
  );
}

interface CalendarEvent {
  event_id: string;
  event_name: string;
  event_type: string;
  start_time: string;
  end_time: string | null;
  location: string | null;
}

const startOfWeek = (day: Date) => {
  const d = new Date(day.getFullYear(), day.getMonth(), day.getDate());
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
};
const addDays = (day: Date, n: number) => new Date(day.getFullYear(), day.getMonth(), day.getDate() + n);
const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function Calendar(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const mode = params.get('mode') === 'week' ? 'week' : 'month';
  const anchor = params.get('date') ? new Date(`${params.get('date')}T00:00:00`) : new Date();
  const days = ((): Date[] => {
    if (mode === 'week') {
      const start = startOfWeek(anchor);
      return Array.from({ length: 7 }, (_, i) => addDays(start, i));
    }
    const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
    const start = startOfWeek(first);
    const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
    const weeks = Math.ceil(((last.getTime() - start.getTime()) / 86_400_000 + 1) / 7);
    return Array.from({ length: weeks * 7 }, (_, i) => addDays(start, i));
  })();
  const from = days[0] as Date;
  const to = addDays(days[days.length - 1] as Date, 1);
  const events = useLoad(
    async (signal) =>
      family
        ? api<Page<CalendarEvent>>('/api/calendar', {
            signal,
            query: {
              family_id: family.family_id,
              from: from.toISOString(),
              to: to.toISOString(),
              limit: 100,
            },
          })
        : null,
    [api, family?.family_id, from.getTime(), to.getTime()],
  );
  const [form, setForm] = useState({ event_name: '', start: '', end: '', event_type: 'appointment' });
  const add = useAction();
  if (families.error) return <ErrorMessage>{families.error}</ErrorMessage>;
  if (!families.data) return <Loading />;
  if (!family) return <NeedsFamily props={props} />;
  const byDay = new Map<string, CalendarEvent[]>();
  for (const event of events.data?.items ?? []) {
    const key = dayKey(new Date(event.start_time));
    byDay.set(key, [...(byDay.get(key) ?? []), event]);
  }
  const step = (n: number) =>
    dayKey(
      mode === 'week' ? addDays(anchor, 7 * n) : new Date(anchor.getFullYear(), anchor.getMonth() + n, 1),
    );
  const link = (extra: Record<string, string>) =>
    props.href('calendar', { family: family.family_id, mode, date: dayKey(anchor), ...extra });
  const submit = () =>
    add.run(async () => {
      await api('/api/calendar/events', {
        body: {
          family_id: family.family_id,
          event_name: form.event_name,
          event_type: form.event_type,
          start_time: new Date(form.start).toISOString(),
          ...(form.end ? { end_time: new Date(form.end).toISOString() } : {}),
        },
      });
      setForm({ event_name: '', start: '', end: '', event_type: 'appointment' });
      events.reload();
    });
  const title =
    mode === 'week'
      ? `Week of ${formatDate(from.toISOString())}`
      : anchor.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  return (
    <>
      <h1>Calendar</h1>
      <FamilyPicker props={props} families={families.data.items} family={family} />
      <div className="section-head">
        <h2>{title}</h2>
        <div className="button-row">
          <Link className="button button--secondary button--small" href={link({ date: step(-1) })}>
            Previous
          </Link>
          <Link className="button button--secondary button--small" href={link({ date: step(1) })}>
            Next
          </Link>
          <Link
            className="button button--secondary button--small"
            href={link({ mode: mode === 'week' ? 'month' : 'week' })}
          >
            {mode === 'week' ? 'Month view' : 'Week view'}
          </Link>
        </div>
      </div>
      {events.error && <ErrorMessage>{events.error}</ErrorMessage>}
      <ol className={`calendar calendar--${mode}`} aria-label={title}>
        {days.map((day) => {
          const items = byDay.get(dayKey(day)) ?? [];
          const outside = mode === 'month' && day.getMonth() !== anchor.getMonth();
          return (
            <li key={dayKey(day)} className={`calendar__day${outside ? ' calendar__day--outside' : ''}`}>
              <span className="calendar__date">
                {day.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}
              </span>
              {items.map((event) => (
                <span key={event.event_id} className="calendar__event">
                  {new Date(event.start_time).toLocaleTimeString(undefined, {
                    hour: '2-digit',
                    minute: '2-digit',
                  })}{' '}
                  {event.event_name}
                </span>
              ))}
            </li>
          );
        })}
      </ol>
      {family.my_role !== 'child' && (
        <Section title="Add an event">
          <Form onSubmit={submit} error={add.error} label="Add an event" wide>
            <div className="form-grid">
              <TextField
                label="What"
                required
                value={form.event_name}
                onChange={(e) => setForm((f) => ({ ...f, event_name: e.target.value }))}
              />
              <TextField
                label="Starts"
                type="datetime-local"
                required
                value={form.start}
                onChange={(e) => setForm((f) => ({ ...f, start: e.target.value }))}
              />
              <TextField
                label="Ends"
                type="datetime-local"
                value={form.end}
                onChange={(e) => setForm((f) => ({ ...f, end: e.target.value }))}
              />
              <SelectField
                label="Kind"
                options={[
                  ['appointment', 'Appointment'],
                  ['birthday', 'Birthday'],
                  ['school', 'School'],
                  ['vacation', 'Vacation'],
                  ['other', 'Other'],
                ]}
                value={form.event_type}
                onChange={(e) => setForm((f) => ({ ...f, event_type: e.target.value }))}
              />
            </div>
            <div className="button-row">
              <Button type="submit" busy={add.busy}>
                Add event
              </Button>
            </div>
          </Form>
        </Section>
      )}
    </>
  );
}

interface ShoppingItem {
  item_id: string;
  name: string;
  quantity: number | null;
  unit: string | null;
  checked: boolean;
  cost_cents: number | null;
}
interface ShoppingList {
  list_id: string;
  list_name: string;
  version: number;
  estimated_cost_cents: number;
  items: ShoppingItem[];
}

export function Shopping(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const lists = useLoad(
    async (signal) =>
      family
        ? api<Page<ShoppingList>>('/api/shopping-lists', { signal, query: { family_id: family.family_id } })
        : null,
    [api, family?.family_id],
  );
  const [name, setName] = useState('');
  const create = useAction();
  const listId = params.get('list') ?? lists.data?.items[0]?.list_id;
  const submit = () =>
    create.run(async () => {
      if (!family) return;
      const made = await api<ShoppingList>('/api/shopping-lists', {
        body: { family_id: family.family_id, list_name: name },
      });
      setName('');
      lists.reload();
      navigate(props.href('shopping', { family: family.family_id, list: made.list_id }));
    });
  if (families.error) return <ErrorMessage>{families.error}</ErrorMessage>;
  if (!families.data) return <Loading />;
  if (!family) return <NeedsFamily props={props} />;
  return (
    <>
      <h1>Shopping</h1>
      <FamilyPicker props={props} families={families.data.items} family={family} />
      {lists.error && <ErrorMessage>{lists.error}</ErrorMessage>}
      {lists.data && lists.data.items.length > 1 && (
        <nav aria-label="Shopping lists">
          <ul className="nav">
            {lists.data.items.map((l) => (
              <li key={l.list_id}>
                <Link
                  href={props.href('shopping', { family: family.family_id, list: l.list_id })}
                  aria-current={l.list_id === listId ? 'page' : undefined}
                >
                  {l.list_name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {listId ? (
        <LiveList key={listId} props={props} listId={listId} />
      ) : (
        <Empty>No shopping list yet.</Empty>
      )}
      {family.my_role !== 'child' && (
        <Section title="New shopping list">
          <Form onSubmit={submit} error={create.error} label="New shopping list">
            <TextField label="List name" required value={name} onChange={(e) => setName(e.target.value)} />
            <div className="button-row">
              <Button type="submit" busy={create.busy}>
                Create list
              </Button>
            </div>
          </Form>
        </Section>
      )}
    </>
  );
}

/** One list, kept current by the server's event stream: other members' checks appear at once. */
function LiveList({ props, listId }: { props: ViewProps; listId: string }) {
  const { api, config, session } = props;
  const [list, setList] = useState<ShoppingList>();
  const [live, setLive] = useState<'live' | 'reconnecting'>();
  const [item, setItem] = useState({ name: '', quantity: '' });
  const add = useAction();
  const toggle = useAction();

  useEffect(
    () =>
      followStream(
        `${config.api}/api/shopping-lists/${listId}/stream`,
        () => session.accessToken(),
        (event) => {
          const data = JSON.parse(event.data);
          setList((current) => {
            if (event.event === 'snapshot') return data as ShoppingList;
            if (!current) return current;
            const payload = (data.data ?? {}) as { item?: ShoppingItem; items?: ShoppingItem[] };
            if (event.event === 'list.regenerated' && payload.items)
              return { ...current, items: payload.items };
            if (event.event === 'item.removed')
              return { ...current, items: current.items.filter((i) => i.item_id !== data.item_id) };
            const changed = payload.item;
            if (!changed) return current;
            const exists = current.items.some((i) => i.item_id === changed.item_id);
            return {
              ...current,
              items: exists
                ? current.items.map((i) => (i.item_id === changed.item_id ? changed : i))
                : [...current.items, changed],
            };
          });
        },
        setLive,
      ),
    [config.api, listId, session],
  );

  const check = (target: ShoppingItem, checked: boolean) =>
    toggle.run(async () => {
      setList(
        (current) =>
          current && {
            ...current,
            items: current.items.map((i) => (i.item_id === target.item_id ? { ...i, checked } : i)),
          },
      );
      const updated = await api<ShoppingItem>(`/api/shopping-lists/${listId}/items/${target.item_id}`, {
        method: 'PATCH',
        body: { checked },
        headers: idempotent(),
      });
      setList(
        (current) =>
          current && {
            ...current,
            items: current.items.map((i) => (i.item_id === updated.item_id ? updated : i)),
          },
      );
    });
  const submit = () =>
    add.run(async () => {
      const quantity = Number(item.quantity);
      await api(`/api/shopping-lists/${listId}/items`, {
        body: { name: item.name, ...(item.quantity && Number.isFinite(quantity) ? { quantity } : {}) },
        headers: idempotent(),
      });
      setItem({ name: '', quantity: '' });
    });
  if (!list) return <Loading label="Opening the list…" />;
  const open = list.items.filter((i) => !i.checked).length;
  return (
    <Section title={list.list_name}>
      <p className="muted" role="status">
        {open} of {list.items.length} still to buy
        {list.estimated_cost_cents > 0 ? ` · about ${formatMoney(list.estimated_cost_cents)}` : ''}
        {live === 'reconnecting' ? ' · reconnecting…' : live === 'live' ? ' · live' : ''}
      </p>
      {toggle.error && <ErrorMessage>{toggle.error}</ErrorMessage>}
      {list.items.length === 0 ? (
        <Empty>The list is empty.</Empty>
      ) : (
        <ul className="list" aria-label={`Items on ${list.list_name}`}>
          {list.items.map((i) => (
            <li className="list-row" key={i.item_id}>
              <Checkbox
                label={
                  <>
                    {i.checked ? <s>{i.name}</s> : i.name}
                    {i.quantity !== null && (
                      <span className="muted">
                        {' '}
                        · {i.quantity} {i.unit ?? ''}
                      </span>
                    )}
                  </>
                }
                checked={i.checked}
                onChange={(e) => void check(i, e.target.checked)}
              />
            </li>
          ))}
        </ul>
      )}
      <Form onSubmit={submit} error={add.error} label="Add to the list" wide>
        <div className="form-grid">
          <TextField
            label="Item"
            required
            value={item.name}
            onChange={(e) => setItem((f) => ({ ...f, name: e.target.value }))}
          />
          <TextField
            label="How many"
            inputMode="decimal"
            value={item.quantity}
            onChange={(e) => setItem((f) => ({ ...f, quantity: e.target.value }))}
          />
        </div>
        <div className="button-row">
          <Button type="submit" busy={add.busy}>
            Add item
          </Button>
        </div>
      </Form>
    </Section>
  );
}

export const FAMILY_VIEWS = { families: Families, todos: Todos, calendar: Calendar, shopping: Shopping };
