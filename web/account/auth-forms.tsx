// Sign in (with a password and, when the account has it, a second step; or with a passkey) and
// create an account, on the account console's own domain.
import { useState } from 'react';
import { requestJson } from '../shared/api.ts';
import { Button, Form, SubmitRow, TextField } from '../shared/components.tsx';
import type { PageConfig } from '../shared/config.ts';
import { useFields } from '../shared/form-fields.ts';
import { useAction } from '../shared/hooks.ts';
import { hrefTo, Link } from '../shared/router.tsx';
import type { Session, TokenAnswer } from '../shared/session.ts';
import {
  isMfaRequired,
  type MfaRequired,
  PasskeySignIn,
  SecondFactorStep,
  trustedDeviceTokenFor,
} from './sign-in-steps.tsx';

export function AuthForms({
  config,
  session,
  initial = 'signin',
}: {
  config: PageConfig;
  session: Session;
  initial?: 'signin' | 'signup';
}) {
  const [mode, setMode] = useState(initial);
  return mode === 'signin' ? (
    <div className="stack">
      <SignInForm config={config} session={session} />
      <p>
        New to CALOS?{' '}
        <Button variant="link" onClick={() => setMode('signup')}>
          Create an account
        </Button>
      </p>
    </div>
  ) : (
    <div className="stack">
      <SignUpForm config={config} session={session} />
      <p>
        Already have an account?{' '}
        <Button variant="link" onClick={() => setMode('signin')}>
          Sign in
        </Button>
      </p>
    </div>
  );
}

function SignInForm({ config, session }: { config: PageConfig; session: Session }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<MfaRequired>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const trusted = trustedDeviceTokenFor(login);
      const answer = await requestJson<TokenAnswer | MfaRequired>(`${config.identity}/api/auth/login`, {
        body: { login, password, ...(trusted ? { trusted_device_token: trusted } : {}) },
      });
      if (isMfaRequired(answer)) {
        setPassword('');
        setChallenge(answer);
        return;
      }
      session.save(answer);
    });
  if (challenge) {
    return (
      <SecondFactorStep
        config={config}
        session={session}
        challenge={challenge}
        login={login}
        onCancel={() => setChallenge(undefined)}
      />
    );
  }
  return (
    <div className="stack">
      <PasswordSignIn
        action={action}
        submit={submit}
        login={login}
        setLogin={setLogin}
        password={password}
        setPassword={setPassword}
        config={config}
      />
      <PasskeySignIn config={config} session={session} />
    </div>
  );
}

function PasswordSignIn({
  action,
  submit,
  login,
  setLogin,
  password,
  setPassword,
  config,
}: {
  action: ReturnType<typeof useAction>;
  submit: () => void;
  login: string;
  setLogin: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
  config: PageConfig;
}) {
  return (
    <Form onSubmit={submit} error={action.error} label="Sign in">
      <h2>Sign in</h2>
      <TextField
        label="Username or email"
        name="login"
        autoComplete="username"
        required
        value={login}
        onChange={(e) => setLogin(e.target.value)}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <SubmitRow busy={action.busy}>Sign in</SubmitRow>
      <p>
        <Link href={hrefTo(config.base, 'forgot-password', login.trim() ? { login: login.trim() } : {})}>
          Forgot your password?
        </Link>
      </p>
    </Form>
  );
}

function SignUpForm({ config, session }: { config: PageConfig; session: Session }) {
  const [fields, , set] = useFields({ username: '', email: '', password: '', display_name: '' });
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const { display_name, ...rest } = fields;
      const answer = await requestJson<TokenAnswer>(`${config.identity}/api/auth/register`, {
        body: { ...rest, ...(display_name.trim() ? { display_name: display_name.trim() } : {}) },
      });
      session.save(answer);
    });
  return (
    <Form onSubmit={submit} error={action.error} label="Create your CALOS account">
      <h2>Create your CALOS account</h2>
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        hint="3 to 32 letters, digits, dots, dashes or underscores."
        required
        minLength={3}
        maxLength={32}
        value={fields.username}
        onChange={set('username')}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={fields.email}
        onChange={set('email')}
      />
      <TextField
        label="Password"
        name="new-password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        required
        minLength={10}
        value={fields.password}
        onChange={set('password')}
      />
      <TextField
        label="Your name (optional)"
        name="display_name"
        autoComplete="name"
        value={fields.display_name}
        onChange={set('display_name')}
      />
      <SubmitRow busy={action.busy}>Create account</SubmitRow>
    </Form>
  );
}
