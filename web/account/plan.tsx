// The account's plan and the plans it can change to.

import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { Button, ErrorMessage, formatDate, Loading, Notice } from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { PlanCards, type Plans, planName } from '../shared/landing.tsx';

import type { AccountViewProps } from './props.ts';

export function PlanView({ api }: AccountViewProps) {
  const data = useLoad(
    async (signal) => {
      const [subscription, plans] = await Promise.all([
        api<Answer<paths, '/api/subscription', 'get'>>('/api/subscription', { signal }),
        api<Plans>('/api/plans', { signal }),
      ]);
      return { subscription, plans: plans.plans };
    },
    [api],
  );
  const action = useAction();
  const [done, setDone] = useState<string>();
  const change = (code: string) =>
    action.run(async () => {
      await api('/api/subscription', {
        body: { plan_code: code, provider: 'dev' },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      setDone(`You are now on the ${planName(code)} plan.`);
      data.reload();
    });
  if (data.error) return <ErrorMessage>{data.error}</ErrorMessage>;
  if (!data.data) return <Loading />;
  const current = data.data.subscription.plan_code;
  const offered = data.data.plans.filter((p) => ['free', 'pro', 'family'].includes(p.plan_code));
  return (
    <>
      <h1>Your plan</h1>
      <p>
        You are on the <strong data-testid="current-plan">{planName(current)}</strong> plan
        {data.data.subscription.current_period_end
          ? `, renewing ${formatDate(data.data.subscription.current_period_end)}`
          : ''}
        .
      </p>
      {done && <Notice>{done}</Notice>}
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      <PlanCards plans={offered} />
      <div className="button-row section" style={{ marginTop: '1rem' }}>
        {offered
          .filter((p) => p.plan_code !== current)
          .map((p) => (
            <Button
              key={p.plan_code}
              variant="secondary"
              busy={action.busy}
              onClick={() => void change(p.plan_code)}
            >
              Switch to {planName(p.plan_code)}
            </Button>
          ))}
      </div>
    </>
  );
}
