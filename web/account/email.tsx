// The account's email in the console: whether it is confirmed (and mailing the link again), a
// change of address (confirmed from the new mailbox, told to the old one), and which mails come.
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  Button,
  Checkbox,
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

type EmailStatus = Answer<paths, '/api/account/email', 'get'>;
type MailPreferences = Answer<paths, '/api/account/mail', 'get'>;

export function EmailSettings({ config, api, user }: AccountViewProps) {
  const status = useLoad((signal) => api<EmailStatus>('/api/account/email', { signal }), [api]);
  const resend = useAction();
  const [resent, setResent] = useState<string>();
  const again = () =>
    resend.run(async () => {
      const answer = await api<Answer<paths, '/api/auth/email/verify/resend', 'post', 202>>(
        '/api/auth/email/verify/resend',
        { method: 'POST' },
      );
      setResent(`A new link is on its way to ${answer.email}.`);
    });
  return (
    <>
      <h1>Email</h1>
      <Section title="Your address">
        {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
        {!status.data ? (
          !status.error && <Loading />
        ) : (
          <div className="stack">
            <p>
              <strong>{status.data.email}</strong>{' '}
              <span className="tag">{status.data.email_verified ? 'Confirmed' : 'Not confirmed yet'}</span>
            </p>
            {status.data.pending_email && (
              <p className="muted">
                Waiting for {status.data.pending_email} to be confirmed from the link mailed there.
              </p>
            )}
            {!status.data.email_verified && (
              <>
                <p className="muted">
                  Follow the link we mailed to this address, so that password resets and notices reach you.
                </p>
                {resent && <Notice>{resent}</Notice>}
                {resend.error && <ErrorMessage>{resend.error}</ErrorMessage>}
                <div className="button-row">
                  <Button variant="secondary" busy={resend.busy} onClick={() => void again()}>
                    Mail the link again
                  </Button>
                </div>
              </>
            )}
          </div>
        )}
      </Section>
      <ChangeEmail api={api} username={user?.username} onAsked={status.reload} />
      <MailChoices api={api} />
      <p>
        <Link href={hrefTo(config.base, 'security')}>Back to security</Link>
      </p>
    </>
  );
}

function ChangeEmail({
  api,
  username,
  onAsked,
}: {
  api: AccountViewProps['api'];
  username?: string;
  onAsked: () => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [asked, setAsked] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const answer = await api<Answer<paths, '/api/account/email', 'post', 202>>('/api/account/email', {
        body: { email: email.trim(), password },
      });
      setAsked(
        `We mailed a link to ${answer.pending_email}: your address changes once you follow it. ${answer.email} got a note about it too.`,
      );
      setEmail('');
      setPassword('');
      onAsked();
    });
  return (
    <Section title="Change your email">
      {asked && <Notice>{asked}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Change your email">
        <input type="text" name="username" autoComplete="username" value={username ?? ''} readOnly hidden />
        <TextField
          label="New email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
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
        <SubmitRow busy={action.busy}>Change email</SubmitRow>
      </Form>
    </Section>
  );
}

function MailChoices({ api }: { api: AccountViewProps['api'] }) {
  const preferences = useLoad((signal) => api<MailPreferences>('/api/account/mail', { signal }), [api]);
  const [choices, setChoices] = useState<Record<string, boolean>>({});
  const [saved, setSaved] = useState<string>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const answer = await api<MailPreferences>('/api/account/mail', {
        method: 'PUT',
        body: { categories: choices },
      });
      preferences.setData(answer);
      setChoices({});
      setSaved('Saved.');
    });
  return (
    <Section title="Mails you get">
      {preferences.error && <ErrorMessage>{preferences.error}</ErrorMessage>}
      {saved && <Notice>{saved}</Notice>}
      {!preferences.data ? (
        <Loading />
      ) : (
        <Form onSubmit={submit} error={action.error} label="Mails you get">
          <fieldset className="stack">
            <legend className="visually-hidden">Kinds of mail</legend>
            {preferences.data.categories.map((c) => (
              <Checkbox
                key={c.category}
                label={c.optional ? c.label : `${c.label} (always sent)`}
                checked={c.optional ? (choices[c.category] ?? c.enabled) : true}
                disabled={!c.optional}
                onChange={(e) => {
                  setSaved(undefined);
                  setChoices({ ...choices, [c.category]: e.target.checked });
                }}
              />
            ))}
          </fieldset>
          <SubmitRow busy={action.busy}>Save choices</SubmitRow>
        </Form>
      )}
    </Section>
  );
}
