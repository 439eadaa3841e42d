// An app's public landing page: what it does, the plans (from identity), and the way in.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { requestJson } from './api.ts';
import { Button, formatMoney } from './components.tsx';
import type { PageConfig } from './config.ts';

export interface LandingContent {
  title: string;
  lead: string;
  features: ReadonlyArray<{ title: string; text: string }>;
  /** What the signed-in button says, e.g. "Open your recipes". */
  open: string;
}

/** GET /api/plans (identity): every plan with what it gives. */
export type Plans = Answer<paths, '/api/plans', 'get'>;
type ServerPlan = Plans['plans'][number];
/** What a plan card shows of a plan: DEFAULT_PLANS has just this before the server answers. */
type Entitlements = Omit<ServerPlan['entitlements'], 'extra'>;
export type Plan = Pick<ServerPlan, 'plan_code'> & { entitlements: Entitlements };

const PLAN_NAMES: Record<string, string> = { free: 'Free', pro: 'Premium', family: 'Family' };

/** What the server says today, so the first paint already shows real plans. */
export const DEFAULT_PLANS: Plan[] = [
  {
    plan_code: 'free',
    entitlements: {
      ai_rate_limits: { per_minute: 10, per_hour: 100, per_day: 1000 },
      premium_models: false,
      family_member_cap: 6,
      shared_calendars: false,
      price_cents_per_month: 0,
    },
  },
  {
    plan_code: 'pro',
    entitlements: {
      ai_rate_limits: { per_minute: 60, per_hour: 1000, per_day: 10000 },
      premium_models: true,
      family_member_cap: 6,
      shared_calendars: false,
      price_cents_per_month: 500,
    },
  },
  {
    plan_code: 'family',
    entitlements: {
      ai_rate_limits: { per_minute: 60, per_hour: 1000, per_day: 10000 },
      premium_models: true,
      family_member_cap: null,
      shared_calendars: true,
      price_cents_per_month: 1000,
    },
  },
];

export function planName(code: string) {
  return PLAN_NAMES[code] ?? code.charAt(0).toUpperCase() + code.slice(1);
}

export function planFeatures(e: Entitlements): string[] {
  return [
    e.premium_models ? 'Premium AI models' : 'Free AI models',
    `AI: ${e.ai_rate_limits.per_minute} a minute, ${e.ai_rate_limits.per_day.toLocaleString('en-US')} a day`,
    e.family_member_cap === null ? 'Unlimited family members' : `Families of up to ${e.family_member_cap}`,
    e.shared_calendars ? 'Shared family calendars' : 'Every app on one account',
  ];
}

export function PlanCards({ plans }: { plans: Plan[] }) {
  return (
    <div className="plans">
      {plans
        .filter((plan) => PLAN_NAMES[plan.plan_code])
        .map((plan) => (
          <article
            key={plan.plan_code}
            className={`card plan${plan.plan_code === 'family' ? ' plan--featured' : ''}`}
            aria-label={`${planName(plan.plan_code)} plan`}
          >
            <h3>{planName(plan.plan_code)}</h3>
            <p className="plan__price">
              {plan.entitlements.price_cents_per_month === 0
                ? '$0/month'
                : `${formatMoney(plan.entitlements.price_cents_per_month).replace('.00', '')}/month`}
            </p>
            <ul>
              {planFeatures(plan.entitlements).map((feature) => (
                <li key={feature}>{feature}</li>
              ))}
            </ul>
          </article>
        ))}
    </div>
  );
}

export function usePlans(config: PageConfig | undefined): Plan[] {
  const [plans, setPlans] = useState(DEFAULT_PLANS);
  useEffect(() => {
    if (!config) return;
    requestJson<Plans>(`${config.identity}/api/plans`).then(
      (answer) => setPlans(answer.plans),
      () => undefined,
    );
  }, [config]);
  return plans;
}

export function Landing({
  content,
  plans,
  signedIn,
  onSignUp,
  onSignIn,
  onOpen,
}: {
  content: LandingContent;
  plans: Plan[];
  signedIn: boolean;
  onSignUp?: () => void;
  onSignIn?: () => void;
  onOpen?: () => void;
}) {
  return (
    <>
      <div className="hero">
        <div className="hero__inner">
          <h1>{content.title}</h1>
          <p className="hero__lead">{content.lead}</p>
          <div className="button-row">
            {signedIn ? (
              <Button onClick={onOpen}>{content.open}</Button>
            ) : (
              <>
                <Button onClick={onSignUp}>Create your free account</Button>
                <Button variant="secondary" onClick={onSignIn}>
                  Sign in
                </Button>
              </>
            )}
          </div>
        </div>
      </div>
      <div className="site-main">
        <section className="section" aria-labelledby="features-title">
          <h2 id="features-title">What you can do</h2>
          <div className="grid">
            {content.features.map((feature) => (
              <article className="card" key={feature.title}>
                <h3>{feature.title}</h3>
                <p>{feature.text}</p>
              </article>
            ))}
          </div>
        </section>
        <section className="section" aria-labelledby="plans-title">
          <h2 id="plans-title">Plans</h2>
          <p className="muted">One CALOS account and one plan cover every app.</p>
          <PlanCards plans={plans} />
        </section>
      </div>
    </>
  );
}
