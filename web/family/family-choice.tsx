// Which family a view shows: the one named in ?family= or the first, a picker between them, and
// what to show someone who is in no family yet.
import type { ViewProps } from '../shared/app-shell.tsx';
import { Empty, SelectField } from '../shared/components.tsx';
import { useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import type { Family, Page } from './model.ts';

export function useFamily({ api, params }: ViewProps) {
  const families = useLoad((signal) => api<Page<Family>>('/api/families', { signal }), [api]);
  const chosen = params.get('family');
  const family = families.data?.items.find((f) => f.family_id === chosen) ?? families.data?.items[0];
  return { families, family };
}

export function FamilyPicker({
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

export function NeedsFamily({ props }: { props: ViewProps }) {
  return (
    <Empty>
      You are not in a family yet. <Link href={props.href('families')}>Create one</Link> or ask a parent to
      add you.
    </Empty>
  );
}
