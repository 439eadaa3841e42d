// The pages mailed links open, signed in or not: asking for a reset link, choosing a new
// password with it, confirming an address, and stopping a kind of mail.

import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { requestJson } from '../shared/api.ts';
import { Button, ErrorMessage, Form, Loading, Notice, SubmitRow, TextField } from '../shared/components.tsx';
import type { PageConfig } from '../shared/config.ts';
import { ApiError, describeError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';
import type { Session } from '../shared/session.ts';

interface PublicViewProps {
  config: PageConfig;
  session: Session;
  params: URLSearchParams;
}

export function ForgotPassword({ config, params }: PublicViewProps) {
  const [login, setLogin] = useState(params.get('login') ?? '');
  const [sent, setSent] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const answer = await requestJson<Answer<paths, '/api/auth/password/forgot', 'post', 202>>(
        `${config.identity}/api/auth/password/forgot`,
        {
          body: { login: login.trim() },
        },
      );
      setSent(answer.message);
    });
  return (
    <>
      <h1>Forgot your password?</h1>
      <p className="muted">
        Type your username or email. We mail a link to the address of your CALOS account; with it you choose a
        new password.
      </p>
      <div className="stack">
        {sent && <Notice>{sent} Check your mailbox, and your spam folder too.</Notice>}
        <Form onSubmit={submit} error={action.error} label="Forgot password">
          <TextField
            label="Username or email"
            name="login"
            autoComplete="username"
            required
            maxLength={254}
            value={login}
            onChange={(e) => setLogin(e.target.value)}
          />
          <SubmitRow busy={action.busy}>Mail me a link</SubmitRow>
        </Form>
        <p>
          <Link href={`${config.base}/`}>Back to sign in</Link>
        </p>
      </div>
    </>
  );
}

export function ResetPassword({ config, session, params }: PublicViewProps) {
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState<string>();
  const [done, setDone] = useState(false);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setMismatch(undefined);
      if (password !== again) {
        setMismatch('Not the same as the new password.');
        action.setError('The two passwords are not the same. Type the new password again in both fields.');
        return;
      }
      try {
        await requestJson(`${config.identity}/api/auth/password/reset`, { body: { token, password } });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PASSWORD_TOO_WEAK')
          action.setError(`Choose a stronger password. ${error.message.replace(/\.?$/, '.')}`);
        else throw error;
        return;
      }
      // Every session ended, this browser's too.
      session.clear();
      setDone(true);
    });
  if (!token) {
    return (
      <>
        <h1>Choose a new password</h1>
        <ErrorMessage>
          This link is not complete. Open the link from the mail again, or ask for a new one.
        </ErrorMessage>
        <Link href={hrefTo(config.base, 'forgot-password')}>Ask for a new link</Link>
      </>
    );
  }
  return (
    <>
      <h1>Choose a new password</h1>
      {done ? (
        <div className="stack">
          <Notice>
            Your password has been changed. Every device and app that was signed in to your account has been
            signed out; sign in again with the new password.
          </Notice>
          <p>
            <Link href={`${config.base}/`}>Sign in</Link>
          </p>
        </div>
      ) : (
        <div className="stack">
          <p className="muted">
            Choosing a new password signs out every device and app signed in to your account.
          </p>
          <Form onSubmit={submit} error={action.error} label="Choose a new password">
            <TextField
              label="New password"
              name="new-password"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters, not your username or email. A few words together work well."
              required
              minLength={10}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
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
            <SubmitRow busy={action.busy}>Set new password</SubmitRow>
          </Form>
          {action.error?.includes('link') && (
            <Link href={hrefTo(config.base, 'forgot-password')}>Ask for a new link</Link>
          )}
        </div>
      )}
    </>
  );
}

export function VerifyEmail({ config, session, params }: PublicViewProps) {
  const token = params.get('token') ?? '';
  const [state, setState] = useState<{ email?: string; changed?: boolean; error?: string }>();
  const started = useRef(false);
  useEffect(() => {
    // Following the link is the confirmation; a link checker that only fetches the page runs no script.
    if (started.current || !token) return;
    started.current = true;
    requestJson<Answer<paths, '/api/auth/email/verify', 'post'>>(`${config.identity}/api/auth/email/verify`, {
      body: { token },
    })
      .then((answer) => {
        setState(answer);
        const user = session.read()?.user;
        if (user) session.setUser({ ...user, email: answer.email });
      })
      .catch((error: unknown) => setState({ error: describeError(error) }));
  }, [token, config, session]);
  return (
    <>
      <h1>Confirm your email</h1>
      {!token ? (
        <ErrorMessage>This link is not complete. Open the link from the mail again.</ErrorMessage>
      ) : !state ? (
        <Loading label="Confirming your address…" />
      ) : state.error ? (
        <ErrorMessage>{state.error}</ErrorMessage>
      ) : (
        <Notice>
          {state.changed
            ? `Your CALOS account’s email is now ${state.email}, and it is confirmed.`
            : `Thank you: ${state.email} is confirmed.`}
        </Notice>
      )}
      <p>
        <Link href={hrefTo(config.base, 'email')}>Your email settings</Link>
      </p>
    </>
  );
}

export function Unsubscribe({ config, params }: PublicViewProps) {
  const token = params.get('token') ?? '';
  const [what, setWhat] = useState<{ label?: string; error?: string }>();
  const [done, setDone] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (!token) return;
    requestJson<Answer<paths, '/api/mail/unsubscribe', 'get'>>(`${config.identity}/api/mail/unsubscribe`, {
      query: { token },
    }).then(
      (answer) => setWhat(answer),
      (error: unknown) => setWhat({ error: describeError(error) }),
    );
  }, [token, config]);
  const stop = () =>
    action.run(async () => {
      await requestJson(`${config.identity}/api/mail/unsubscribe`, {
        method: 'POST',
        query: { token },
        body: {},
      });
      setDone(true);
    });
  return (
    <>
      <h1>Stop these mails</h1>
      {!token ? (
        <ErrorMessage>This link is not complete. Open the link from the mail again.</ErrorMessage>
      ) : !what ? (
        <Loading />
      ) : what.error ? (
        <ErrorMessage>{what.error}</ErrorMessage>
      ) : done ? (
        <Notice>
          You will no longer get “{what.label}”. Security notices about your account still come.
        </Notice>
      ) : (
        <div className="stack">
          <p>
            Stop getting “{what.label}” from CALOS? Security notices about your account (password, new
            sign-ins) still come.
          </p>
          {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
          <div className="button-row">
            <Button busy={action.busy} onClick={() => void stop()}>
              Stop these mails
            </Button>
          </div>
        </div>
      )}
      <p>
        <Link href={hrefTo(config.base, 'email')}>Choose which mails you get</Link>
      </p>
    </>
  );
}
