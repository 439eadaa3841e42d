// "Your data": download everything CALOS holds about you as one zip (GDPR Art. 15 and 20), and
// import such a zip from another CALOS (recipes, meal plans, pantry, lists, events, costumes,
// plans, the families you created). The zip is sent as it is made; the browser keeps it until
// it is saved.
import { useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { errorOfResponse, fetchOrNetworkError } from '../shared/api.ts';
import { Button, Form, Notice, Section, TextField } from '../shared/components.tsx';
import { ApiError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';
import type { AccountViewProps } from './props.ts';

type ImportSummary = Answer<paths, '/api/account/import', 'post'>;

const APP_NAMES: Record<string, string> = {
  recipes: 'HowToCookAtHome',
  hollowtown: 'Hollowtown',
  family: 'Family Planner',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A request with the session's token whose answer is not JSON (the zip), or whose body is a file. */
async function send(
  config: AccountViewProps['config'],
  session: AccountViewProps['session'],
  path: string,
  init: { body: BodyInit; contentType: string },
): Promise<Response> {
  const token = await session.accessToken();
  if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
  const response = await fetchOrNetworkError(`${config.identity}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': init.contentType },
    body: init.body,
  });
  if (!response.ok) throw await errorOfResponse(response);
  return response;
}

function Download({ config, session }: Pick<AccountViewProps, 'config' | 'session'>) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setDone(undefined);
      // A ticket, then a plain link to the zip: the browser saves it to disk as it streams,
      // whatever its size, instead of this page holding it all in memory.
      const response = await send(config, session, '/api/account/export/ticket', {
        body: JSON.stringify({ password }),
        contentType: 'application/json',
      });
      const { ticket } = (await response.json()) as Answer<paths, '/api/account/export/ticket', 'post'>;
      const link = document.createElement('a');
      link.href = `${config.identity}/api/account/export/${encodeURIComponent(ticket)}`;
      link.download = '';
      document.body.append(link);
      link.click();
      link.remove();
      setPassword('');
      setDone('Your download has started: the browser saves the zip as it arrives.');
    });
  return (
    <Section title="Download your data">
      <p>
        One zip of everything CALOS holds about you: your account (profile, devices, sessions, credits, plan,
        AI usage, karma, security log) and your data in Hollowtown, HowToCookAtHome and Family Planner, as
        JSON files with a README that describes them. It is yours under GDPR Art. 15 (access) and Art. 20
        (portability). No password, token or key is in it.
      </p>
      {done && <Notice>{done}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Download your data">
        <TextField
          label="Your password"
          hint="Asked again: the archive holds everything about you."
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy} disabled={!password}>
            {action.busy ? 'Preparing your archive…' : 'Download my data'}
          </Button>
        </div>
      </Form>
    </Section>
  );
}

function Import({ config, session }: Pick<AccountViewProps, 'config' | 'session'>) {
  const file = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File>();
  const [summary, setSummary] = useState<ImportSummary>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      if (!chosen) return;
      setSummary(undefined);
      const response = await send(config, session, '/api/account/import', {
        body: chosen,
        contentType: 'application/zip',
      });
      setSummary((await response.json()) as ImportSummary);
      setChosen(undefined);
      if (file.current) file.current.value = '';
    });
  return (
    <Section title="Import from another CALOS">
      <p>
        Moving here from another CALOS? Import the zip you downloaded there: its recipes, meal plans, pantry,
        shopping lists, Halloween recipes, events, costumes and haunted-house plans, and the families you
        created with their lists and events, become yours here. Importing the same zip again adds nothing
        twice. Your password, devices, keys, credits and plan stay with the other CALOS.
      </p>
      {summary && (
        <Notice>
          <strong>Imported.</strong>
          <ul>
            {Object.entries(summary.apps).map(([app, collections]) => {
              const total = (key: 'created' | 'existing') =>
                Object.values(collections).reduce((sum, counts) => sum + counts[key], 0);
              const skipped = Object.values(collections).reduce(
                (sum, counts) => sum + counts.skipped.length,
                0,
              );
              return (
                <li key={app}>
                  {APP_NAMES[app] ?? app}: {plural(total('created'), 'new item')}
                  {total('existing') > 0 && `, ${plural(total('existing'), 'item')} already here`}
                  {skipped > 0 && `, ${plural(skipped, 'item')} not imported`}
                </li>
              );
            })}
            {summary.unavailable.map((app) => (
              <li key={app}>{APP_NAMES[app] ?? app}: not reachable now; import again later</li>
            ))}
          </ul>
        </Notice>
      )}
      <Form onSubmit={submit} error={action.error} label="Import your data">
        <div className="field">
          <label htmlFor="import-archive">Archive (.zip)</label>
          <input
            ref={file}
            id="import-archive"
            name="archive"
            type="file"
            accept=".zip,application/zip"
            required
            onChange={(e) => setChosen(e.target.files?.[0])}
          />
        </div>
        <div className="button-row">
          <Button type="submit" variant="secondary" busy={action.busy} disabled={!chosen}>
            {action.busy ? 'Importing…' : 'Import'}
          </Button>
        </div>
      </Form>
    </Section>
  );
}

export function YourData({ config, session }: AccountViewProps) {
  return (
    <>
      <h1>Your data</h1>
      <Download config={config} session={session} />
      <Import config={config} session={session} />
    </>
  );
}
