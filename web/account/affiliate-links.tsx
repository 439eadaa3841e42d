// The account's switch for "Buy at …" affiliate links in every app (shopping lists, costume
// materials): on by default; the apps see a change within seconds.

import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { Checkbox, ErrorMessage, Loading, Notice, Section } from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import type { AccountViewProps } from './props.ts';

type Preference = Answer<paths, '/api/account/affiliate-links', 'get'>;

export function AffiliateLinksChoice({ api }: { api: AccountViewProps['api'] }) {
  const preference = useLoad((signal) => api<Preference>('/api/account/affiliate-links', { signal }), [api]);
  const [saved, setSaved] = useState<string>();
  const action = useAction();
  const change = (enabled: boolean) =>
    action.run(async () => {
      setSaved(undefined);
      preference.setData(
        await api<Answer<paths, '/api/account/affiliate-links', 'put'>>('/api/account/affiliate-links', {
          method: 'PUT',
          body: { enabled },
        }),
      );
      setSaved(enabled ? 'Shop links are on.' : 'Shop links are off in every app.');
    });
  return (
    <Section title="Links to shops">
      {(preference.error || action.error) && <ErrorMessage>{preference.error ?? action.error}</ErrorMessage>}
      {saved && <Notice>{saved}</Notice>}
      {!preference.data ? (
        <Loading />
      ) : (
        <Checkbox
          label="Show “Buy at …” links on shopping lists and costume materials (affiliate links: CALOS may earn a commission)"
          checked={preference.data.enabled}
          disabled={action.busy}
          onChange={(e) => void change(e.target.checked)}
        />
      )}
    </Section>
  );
}
