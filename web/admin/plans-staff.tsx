// The console's plans (their prices and limits; changed by admins of every domain, as `calos
// plans set`) and staff roles (list, grant, take back; admins of every domain, as `calos staff`).
// Each change asks for a confirmation and is in the staff audit log.
import { useState } from 'react';
import type { Answer, Body } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { type ConsoleProps, can, DOMAIN_NAMES } from './roles.ts';

type Plan = Answer<paths, '/api/admin/plans', 'get'>['items'][number];
type PlanChange = Body<paths, '/api/admin/plans/{code}', 'patch'>;

const NUMBER_FIELDS = [
  ['price_cents_per_month', 'Price per month (cents)'],
  ['ai_per_minute', 'AI requests per minute'],
  ['ai_per_hour', 'AI requests per hour'],
  ['ai_per_day', 'AI requests per day'],
] as const;

const fieldsOf = (plan: Plan) => ({
  name: plan.name,
  price_cents_per_month: String(plan.price_cents_per_month),
  ai_per_minute: String(plan.ai_per_minute),
  ai_per_hour: String(plan.ai_per_hour),
  ai_per_day: String(plan.ai_per_day),
  family_member_cap: plan.family_member_cap === null ? '' : String(plan.family_member_cap),
  premium_models: plan.premium_models,
  shared_calendars: plan.shared_calendars,
});

function PlanCard({ plan, canChange, props }: { plan: Plan; canChange: boolean; props: ConsoleProps }) {
  const [fields, setFields] = useState(() => fieldsOf(plan));
  const [done, setDone] = useState<string>();
  const save = useAction();
  const change: PlanChange = {};
  if (fields.name.trim() !== plan.name) change.name = fields.name.trim();
  for (const [key] of NUMBER_FIELDS) if (Number(fields[key]) !== plan[key]) change[key] = Number(fields[key]);
  const cap = fields.family_member_cap.trim() === '' ? null : Number(fields.family_member_cap);
  if (cap !== plan.family_member_cap) change.family_member_cap = cap;
  if (fields.premium_models !== plan.premium_models) change.premium_models = fields.premium_models;
  if (fields.shared_calendars !== plan.shared_calendars) change.shared_calendars = fields.shared_calendars;
  const changed = Object.keys(change);
  const set =
    (key: keyof ReturnType<typeof fieldsOf>) => (e: { target: { value: string; checked?: boolean } }) =>
      setFields((f) => ({
        ...f,
        [key]: typeof f[key] === 'boolean' ? Boolean(e.target.checked) : e.target.value,
      }));
  return (
    <article className="card">
      <h3>
        {plan.name} <span className="tag">{plan.code}</span>
      </h3>
      {done && <Notice>{done}</Notice>}
      {!canChange ? (
        <p className="muted">
          ${(plan.price_cents_per_month / 100).toFixed(2)} a month · AI {plan.ai_per_minute} / minute,{' '}
          {plan.ai_per_hour} / hour, {plan.ai_per_day} / day · family members{' '}
          {plan.family_member_cap ?? 'unlimited'}
          {plan.premium_models && ' · premium models'}
          {plan.shared_calendars && ' · shared calendars'}
        </p>
      ) : (
        <Form onSubmit={() => undefined} label={`Change the ${plan.name} plan`}>
          <TextField label="Name" maxLength={60} value={fields.name} onChange={set('name')} />
          {NUMBER_FIELDS.map(([key, label]) => (
            <TextField
              key={key}
              label={label}
              type="number"
              min={0}
              inputMode="numeric"
              value={fields[key]}
              onChange={set(key)}
            />
          ))}
          <TextField
            label="Family members"
            hint="Empty: unlimited"
            type="number"
            min={1}
            inputMode="numeric"
            value={fields.family_member_cap}
            onChange={set('family_member_cap')}
          />
          <Checkbox label="Premium models" checked={fields.premium_models} onChange={set('premium_models')} />
          <Checkbox
            label="Shared calendars"
            checked={fields.shared_calendars}
            onChange={set('shared_calendars')}
          />
          {changed.length > 0 ? (
            <ConfirmStep
              trigger="Save plan"
              triggerLabel={`Save the ${plan.name} plan`}
              question={`Change ${changed.join(', ')} of the ${plan.name} plan for everyone on it?`}
              confirm="Change it"
              busy={save.busy}
              error={save.error}
              onConfirm={async () => {
                const after = await save.run(() =>
                  props.api<Plan>(`/api/admin/plans/${plan.code}`, { method: 'PATCH', body: change }),
                );
                if (after) {
                  setFields(fieldsOf(after));
                  setDone('Saved. New sign-ins get it at once.');
                }
              }}
            />
          ) : (
            <p className="muted">Change a field to save.</p>
          )}
        </Form>
      )}
    </article>
  );
}

export function Plans(props: ConsoleProps) {
  const plans = useLoad(
    (signal) => props.api<Answer<paths, '/api/admin/plans', 'get'>>('/api/admin/plans', { signal }),
    [props.api],
  );
  const canChange = can.changePlans(props.grants);
  return (
    <>
      <h1>Plans</h1>
      <p className="muted">
        What each plan costs and allows, in every app.{' '}
        {canChange ? 'A change is audited.' : 'Only admins of every domain change them.'}
      </p>
      {plans.error && <ErrorMessage>{plans.error}</ErrorMessage>}
      {!plans.data ? (
        !plans.error && <Loading />
      ) : (
        <div className="grid">
          {plans.data.items.map((plan) => (
            <PlanCard key={plan.code} plan={plan} canChange={canChange} props={props} />
          ))}
        </div>
      )}
    </>
  );
}

const ROLES = [
  ['support', 'Support'],
  ['moderator', 'Moderator'],
  ['admin', 'Admin'],
] as const;

export function Staff(props: ConsoleProps) {
  const grants = useLoad(
    (signal) => props.api<Answer<paths, '/api/admin/staff', 'get'>>('/api/admin/staff', { signal }),
    [props.api],
  );
  const [form, setForm] = useState({ login: '', role: 'support', domain: 'hollowtown' });
  const [done, setDone] = useState<string>();
  const grant = useAction();
  const revoke = useAction();
  const submit = () =>
    grant.run(async () => {
      const answer = await props.api<Answer<paths, '/api/admin/staff', 'post'>>('/api/admin/staff', {
        body: { login: form.login.trim(), role: form.role, domain: form.domain },
      });
      setDone(
        answer.added
          ? `${answer.username} is now ${form.role} of ${DOMAIN_NAMES[form.domain]}.`
          : `${answer.username} was ${form.role} of ${DOMAIN_NAMES[form.domain]} already.`,
      );
      setForm((f) => ({ ...f, login: '' }));
      grants.reload();
    });
  return (
    <>
      <h1>Staff</h1>
      <Section title="Staff roles">
        {grants.error && <ErrorMessage>{grants.error}</ErrorMessage>}
        {revoke.error && <ErrorMessage>{revoke.error}</ErrorMessage>}
        {!grants.data ? (
          <Loading />
        ) : grants.data.items.length === 0 ? (
          <Empty>No staff roles.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>Staff roles by person</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Role</th>
                  <th scope="col">Domain</th>
                  <th scope="col">Granted</th>
                  <th scope="col">Take back</th>
                </tr>
              </thead>
              <tbody>
                {grants.data.items.map((g) => (
                  <tr key={`${g.user_id}:${g.role}:${g.domain}`}>
                    <td>{g.username}</td>
                    <td>{g.role}</td>
                    <td>{DOMAIN_NAMES[g.domain] ?? g.domain}</td>
                    <td>
                      {formatDate(g.created_at)} by {g.granted_by}
                    </td>
                    <td>
                      <ConfirmStep
                        small
                        trigger="Revoke"
                        triggerLabel={`Revoke ${g.role} of ${DOMAIN_NAMES[g.domain] ?? g.domain} from ${g.username}`}
                        question={`Take ${g.role} of ${DOMAIN_NAMES[g.domain] ?? g.domain} back from ${g.username}?`}
                        confirm="Revoke it"
                        busy={revoke.busy}
                        onConfirm={async () => {
                          await revoke.run(() =>
                            props.api('/api/admin/staff/revoke', {
                              body: { login: g.username, role: g.role, domain: g.domain },
                            }),
                          );
                          grants.reload();
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Grant a role">
        {done && <Notice>{done}</Notice>}
        <Form onSubmit={submit} error={grant.error} label="Grant a staff role">
          <TextField
            label="Username or email"
            required
            maxLength={254}
            value={form.login}
            onChange={(e) => setForm((f) => ({ ...f, login: e.target.value }))}
          />
          <SelectField
            label="Role"
            options={ROLES}
            value={form.role}
            onChange={(e) => setForm((f) => ({ ...f, role: e.target.value }))}
          />
          <SelectField
            label="Domain"
            options={Object.entries(DOMAIN_NAMES)}
            value={form.domain}
            onChange={(e) => setForm((f) => ({ ...f, domain: e.target.value }))}
          />
          <SubmitRow busy={grant.busy}>Grant role</SubmitRow>
        </Form>
      </Section>
    </>
  );
}
