// Changing the account's password: the current one to prove it is you, the new one twice. Every
// other session of the account ends (identity's PUT /api/auth/password); this browser stays in.
import { useState } from 'react';
import { Button, Form, Notice, TextField } from '../shared/components.tsx';
import { ApiError, describeError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';
import type { AccountViewProps } from './props.ts';

const MIN_LENGTH = 10;

/** The sentences for this form: "not right" here means the current password, not a sign-in. */
function explain(error: unknown): string {
  if (error instanceof ApiError && error.code === 'PASSWORD_INCORRECT')
    return 'Your current password is not right, so nothing was changed. Check it and try again.';
  if (error instanceof ApiError && error.code === 'PASSWORD_TOO_WEAK')
    return `Choose a stronger new password. ${weakReason(error.message)}`;
  return describeError(error);
}

/** Identity says why in one short line without a code of its own; a few are put more plainly. */
function weakReason(message: string): string {
  const fewer = /at least (\d+) characters/.exec(message);
  if (fewer) return `It needs at least ${fewer[1]} characters.`;
  if (/repeats too few characters/.test(message))
    return 'It uses too few different characters: mix in more letters, words or numbers.';
  if (/username or email/.test(message)) return 'It must not be your username or email.';
  return message.replace(/\.?$/, '.');
}

export function ChangePassword({ config, api, user }: AccountViewProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState<string>();
  const [changed, setChanged] = useState(false);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setChanged(false);
      setMismatch(undefined);
      if (next !== again) {
        setMismatch('Not the same as the new password.');
        action.setError(
          'The two new passwords are not the same. Type the new password again in both fields.',
        );
        return;
      }
      if (next === current) {
        action.setError('The new password is the same as the current one. Choose a different one.');
        return;
      }
      try {
        await api('/api/auth/password', {
          method: 'PUT',
          body: { current_password: current, new_password: next },
        });
      } catch (error) {
        action.setError(explain(error));
        return;
      }
      setCurrent('');
      setNext('');
      setAgain('');
      setChanged(true);
    });
  return (
    <>
      <h1>Change your password</h1>
      <p className="muted">
        For {user?.username ?? 'your account'}, in every CALOS app. When it changes, every other device and
        app signed in to your account is signed out; this browser stays signed in.
      </p>
      <div className="stack">
        {changed && (
          <Notice>
            Your password has been changed. Every other device and app that was signed in to your account has
            been signed out and needs the new password to sign in again; you stay signed in here.
          </Notice>
        )}
        <Form onSubmit={submit} error={action.error} label="Change password">
          {/* Lets password managers file the new password under the right account. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user?.username ?? ''}
            readOnly
            hidden
          />
          <TextField
            label="Current password"
            name="current-password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
          <TextField
            label="New password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${MIN_LENGTH} characters, not your username or email. A few words together work well.`}
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <TextField
            label="Confirm new password"
            name="confirm-new-password"
            type="password"
            autoComplete="new-password"
            required
            error={mismatch}
            value={again}
            onChange={(e) => {
              setAgain(e.target.value);
              setMismatch(undefined);
            }}
          />
          <div className="button-row">
            <Button type="submit" busy={action.busy}>
              Change password
            </Button>
            <Link href={hrefTo(config.base, 'security')}>See your security log</Link>
          </div>
        </Form>
      </div>
    </>
  );
}
