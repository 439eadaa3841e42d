// Hollowtown's views: the costume gallery with upvotes and the haunted-house room planner; the
// recipes live in recipes.tsx and the events in events.tsx.
import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, BuyLinks } from '../shared/buy-links.tsx';
import { ModerationNotice, ReportItem, VoteButton } from '../shared/community.tsx';
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
import { PublicPageLink } from '../shared/public-page-link.tsx';
import { Link } from '../shared/router.tsx';
import { Events } from './events.tsx';
import { itemLine, itemsOfText, itemText } from './item-lines.ts';
import { Market, MarketPurchases, MarketSelling } from './market.tsx';
import { DIFFICULTIES, lines } from './recipe-types.ts';
import { Recipes } from './recipes.tsx';

/** Costumes; `is_preview`: a pattern is sold and you neither made nor bought it. */
type CostumePage = Answer<paths, '/api/costumes', 'get'>;

const EMPTY_COSTUME = {
  costume_name: '',
  description: '',
  difficulty: 'easy',
  cost: '',
  materials: '',
  image_url: '',
};

/** Only web addresses become links (the API takes nothing else; this page checks again). */
const isWebAddress = (url: string) => /^https?:\/\//i.test(url);
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export function Costumes(props: ViewProps) {
  const { api } = props;
  const costumes = useLoad(
    (signal) => api<CostumePage>('/api/costumes', { signal, query: { limit: 50 } }),
    [api],
  );
  const [form, setForm, set] = useFields(EMPTY_COSTUME);
  const share = useAction();
  const submit = () =>
    share.run(async () => {
      const materials = itemsOfText(form.materials);
      await api('/api/costumes', {
        body: {
          costume_name: form.costume_name,
          difficulty: form.difficulty,
          ...(form.description ? { description: form.description } : {}),
          ...(form.cost ? { cost_estimate_cents: toCents(form.cost) } : {}),
          ...(materials.length > 0 ? { materials } : {}),
          ...(form.image_url.trim() ? { image_url: form.image_url.trim() } : {}),
        },
      });
      setForm(EMPTY_COSTUME);
      costumes.reload();
    });
  return (
    <>
      <h1>Costume gallery</h1>
      {costumes.error && <ErrorMessage>{costumes.error}</ErrorMessage>}
      {!costumes.data ? (
        !costumes.error && <Loading />
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
              {(costume.for_sale || costume.is_preview) && (
                <p>
                  {costume.is_preview
                    ? 'Its pattern (materials and how to make it) is sold in the marketplace. '
                    : 'Its pattern is for sale in the marketplace. '}
                  {costume.for_sale && (
                    <Link href={props.href('market', { listing: costume.for_sale.listing_id })}>
                      {costume.is_mine ? 'Your listing' : 'See the pattern'}
                      <span className="visually-hidden"> of {costume.costume_name}</span> (
                      {costume.for_sale.price.toLocaleString()} credits)
                    </Link>
                  )}
                </p>
              )}
              {costume.materials.length > 0 &&
                (costume.materials.some((m) => (m.buy_links ?? []).length > 0) ? (
                  <>
                    <p>Materials:</p>
                    <ul className="list" aria-label={`Materials for ${costume.costume_name}`}>
                      {costume.materials.map((m) => (
                        <li className="list-row" key={itemLine(m)}>
                          {itemLine(m)}
                          <BuyLinks links={m.buy_links} item={m.name} />
                        </li>
                      ))}
                    </ul>
                    <AffiliateDisclosure text={costume.affiliate_disclosure} />
                  </>
                ) : (
                  <p>Materials: {costume.materials.map(itemLine).join(', ')}</p>
                ))}
              {costume.image_url && isWebAddress(costume.image_url) && (
                <p>
                  <a href={costume.image_url} target="_blank" rel="noopener noreferrer nofollow">
                    See a picture<span className="visually-hidden"> of {costume.costume_name}</span>
                  </a>{' '}
                  <span className="muted">(on {hostOf(costume.image_url)}, opens a new tab)</span>
                </p>
              )}
              <PublicPageLink
                config={props.config}
                path={`c/${costume.costume_id}`}
                name={costume.costume_name}
              />
              <ModerationNotice moderation={costume.moderation} />
              {!costume.moderation && (
                <div className="button-row">
                  <VoteButton
                    api={api}
                    path={`/api/costumes/${costume.costume_id}`}
                    title={costume.costume_name}
                    state={costume}
                  />
                  {!costume.is_mine && (
                    <ReportItem
                      api={api}
                      path={`/api/costumes/${costume.costume_id}`}
                      title={costume.costume_name}
                    />
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <Section title="Share a costume idea">
        <Form onSubmit={submit} error={share.error} label="Share a costume idea" wide>
          <div className="form-grid">
            <TextField
              label="Costume"
              required
              maxLength={200}
              value={form.costume_name}
              onChange={set('costume_name')}
            />
            <SelectField
              label="Difficulty"
              options={DIFFICULTIES}
              value={form.difficulty}
              onChange={set('difficulty')}
            />
            <MoneyField label="Cost" value={form.cost} onChange={set('cost')} />
            <TextField
              label="Picture"
              type="url"
              hint="A link to a photo of it, starting with https://"
              placeholder="https://"
              maxLength={2048}
              value={form.image_url}
              onChange={set('image_url')}
            />
          </div>
          <TextArea
            label="Materials"
            hint="One per line, such as “3 cardboard boxes”"
            value={form.materials}
            onChange={set('materials')}
          />
          <TextArea label="How to make it" value={form.description} onChange={set('description')} />
          <SubmitRow busy={share.busy}>Share costume</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

type Room = Answer<paths, '/api/haunted-house/plans/{id}', 'get'>;
type RoomPage = Answer<paths, '/api/haunted-house/plans', 'get'>;

const roomFields = (room?: Room) => ({
  room_name: room?.room_name ?? '',
  scare_level: String(room?.scare_level ?? 5),
  props: room ? itemText(room.props_needed) : '',
  setup: room ? room.setup_instructions.join('\n') : '',
});

const SCARE_LEVELS = Array.from({ length: 10 }, (_, i) => [String(i + 1), `${i + 1} of 10`] as const);

/** A room's fields, for a new room or one being changed. */
function RoomForm({
  label,
  room,
  submitText,
  onSave,
  onCancel,
}: {
  label: string;
  room?: Room;
  submitText: string;
  onSave: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
}) {
  const [form, setForm, set] = useFields(() => roomFields(room));
  const action = useAction();
  const frame = useRef<HTMLDivElement>(null);
  const isChange = room !== undefined;
  // Opened for a change: the keyboard starts in the first field.
  useEffect(() => {
    if (isChange) frame.current?.querySelector('input')?.focus();
  }, [isChange]);
  const submit = () =>
    action.run(async () => {
      await onSave({
        room_name: form.room_name,
        scare_level: Number(form.scare_level),
        props_needed: itemsOfText(form.props, room?.props_needed),
        setup_instructions: lines(form.setup),
      });
      if (!room) setForm(roomFields());
    });
  return (
    <div ref={frame}>
      <Form onSubmit={submit} error={action.error} label={label} wide>
        <div className="form-grid">
          <TextField
            label="Room"
            required
            maxLength={200}
            value={form.room_name}
            onChange={set('room_name')}
          />
          <SelectField
            label="Scare level"
            options={SCARE_LEVELS}
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
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            {submitText}
          </Button>
          {onCancel && (
            <Button variant="secondary" disabled={action.busy} onClick={onCancel}>
              Cancel
            </Button>
          )}
        </div>
      </Form>
    </div>
  );
}

function RoomCard({ props, room, onChange }: { props: ViewProps; room: Room; onChange: () => void }) {
  const [isEditing, setEditing] = useState(false);
  const remove = useAction();
  const buttons = useRef<HTMLDivElement>(null);
  const wasEditing = useRef(false);
  // Back from the form: the keyboard returns to Edit.
  useEffect(() => {
    if (wasEditing.current && !isEditing)
      buttons.current?.querySelector<HTMLButtonElement>('[data-action="edit"]')?.focus();
    wasEditing.current = isEditing;
  }, [isEditing]);
  const del = () =>
    remove.run(async () => {
      await props.api(`/api/haunted-house/plans/${room.plan_id}`, { method: 'DELETE' });
      onChange();
    });
  const save = async (body: Record<string, unknown>) => {
    await props.api(`/api/haunted-house/plans/${room.plan_id}`, { method: 'PATCH', body });
    setEditing(false);
    onChange();
  };
  if (isEditing) {
    return (
      <li className="card">
        <RoomForm
          label={`Change ${room.room_name}`}
          room={room}
          submitText="Save room"
          onSave={save}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    <li className="card">
      <h3>{room.room_name}</h3>
      <p className="muted">Scare level {room.scare_level} of 10</p>
      {room.props_needed.length > 0 && <p>Props: {room.props_needed.map(itemLine).join(', ')}</p>}
      {room.setup_instructions.length > 0 && (
        <ol>
          {room.setup_instructions.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      )}
      {remove.error && <ErrorMessage>{remove.error}</ErrorMessage>}
      <div className="button-row" ref={buttons}>
        <Button
          data-action="edit"
          small
          variant="secondary"
          onClick={() => setEditing(true)}
          aria-label={`Edit ${room.room_name}`}
        >
          Edit
        </Button>
        <Button
          small
          variant="secondary"
          busy={remove.busy}
          onClick={() => void del()}
          aria-label={`Delete ${room.room_name}`}
        >
          Delete
        </Button>
      </div>
    </li>
  );
}

export function HauntedHouse(props: ViewProps) {
  const { api } = props;
  const rooms = useLoad(
    (signal) => api<RoomPage>('/api/haunted-house/plans', { signal, query: { limit: 50 } }),
    [api],
  );
  const add = async (body: Record<string, unknown>) => {
    await api('/api/haunted-house/plans', { body });
    rooms.reload();
  };
  return (
    <>
      <h1>Haunted-house planner</h1>
      {rooms.error && <ErrorMessage>{rooms.error}</ErrorMessage>}
      {!rooms.data ? (
        !rooms.error && <Loading />
      ) : rooms.data.items.length === 0 ? (
        <Empty>No rooms planned yet.</Empty>
      ) : (
        <ul className="grid list" aria-label="Rooms">
          {rooms.data.items.map((room) => (
            <RoomCard key={room.plan_id} props={props} room={room} onChange={rooms.reload} />
          ))}
        </ul>
      )}
      <Section title="Plan a room">
        <RoomForm label="Plan a room" submitText="Add room" onSave={add} />
      </Section>
      <PublishedRooms props={props} />
    </>
  );
}

/** Rooms others published (the starter pack's among them), to borrow ideas from: read-only. */
function PublishedRooms({ props }: { props: ViewProps }) {
  const published = useLoad(
    (signal) =>
      props.api<RoomPage>('/api/haunted-house/plans', {
        signal,
        query: { limit: 50, scope: 'published' },
      }),
    [props.api],
  );
  const others = published.data?.items.filter((room) => !room.is_mine) ?? [];
  if (others.length === 0) return null;
  return (
    <Section title="Rooms to borrow from">
      <ul className="grid list" aria-label="Published rooms">
        {others.map((room) => (
          <li className="card" key={room.plan_id}>
            <h3>{room.room_name}</h3>
            <p className="muted">Scare level {room.scare_level} of 10</p>
            {room.props_needed.length > 0 && <p>Props: {room.props_needed.map(itemLine).join(', ')}</p>}
            {room.setup_instructions.length > 0 && (
              <ol>
                {room.setup_instructions.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}

export const HOLLOWTOWN_VIEWS = {
  recipes: Recipes,
  events: Events,
  costumes: Costumes,
  'haunted-house': HauntedHouse,
  market: Market,
  'market-purchases': MarketPurchases,
  'market-selling': MarketSelling,
};
