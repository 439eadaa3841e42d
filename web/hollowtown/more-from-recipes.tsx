// "More from HowToCookAtHome": a few everyday recipes from the sister app, each linking to its
// page there. Quiet when HowToCookAtHome cannot be reached: it is a suggestion, not the page.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Section } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';

type Suggestions = Answer<paths, '/api/more-from-recipes', 'get'>;

export function MoreFromRecipes({ props }: { props: ViewProps }) {
  const more = useLoad(
    (signal) => props.api<Suggestions>('/api/more-from-recipes', { signal, query: { limit: 4 } }),
    [props.api],
  );
  const data = more.data;
  if (!data || data.degraded || data.items.length === 0) return null;
  return (
    <Section title={data.title}>
      <ul className="grid list" aria-label="Everyday recipes from HowToCookAtHome">
        {data.items.map((r) => (
          <li className="card" key={r.recipe_id}>
            <h3>
              <a href={r.url}>{r.recipe_name}</a>
            </h3>
            <p className="muted">
              {[
                r.total_time_minutes ? `${r.total_time_minutes} min` : null,
                r.serves ? `serves ${r.serves}` : null,
              ]
                .filter(Boolean)
                .join(' · ') || 'Everyday recipe'}
            </p>
            {r.description && <p>{r.description}</p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}
