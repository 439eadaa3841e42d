// The steps of signing in beyond the password: the second factor when the account has one
// (a code from the authenticator app, or a recovery code; optionally remembering this browser),
// and signing in with a passkey instead of a password.
import { startAuthentication } from '@simplewebauthn/browser';
import { useEffect, useRef, useState } from 'react';
import { requestJson } from '../shared/api.ts';
import { Button, Checkbox, ErrorMessage, Form, SubmitRow, TextField } from '../shared/components.tsx';
import type { PageConfig } from '../shared/config.ts';
import { useAction } from '../shared/hooks.ts';
import type { Session, TokenAnswer } from '../shared/session.ts';

/** What a right password answers for an account with two-step verification. */
export interface MfaRequired {
  mfa_required: true;
  mfa_challenge: string;
  expires_in: number;
}

export const isMfaRequired = (answer: unknown): answer is MfaRequired =>
  typeof answer === 'object' && answer !== null && (answer as MfaRequired).mfa_required === true;

type SignedIn = TokenAnswer & { trusted_device_token?: string };

// A browser remembered after a code skips the step next time: its token, kept per login name.
const TRUSTED_KEY = 'calos.account.trusted-devices';
const readTrusted = (): Record<string, string> => {
  try {
    return JSON.parse(localStorage.getItem(TRUSTED_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
};
export const trustedDeviceTokenFor = (login: string): string | undefined =>
  readTrusted()[login.trim().toLowerCase()];

function rememberTrusted(answer: SignedIn, login: string) {
  if (!answer.trusted_device_token) return;
  const names = [login, answer.user?.username, answer.user?.email].filter(Boolean) as string[];
  const trusted = readTrusted();
  for (const name of names) trusted[name.trim().toLowerCase()] = answer.trusted_device_token;
  localStorage.setItem(TRUSTED_KEY, JSON.stringify(trusted));
}

/** The second step: the code from the app (or a recovery code). */
export function SecondFactorStep({
  config,
  session,
  challenge,
  login,
  onCancel,
}: {
  config: PageConfig;
  session: Session;
  challenge: MfaRequired;
  login: string;
  onCancel: () => void;
}) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [remember, setRemember] = useState(false);
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const submit = () =>
    action.run(async () => {
      const answer = await requestJson<SignedIn>(`${config.identity}/api/auth/2fa/verify`, {
        body: {
          challenge: challenge.mfa_challenge,
          ...(useRecovery ? { recovery_code: code.trim() } : { code: code.replace(/\s/g, '') }),
          remember_device: remember,
        },
      });
      rememberTrusted(answer, login);
      session.save(answer);
    });
  return (
    <Form onSubmit={submit} error={action.error} label="Two-step verification">
      <h2 ref={heading} tabIndex={-1}>
        Two-step verification
      </h2>
      <p className="muted">
        {useRecovery
          ? 'Type one of the recovery codes you saved when you turned two-step verification on. Each works once.'
          : 'Open your authenticator app and type the 6-digit code it shows for CALOS.'}
      </p>
      {useRecovery ? (
        <TextField
          key="recovery"
          label="Recovery code"
          name="recovery_code"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      ) : (
        <TextField
          key="code"
          label="Code from your app"
          name="one-time-code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="\s*\d{3}\s?\d{3}\s*"
          maxLength={8}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      )}
      <Checkbox
        label="Remember this browser for 30 days"
        checked={remember}
        onChange={(e) => setRemember(e.target.checked)}
      />
      <SubmitRow busy={action.busy}>Verify</SubmitRow>
      <p>
        <Button
          variant="link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
            action.setError(undefined);
          }}
        >
          {useRecovery ? 'Use a code from your app instead' : 'Use a recovery code instead'}
        </Button>{' '}
        ·{' '}
        <Button variant="link" onClick={onCancel}>
          Start again
        </Button>
      </p>
    </Form>
  );
}

/** Words for what the browser says when a passkey ceremony does not finish. */
export function describePasskeyProblem(error: unknown): string | undefined {
  const name = (error as { name?: string; cause?: { name?: string } }).cause?.name ?? (error as Error).name;
  if (name === 'NotAllowedError' || name === 'AbortError')
    return 'The passkey request was cancelled or timed out. Try again when you are ready.';
  if (name === 'InvalidStateError') return 'This passkey is already registered on your account.';
  if (name === 'NotSupportedError' || name === 'SecurityError')
    return 'This browser cannot use passkeys here. Sign in with your password instead.';
  return undefined;
}

/** Signs in with a passkey instead of a password. */
export function PasskeySignIn({ config, session }: { config: PageConfig; session: Session }) {
  const action = useAction();
  const signIn = () =>
    action.run(async () => {
      const optionsJSON = await requestJson<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        `${config.identity}/api/auth/passkeys/login/options`,
        { method: 'POST', body: {} },
      );
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON });
      } catch (error) {
        action.setError(
          describePasskeyProblem(error) ?? 'Signing in with a passkey did not work. Try again.',
        );
        return;
      }
      const answer = await requestJson<TokenAnswer>(`${config.identity}/api/auth/passkeys/login`, {
        body: { response },
      });
      session.save(answer);
    });
  return (
    <div className="stack">
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      <div className="button-row">
        <Button variant="secondary" busy={action.busy} onClick={() => void signIn()}>
          Sign in with a passkey
        </Button>
      </div>
    </div>
  );
}
