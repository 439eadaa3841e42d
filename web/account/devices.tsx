// Devices signed in to the account, and pairing a new one (TV, console) with its code.

import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  Button,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { SCOPE_WORDS } from './connect.tsx';

import type { AccountViewProps } from './props.ts';

type Device = Answer<paths, '/api/devices', 'get'>['items'][number];

/** How often the list is asked again while an approved device is on its way to sign in. */
const PAIRING_RECHECK_MS = 2000;
/** A code lives 10 minutes: a device approved then has signed in by now or never will. */
const PAIRING_RECHECKS = 300;

/** An approved device that has not fetched its tokens yet (it polls every few seconds). */
interface AwaitedDevice {
  name: string;
  /** last_seen by device_id before the approval: a new or re-paired device changes it. */
  before: Map<string, string>;
}

const deviceName = (device: Pick<Device, 'device_name' | 'device_type'>) =>
  device.device_name ?? `Your ${device.device_type} device`;

export function Devices({ config, api, params }: AccountViewProps) {
  const devices = useLoad(
    (signal) => api<Answer<paths, '/api/devices', 'get'>>('/api/devices', { signal }),
    [api],
  );
  const action = useAction();
  const [awaited, setAwaited] = useState<AwaitedDevice>();
  const [arrived, setArrived] = useState<string>();
  const revoke = (device: Device) =>
    action.run(async () => {
      await api(`/api/devices/${device.device_id}`, { method: 'DELETE' });
      devices.reload();
    });
  const onApproved = (name: string) => {
    setArrived(undefined);
    setAwaited({
      name,
      before: new Map((devices.data?.items ?? []).map((d) => [d.device_id, d.last_seen])),
    });
  };
  // The approved device shows up once it has signed in: ask again until it has.
  const newcomer =
    awaited &&
    devices.data?.items.find(
      (d) => !d.is_current && !d.revoked_at && awaited.before.get(d.device_id) !== d.last_seen,
    );
  const { reload } = devices;
  useEffect(() => {
    if (!awaited) return;
    if (newcomer) {
      setArrived(`${deviceName(newcomer)} is now signed in to your account.`);
      setAwaited(undefined);
      return;
    }
    let rechecks = 0;
    const timer = setInterval(() => {
      rechecks += 1;
      if (rechecks > PAIRING_RECHECKS) setAwaited(undefined);
      else reload();
    }, PAIRING_RECHECK_MS);
    return () => clearInterval(timer);
  }, [awaited, newcomer, reload]);
  return (
    <>
      <h1>Devices</h1>
      <PairForm api={api} initialCode={params.get('user_code') ?? ''} onApproved={onApproved} />
      <Section title="Signed-in devices">
        {arrived && <Notice>{arrived}</Notice>}
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        {devices.error && <ErrorMessage>{devices.error}</ErrorMessage>}
        {!devices.data ? (
          !devices.error && <Loading />
        ) : (
          <ul className="list" aria-label="Devices">
            {awaited && (
              <li className="list-row">
                <div>
                  <strong>{awaited.name}</strong> <span className="tag">Signing in…</span>
                  <br />
                  <span className="muted">Approved: it appears here once it has signed in.</span>
                </div>
              </li>
            )}
            {devices.data.items.map((device) => (
              <li className="list-row" key={device.device_id}>
                <div>
                  <strong>{device.device_name ?? `${device.device_type} device`}</strong>{' '}
                  {device.is_current && <span className="tag">This device</span>}
                  {device.revoked_at && <span className="tag">Revoked</span>}
                  <br />
                  <span className="muted">
                    {device.device_type} · last seen {formatDate(device.last_seen, true)}
                  </span>
                </div>
                {!device.revoked_at && !device.is_current && (
                  <Button
                    small
                    variant="danger"
                    onClick={() => void revoke(device)}
                    aria-label={`Revoke ${device.device_name ?? device.device_type}`}
                  >
                    Revoke
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <p className="muted">
        A device that cannot type a password (a speaker, a TV) shows a code; enter it above. Its link opens{' '}
        <code>{`${config.base}/pair`}</code>.
      </p>
    </>
  );
}

/** What the pairing page learns of a code before approving it. */
/** The device flow's app (RFC 8628) is named there: a partner's app asks the person first. */
type CodeCheck = Answer<paths, '/api/devices/pair/check', 'post'>;

function PairForm({
  api,
  initialCode,
  onApproved,
}: {
  api: AccountViewProps['api'];
  initialCode: string;
  onApproved: (deviceName: string) => void;
}) {
  const [code, setCode] = useState(initialCode);
  const [done, setDone] = useState<string>();
  const [asking, setAsking] = useState<CodeCheck & { code: string }>();
  const action = useAction();
  const send = async (userCode: string, approve: boolean) => {
    const answer = await api<Answer<paths, '/api/devices/pair', 'post'>>('/api/devices/pair', {
      body: { user_code: userCode, approve },
    });
    setAsking(undefined);
    setCode('');
    if (!approve) {
      setDone(`${deviceName(answer)} was not allowed.`);
      return;
    }
    // The device fetches its tokens on its next poll, a few seconds from now.
    setDone(`${deviceName(answer)} is approved and signs in within a few seconds.`);
    onApproved(deviceName(answer));
  };
  const decide = (userCode: string, approve: boolean) => action.run(() => send(userCode, approve));
  const submit = () =>
    action.run(async () => {
      const userCode = code.trim();
      const check = await api<CodeCheck>('/api/devices/pair/check', { body: { user_code: userCode } });
      // A partner's app says what it asks for before it is let in; devices and CALOS's own apps go on.
      if (check.app && !check.app.first_party) setAsking({ ...check, code: userCode });
      else await send(userCode, true);
    });
  if (asking?.app) {
    return (
      <Section title="Pair a device">
        <h3>Let {asking.app.client_name} use your CALOS account?</h3>
        <p>
          <strong>{asking.app.client_name}</strong> is not a CALOS app. On the device showing this code it
          asks to:
        </p>
        <ul>
          {asking.app.scopes.map((scope) => (
            <li key={scope}>{SCOPE_WORDS[scope] ?? scope}</li>
          ))}
        </ul>
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        <p>
          <Button busy={action.busy} onClick={() => void decide(asking.code, true)}>
            Allow
          </Button>{' '}
          <Button variant="secondary" disabled={action.busy} onClick={() => void decide(asking.code, false)}>
            Don’t allow
          </Button>
        </p>
      </Section>
    );
  }
  return (
    <Section title="Pair a device">
      {done && <Notice>{done}</Notice>}
      <Form onSubmit={submit} error={action.error} label="Pair a device">
        <TextField
          label="Code shown on the device"
          name="user_code"
          placeholder="BCDF-2345"
          autoComplete="off"
          autoCapitalize="characters"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <SubmitRow busy={action.busy}>Approve device</SubmitRow>
      </Form>
    </Section>
  );
}
