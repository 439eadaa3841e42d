// Passkeys in the console: add one (this device, a phone, a security key, a password manager),
// name it, rename or remove it. A passkey signs in to every CALOS app without a password.
import { startRegistration } from '@simplewebauthn/browser';
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';
import type { AccountViewProps } from './props.ts';
import { describePasskeyProblem } from './sign-in-steps.tsx';

type Passkey = Answer<paths, '/api/auth/passkeys/{passkeyId}', 'patch'>;
type PasskeyList = Answer<paths, '/api/auth/passkeys', 'get'>;

export function Passkeys({ config, api, user }: AccountViewProps) {
  const list = useLoad((signal) => api<PasskeyList>('/api/auth/passkeys', { signal }), [api]);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string>();
  const add = useAction();
  const remove = useAction();

  const submit = () =>
    add.run(async () => {
      setNotice(undefined);
      const optionsJSON = await api<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        '/api/auth/passkeys/register/options',
        { body: { password } },
      );
      let response: Awaited<ReturnType<typeof startRegistration>>;
      try {
        response = await startRegistration({ optionsJSON });
      } catch (error) {
        add.setError(describePasskeyProblem(error) ?? 'The passkey could not be created. Try again.');
        return;
      }
      const added = await api<Passkey>('/api/auth/passkeys/register', {
        body: { response, ...(name.trim() ? { name: name.trim() } : {}) },
      });
      setPassword('');
      setName('');
      setNotice(`“${added.name}” is added. You can sign in with it instead of your password.`);
      list.reload();
    });
  const del = (passkey: Passkey) =>
    remove.run(async () => {
      await api(`/api/auth/passkeys/${passkey.passkey_id}`, { method: 'DELETE' });
      setNotice(`“${passkey.name}” is removed and no longer signs in.`);
      list.reload();
    });

  return (
    <>
      <h1>Passkeys</h1>
      <p className="muted">
        A passkey signs you in to every CALOS app with your fingerprint, face, PIN or security key instead of
        a password. It cannot be phished or reused on another site.
      </p>
      {notice && <Notice>{notice}</Notice>}
      <Section title="Your passkeys">
        {remove.error && <ErrorMessage>{remove.error}</ErrorMessage>}
        {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
        {!list.data ? (
          !list.error && <Loading />
        ) : list.data.items.length === 0 ? (
          <Empty>No passkeys yet.</Empty>
        ) : (
          <ul className="list" aria-label="Passkeys">
            {list.data.items.map((passkey) => (
              <PasskeyRow key={passkey.passkey_id} passkey={passkey} api={api} onChange={list.reload}>
                <ConfirmStep
                  small
                  trigger="Remove"
                  triggerLabel={`Remove passkey ${passkey.name}`}
                  question={`Remove “${passkey.name}”? It will no longer sign in to your account.`}
                  confirm="Remove passkey"
                  cancel="Keep it"
                  busy={remove.busy}
                  error={remove.error}
                  onConfirm={() => del(passkey)}
                />
              </PasskeyRow>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Add a passkey">
        <Form onSubmit={submit} error={add.error} label="Add a passkey">
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user?.username ?? ''}
            readOnly
            hidden
          />
          <TextField
            label="Name (optional)"
            name="passkey-name"
            autoComplete="off"
            maxLength={100}
            hint="To tell your passkeys apart, such as “Laptop” or “Phone”."
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <TextField
            label="Your password"
            name="current-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <SubmitRow busy={add.busy}>Add a passkey</SubmitRow>
        </Form>
      </Section>
      <p>
        <Link href={hrefTo(config.base, 'security')}>Back to security</Link>
      </p>
    </>
  );
}

function PasskeyRow({
  passkey,
  api,
  onChange,
  children,
}: {
  passkey: Passkey;
  api: AccountViewProps['api'];
  onChange: () => void;
  children: React.ReactNode;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(passkey.name);
  const rename = useAction();
  const save = () =>
    rename.run(async () => {
      await api(`/api/auth/passkeys/${passkey.passkey_id}`, { method: 'PATCH', body: { name: name.trim() } });
      setEditing(false);
      onChange();
    });
  return (
    <li className="list-row">
      {editing ? (
        <Form onSubmit={save} error={rename.error} label={`Rename passkey ${passkey.name}`}>
          <TextField
            label="New name"
            name="passkey-name"
            autoComplete="off"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="button-row">
            <Button type="submit" small busy={rename.busy}>
              Save name
            </Button>
            <Button small variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </Form>
      ) : (
        <>
          <div>
            <strong>{passkey.name}</strong> {passkey.synced && <span className="tag">Synced</span>}
            <br />
            <span className="muted">
              Added {formatDate(passkey.created_at)} ·{' '}
              {passkey.last_used_at ? `last used ${formatDate(passkey.last_used_at, true)}` : 'not used yet'}
            </span>
          </div>
          <div className="button-row">
            <Button
              small
              variant="secondary"
              aria-label={`Rename passkey ${passkey.name}`}
              onClick={() => setEditing(true)}
            >
              Rename
            </Button>
            {children}
          </div>
        </>
      )}
    </li>
  );
}
