// The credits wallet: balance, buying credits, and the ledger page by page.

import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';

import type { AccountViewProps } from './props.ts';

const PACKAGES = [
  ['starter', '500 credits — $5'],
  ['standard', '2,000 credits — $18'],
  ['bulk', '10,000 credits — $80'],
] as const;

export function Credits({ api }: AccountViewProps) {
  const balance = useLoad(
    (signal) => api<Answer<paths, '/api/credits/balance', 'get'>>('/api/credits/balance', { signal }),
    [api],
  );
  const ledger = usePagedList(
    (cursor, signal) =>
      api<Answer<paths, '/api/credits/ledger', 'get'>>('/api/credits/ledger', {
        signal,
        query: { limit: 20, cursor },
      }),
    [api],
  );
  const [pack, setPack] = useState('starter');
  const [bought, setBought] = useState<string>();
  const buy = useAction();
  const submit = () =>
    buy.run(async () => {
      const answer = await api<Answer<paths, '/api/credits/purchase', 'post'>>('/api/credits/purchase', {
        body: { package: pack, provider: 'dev' },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      setBought(
        `Added ${answer.credits.toLocaleString()} credits. Your balance is ${answer.balance.toLocaleString()}.`,
      );
      balance.reload();
      ledger.reload();
    });
  return (
    <>
      <h1>Credits</h1>
      {balance.error && <ErrorMessage>{balance.error}</ErrorMessage>}
      <div className="grid section">
        <article className="card">
          <h2>Balance</h2>
          <p className="stat" data-testid="balance">
            {balance.data ? balance.data.balance.toLocaleString() : '…'}
          </p>
          <p className="muted">
            {balance.data ? `${balance.data.lifetime_spent.toLocaleString()} spent so far` : ''}
          </p>
        </article>
        <article className="card">
          <h2>Buy credits</h2>
          {bought && <Notice>{bought}</Notice>}
          <Form onSubmit={submit} error={buy.error} label="Buy credits">
            <SelectField
              label="Package"
              name="package"
              options={PACKAGES}
              value={pack}
              onChange={(e) => setPack(e.target.value)}
            />
            <SubmitRow busy={buy.busy}>Buy</SubmitRow>
          </Form>
          <p className="muted">
            Development server: payments go through the test provider and complete at once.
          </p>
        </article>
      </div>
      <Section title="History">
        {ledger.error && <ErrorMessage>{ledger.error}</ErrorMessage>}
        {!ledger.isLoaded ? (
          !ledger.error && <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Credit history, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Change</th>
                  <th scope="col">Balance</th>
                </tr>
              </thead>
              <tbody>
                {ledger.items.map((entry) => (
                  <tr key={entry.entry_id}>
                    <td>{formatDate(entry.created_at, true)}</td>
                    <td>{entry.reason || entry.kind.replace(/_/g, ' ')}</td>
                    <td>
                      {entry.amount > 0 ? `+${entry.amount.toLocaleString()}` : entry.amount.toLocaleString()}
                    </td>
                    <td>{entry.balance_after.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ShowMore list={ledger} label="Show older" />
      </Section>
    </>
  );
}
