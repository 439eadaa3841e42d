// The seasonal Halloween collection: Hollowtown's published recipes (each linking back to its
// page on Hollowtown), the banner in season, and a Halloween week planned from a template.
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Empty,
  ErrorMessage,
  Form,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { navigate } from '../shared/router.tsx';
import { mondayOf } from './plan-dates.ts';

type Collection = Answer<paths, '/api/collections/halloween', 'get'>;
type CollectionItem = Collection['items'][number];
type Templates = Answer<paths, '/api/meal-plans/templates', 'get'>;
type PlannedFromTemplate = Answer<paths, '/api/meal-plans/from-template', 'post'>;

const facts = (r: CollectionItem) =>
  [
    `spookiness ${r.spookiness_level}/10`,
    r.prep_time_minutes ? `${r.prep_time_minutes} min` : null,
    r.serves ? `serves ${r.serves}` : null,
  ]
    .filter(Boolean)
    .join(' · ');

export function Halloween(props: ViewProps) {
  const { api } = props;
  const collection = useLoad(
    (signal) => api<Collection>('/api/collections/halloween', { signal, query: { limit: 24 } }),
    [api],
  );
  const templates = useLoad((signal) => api<Templates>('/api/meal-plans/templates', { signal }), [api]);
  const data = collection.data;
  return (
    <>
      {data?.banner && (
        <section className="halloween-banner" aria-label="Halloween season">
          <p className="halloween-banner__title">🎃 {data.banner.title}</p>
          <p>{data.banner.text}</p>
        </section>
      )}
      <div className="section-head">
        <h1>Halloween collection</h1>
      </div>
      {collection.error && <ErrorMessage>{collection.error}</ErrorMessage>}
      <Section title="Plan a Halloween week">
        {templates.error ? (
          <ErrorMessage>{templates.error}</ErrorMessage>
        ) : !templates.data ? (
          <Loading />
        ) : (
          <PlanFromTemplate props={props} templates={templates.data.items} />
        )}
      </Section>
      <Section title="Spooky recipes from Hollowtown">
        {!data ? (
          collection.error ? null : (
            <Loading />
          )
        ) : data.degraded ? (
          <Notice tone="info">
            Hollowtown’s recipes cannot be reached right now ({data.degraded_reason}). Try again in a moment.
          </Notice>
        ) : data.items.length === 0 ? (
          <Empty>No Halloween recipes are published yet.</Empty>
        ) : (
          <ul className="grid list" aria-label="Halloween recipes from Hollowtown">
            {data.items.map((r) => (
              <li className="card" key={r.recipe_id}>
                <h3>
                  <a href={r.url}>{r.recipe_name}</a>
                </h3>
                <p className="muted">{facts(r)}</p>
                {r.description && <p>{r.description}</p>}
                <p className="muted">From Hollowtown</p>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

function PlanFromTemplate({ props, templates }: { props: ViewProps; templates: Templates['items'] }) {
  const make = useAction();
  const [template, setTemplate] = useState(templates[0]?.template ?? '');
  const [startDate, setStartDate] = useState(() => mondayOf(true));
  if (templates.length === 0) return <Empty>No meal plan templates here.</Empty>;
  const chosen = templates.find((t) => t.template === template);
  const submit = async () => {
    const made = await make.run(() =>
      props.api<PlannedFromTemplate>('/api/meal-plans/from-template', {
        body: { template, start_date: startDate },
      }),
    );
    if (made) navigate(props.href('meal-plans', { plan: made.plan.plan_id }));
  };
  return (
    <Form onSubmit={submit} label="Plan from a template">
      <SelectField
        label="Template"
        value={template}
        onChange={(e) => setTemplate(e.target.value)}
        options={templates.map((t) => [t.template, `${t.name} (${t.duration_days} days)`] as const)}
      />
      {chosen && <p className="muted">{chosen.description}</p>}
      <TextField
        label="First day"
        type="date"
        required
        value={startDate}
        onChange={(e) => setStartDate(e.target.value)}
      />
      {make.error && <ErrorMessage>{make.error}</ErrorMessage>}
      <SubmitRow busy={make.busy}>Plan it, with the shopping list</SubmitRow>
    </Form>
  );
}
