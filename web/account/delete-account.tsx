// Deleting the account and everything in it, in every app.
import { useState } from 'react';
import { Button, Form, TextField } from '../shared/components.tsx';
import { useAction } from '../shared/hooks.ts';
import { navigate } from '../shared/router.tsx';

import type { AccountViewProps } from './props.ts';

export function DeleteAccount({ config, session, api }: AccountViewProps) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState(false);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      await api('/api/account', { method: 'DELETE', body: { password } });
      session.clear();
      navigate(`${config.base}/?deleted=1`);
    });
  return (
    <>
      <h1>Delete your account</h1>
      <p>
        This deletes your CALOS account, your devices, keys, credits and plan, and every app removes what it
        holds of you. It cannot be undone.
      </p>
      <Form onSubmit={submit} error={action.error} label="Delete account">
        <TextField
          label="Your password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="checkbox">
          <input
            id="confirm-delete"
            type="checkbox"
            checked={confirm}
            onChange={(e) => setConfirm(e.target.checked)}
          />
          <label htmlFor="confirm-delete">I understand that this cannot be undone</label>
        </div>
        <div className="button-row">
          <Button type="submit" variant="danger" busy={action.busy} disabled={!confirm || !password}>
            Delete my account
          </Button>
        </div>
      </Form>
    </>
  );
}
