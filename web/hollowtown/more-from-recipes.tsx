// "More from HowToCookAtHome": a few everyday recipes from the sister app, each linking to its
// page there. Quiet when HowToCookAtHome cannot be reached: it is a suggestion, not the page.
import type { ViewProps } from '../shared/app-shell.tsx';
import { Section } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';

interface MoreFromRecipes {
  title: string;
  degraded: boolean;
  items: {
    recipe_id: string;
    recipe_name: string;
    description: string | null;
    total_time_minutes: number | null;
    serves: number | null;
    url: string;
  }[];
}

export function MoreFromRecipes({ props }: { props: ViewProps }) {
  const more = useLoad(
    (signal) => props.api<MoreFromRecipes>('/api/more-from-recipes', { signal, query: { limit: 4 } }),
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
