// Hollowtown's views: the costume gallery with upvotes and the haunted-house room planner; the
// recipes live in recipes.tsx and the events in events.tsx.
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatMoney,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { MoneyField, toCents } from '../shared/money-field.tsx';
import type { Page } from './event-types.ts';
import { Events } from './events.tsx';
import { DIFFICULTIES, lines } from './recipe-types.ts';
import { Recipes } from './recipes.tsx';

interface Costume {
  costume_id: string;
  costume_name: string;
  description: string | null;
  difficulty: string;
  cost_estimate_cents: number | null;
  upvotes: number;
  has_upvoted: boolean;
  is_mine: boolean;
}

export function Costumes(props: ViewProps) {
  const { api } = props;
  const costumes = useLoad(
    (signal) => api<Page<Costume>>('/api/costumes', { signal, query: { limit: 50 } }),
    [api],
  );
  const [form, setForm, set] = useFields({ costume_name: '', description: '', difficulty: 'easy', cost: '' });
  const share = useAction();
  const vote = useAction();
  const submit = () =>
    share.run(async () => {
      await api('/api/costumes', {
        body: {
          costume_name: form.costume_name,
          difficulty: form.difficulty,
          ...(form.description ? { description: form.description } : {}),
          ...(form.cost ? { cost_estimate_cents: toCents(form.cost) } : {}),
        },
      });
      setForm({ costume_name: '', description: '', difficulty: 'easy', cost: '' });
      costumes.reload();
    });
  const toggle = (costume: Costume) =>
    vote.run(async () => {
      await api(`/api/costumes/${costume.costume_id}/upvote`, {
        method: costume.has_upvoted ? 'DELETE' : 'POST',
      });
      costumes.reload();
    });
  return (
    <>
      <h1>Costume gallery</h1>
      {(costumes.error || vote.error) && <ErrorMessage>{costumes.error ?? vote.error}</ErrorMessage>}
      {!costumes.data ? (
        <Loading />
      ) : costumes.data.items.length === 0 ? (
        <Empty>No costumes yet. Share the first one below.</Empty>
      ) : (
        <ul className="grid list" aria-label="Costumes">
          {costumes.data.items.map((costume) => (
            <li className="card" key={costume.costume_id}>
              <h3>{costume.costume_name}</h3>
              <p className="muted">
                {costume.difficulty}
                {costume.cost_estimate_cents !== null &&
                  ` · about ${formatMoney(costume.cost_estimate_cents)}`}
              </p>
              {costume.description && <p>{costume.description}</p>}
              <Button
                small
                variant={costume.has_upvoted ? 'primary' : 'secondary'}
                aria-pressed={costume.has_upvoted}
                onClick={() => void toggle(costume)}
              >
                ▲ Upvote<span className="visually-hidden"> {costume.costume_name}</span> ·{' '}
                <span data-testid="upvotes">{costume.upvotes}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Section title="Share a costume idea">
        <Form onSubmit={submit} error={share.error} label="Share a costume idea" wide>
          <div className="form-grid">
            <TextField label="Costume" required value={form.costume_name} onChange={set('costume_name')} />
            <SelectField
              label="Difficulty"
              options={DIFFICULTIES}
              value={form.difficulty}
              onChange={set('difficulty')}
            />
            <MoneyField label="Cost" value={form.cost} onChange={set('cost')} />
          </div>
          <TextArea label="How to make it" value={form.description} onChange={set('description')} />
          <SubmitRow busy={share.busy}>Share costume</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

interface Room {
  plan_id: string;
  room_name: string;
  scare_level: number;
  props_needed: Array<{ name: string; quantity: number | null }>;
  setup_instructions: string[];
}

export function HauntedHouse(props: ViewProps) {
  const { api } = props;
  const rooms = useLoad(
    (signal) => api<Page<Room>>('/api/haunted-house/plans', { signal, query: { limit: 50 } }),
    [api],
  );
  const [form, setForm, set] = useFields({ room_name: '', scare_level: '5', props: '', setup: '' });
  const action = useAction();
  const remove = useAction();
  const submit = () =>
    action.run(async () => {
      await api('/api/haunted-house/plans', {
        body: {
          room_name: form.room_name,
          scare_level: Number(form.scare_level),
          props_needed: lines(form.props).map((name) => ({ name })),
          setup_instructions: lines(form.setup),
        },
      });
      setForm({ room_name: '', scare_level: '5', props: '', setup: '' });
      rooms.reload();
    });
  const del = (room: Room) =>
    remove.run(async () => {
      await api(`/api/haunted-house/plans/${room.plan_id}`, { method: 'DELETE' });
      rooms.reload();
    });
  return (
    <>
      <h1>Haunted-house planner</h1>
      {(rooms.error || remove.error) && <ErrorMessage>{rooms.error ?? remove.error}</ErrorMessage>}
      {!rooms.data ? (
        <Loading />
      ) : rooms.data.items.length === 0 ? (
        <Empty>No rooms planned yet.</Empty>
      ) : (
        <ul className="grid list" aria-label="Rooms">
          {rooms.data.items.map((room) => (
            <li className="card" key={room.plan_id}>
              <h3>{room.room_name}</h3>
              <p className="muted">Scare level {room.scare_level} of 10</p>
              {room.props_needed.length > 0 && (
                <p>Props: {room.props_needed.map((p) => p.name).join(', ')}</p>
              )}
              {room.setup_instructions.length > 0 && (
                <ol>
                  {room.setup_instructions.map((step) => (
                    <li key={step}>{step}</li>
                  ))}
                </ol>
              )}
              <Button
                small
                variant="secondary"
                onClick={() => void del(room)}
                aria-label={`Delete ${room.room_name}`}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Section title="Plan a room">
        <Form onSubmit={submit} error={action.error} label="Plan a room" wide>
          <div className="form-grid">
            <TextField label="Room" required value={form.room_name} onChange={set('room_name')} />
            <SelectField
              label="Scare level"
              options={Array.from({ length: 10 }, (_, i) => [String(i + 1), `${i + 1} of 10`] as const)}
              value={form.scare_level}
              onChange={set('scare_level')}
            />
          </div>
          <TextArea label="Props needed" hint="One per line" value={form.props} onChange={set('props')} />
          <TextArea
            label="How to set it up"
            hint="One step per line"
            value={form.setup}
            onChange={set('setup')}
          />
          <SubmitRow busy={action.busy}>Add room</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

export const HOLLOWTOWN_VIEWS = {
  recipes: Recipes,
  events: Events,
  costumes: Costumes,
  'haunted-house': HauntedHouse,
};
