// Two-step verification in the console: set up an authenticator app from a QR code (or its
// key typed by hand), confirm with a first code, keep the recovery codes shown once; make new
// codes; turn it off. Each step asks for the password.
import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  Button,
  ErrorMessage,
  Form,
  Loading,
  Notice,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';
import type { AccountViewProps } from './props.ts';

type Status = Answer<paths, '/api/auth/2fa', 'get'>;
type Setup = Answer<paths, '/api/auth/2fa/totp', 'post'>;

/** The codes, shown once, in a list a screen reader reads one by one. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card stack" aria-labelledby="recovery-codes-title">
      <h2 id="recovery-codes-title" ref={heading} tabIndex={-1}>
        Your recovery codes
      </h2>
      <p>
        Keep these somewhere safe (a password manager, or printed). If you lose your phone, each code signs
        you in once instead of a code from the app. <strong>They are shown only now.</strong>
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(codes.join('\n'))}>
          Copy the codes
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </div>
    </section>
  );
}

export function TwoFactor({ config, api, user }: AccountViewProps) {
  const status = useLoad((signal) => api<Status>('/api/auth/2fa', { signal }), [api]);
  const [setup, setSetup] = useState<Setup>();
  const [codes, setCodes] = useState<string[]>();
  const [notice, setNotice] = useState<string>();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const start = useAction();
  const confirm = useAction();
  const manage = useAction();

  const begin = () =>
    start.run(async () => {
      setNotice(undefined);
      setSetup(await api<Setup>('/api/auth/2fa/totp', { body: { password } }));
      setPassword('');
    });
  const finish = () =>
    confirm.run(async () => {
      const answer = await api<Answer<paths, '/api/auth/2fa/totp/confirm', 'post'>>(
        '/api/auth/2fa/totp/confirm',
        {
          body: { code: code.replace(/\s/g, '') },
        },
      );
      setSetup(undefined);
      setCode('');
      setCodes(answer.recovery_codes);
      setNotice('Two-step verification is on. Signing in now also asks for a code from your app.');
      status.reload();
    });
  const turnOff = () =>
    manage.run(async () => {
      await api('/api/auth/2fa/totp', { method: 'DELETE', body: { password } });
      setPassword('');
      setNotice('Two-step verification is off. Signing in needs only your password.');
      status.reload();
    });
  const renew = () =>
    manage.run(async () => {
      const answer = await api<Answer<paths, '/api/auth/2fa/recovery-codes', 'post'>>(
        '/api/auth/2fa/recovery-codes',
        {
          body: { password },
        },
      );
      setPassword('');
      setCodes(answer.recovery_codes);
      setNotice('New recovery codes are ready; the old ones no longer work.');
      status.reload();
    });

  const passwordField = (
    <>
      {/* Lets password managers fill the right account's password. */}
      <input
        type="text"
        name="username"
        autoComplete="username"
        value={user?.username ?? ''}
        readOnly
        hidden
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
    </>
  );

  let body: React.ReactNode;
  if (codes) {
    body = <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />;
  } else if (status.error) {
    body = <ErrorMessage>{status.error}</ErrorMessage>;
  } else if (!status.data) {
    body = <Loading />;
  } else if (setup) {
    body = (
      <Section title="Set up your authenticator app">
        <ol className="stack">
          <li>
            Scan this code with an authenticator app (such as 2FAS, Aegis, Google Authenticator or your
            password manager):
            <div>
              <img
                src={setup.qr_code}
                width={240}
                height={240}
                alt="QR code of the key for your authenticator app"
              />
            </div>
            <p className="muted">
              Cannot scan? Type this key into the app instead:{' '}
              <code data-testid="totp-secret">{setup.secret}</code>
            </p>
          </li>
          <li>
            <Form onSubmit={finish} error={confirm.error} label="Confirm your authenticator app">
              <TextField
                label="Code from your app"
                name="one-time-code"
                autoComplete="one-time-code"
                inputMode="numeric"
                pattern="\s*\d{3}\s?\d{3}\s*"
                maxLength={8}
                hint="The 6 digits the app shows for CALOS now."
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <div className="button-row">
                <Button type="submit" busy={confirm.busy}>
                  Turn on
                </Button>
                <Button variant="secondary" onClick={() => setSetup(undefined)}>
                  Cancel
                </Button>
              </div>
            </Form>
          </li>
        </ol>
      </Section>
    );
  } else if (status.data.totp_enabled) {
    body = (
      <>
        <p>
          <strong>Two-step verification is on.</strong> You have {status.data.recovery_codes_left} unused
          recovery code
          {status.data.recovery_codes_left === 1 ? '' : 's'}.
        </p>
        <Section title="Recovery codes or turning it off">
          <Form onSubmit={renew} error={manage.error} label="Manage two-step verification">
            {passwordField}
            <div className="button-row">
              <Button type="submit" busy={manage.busy}>
                Make new recovery codes
              </Button>
              <Button
                variant="danger"
                busy={manage.busy}
                onClick={(event) => {
                  const form = (event.currentTarget as HTMLButtonElement).form;
                  if (form?.reportValidity()) void turnOff();
                }}
              >
                Turn off two-step verification
              </Button>
            </div>
          </Form>
        </Section>
      </>
    );
  } else {
    body = (
      <Section title="Turn on two-step verification">
        <p>
          Signing in then also asks for a 6-digit code from an app on your phone, so your password alone is
          not enough to get into your account. A <Link href={hrefTo(config.base, 'passkeys')}>passkey</Link>{' '}
          signs you in without either.
        </p>
        <Form onSubmit={begin} error={start.error} label="Turn on two-step verification">
          {passwordField}
          <SubmitRow busy={start.busy}>Set up an authenticator app</SubmitRow>
        </Form>
      </Section>
    );
  }

  return (
    <>
      <h1>Two-step verification</h1>
      {notice && <Notice>{notice}</Notice>}
      {body}
      <p>
        <Link href={hrefTo(config.base, 'security')}>Back to security</Link>
      </p>
    </>
  );
}
