// Device authorization requests (RFC 8628): a device code for the device, a user code for
// the person approving it.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { DeviceType } from './devices.ts';
import type { Tables } from './tables.ts';

export type PairingRow = Refine<
  Pick<
    Tables['device_pairings'],
    | 'pairing_id'
    | 'device_code_hash'
    | 'user_code'
    | 'device_type'
    | 'device_name'
    | 'device_fingerprint'
    | 'status'
    | 'user_id'
    | 'interval_seconds'
    | 'last_polled_at'
    | 'expires_at'
  >,
  {
    device_type: DeviceType;
  }
>;

const COLUMNS =
  'pairing_id, device_code_hash, user_code, device_type, device_name, device_fingerprint, status, user_id, interval_seconds, last_polled_at, expires_at';

export async function insertPairing(
  db: Queryable,
  input: {
    deviceCodeHash: string;
    userCode: string;
    deviceType: DeviceType;
    deviceName: string | null;
    fingerprint: string;
    intervalSeconds: number;
    expiresAt: Date;
  },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO device_pairings (device_code_hash, user_code, device_type, device_name, device_fingerprint, interval_seconds, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      input.deviceCodeHash,
      input.userCode,
      input.deviceType,
      input.deviceName,
      input.fingerprint,
      input.intervalSeconds,
      input.expiresAt,
    ],
  );
  return result.rowCount > 0;
}

export async function findPendingPairingByUserCode(
  db: Queryable,
  userCode: string,
  now: Date,
): Promise<PairingRow | undefined> {
  const { rows } = await db.query<PairingRow>(
    `SELECT ${COLUMNS} FROM device_pairings WHERE user_code = $1 AND status = 'pending' AND expires_at > $2 FOR UPDATE`,
    [userCode, now],
  );
  return rows[0];
}

export async function decidePairing(
  db: Queryable,
  pairingId: string,
  decision: { status: 'approved' | 'denied'; userId: string },
): Promise<void> {
  await db.query('UPDATE device_pairings SET status = $2, user_id = $3 WHERE pairing_id = $1', [
    pairingId,
    decision.status,
    decision.userId,
  ]);
}

export async function findPairingByDeviceCodeForUpdate(
  db: Queryable,
  deviceCodeHash: string,
): Promise<PairingRow | undefined> {
  const { rows } = await db.query<PairingRow>(
    `SELECT ${COLUMNS} FROM device_pairings WHERE device_code_hash = $1 FOR UPDATE`,
    [deviceCodeHash],
  );
  return rows[0];
}

export async function recordPoll(
  db: Queryable,
  pairingId: string,
  intervalSeconds: number,
  now: Date,
): Promise<void> {
  await db.query(
    'UPDATE device_pairings SET last_polled_at = $3, interval_seconds = $2 WHERE pairing_id = $1',
    [pairingId, intervalSeconds, now],
  );
}

export async function markPairingConsumed(db: Queryable, pairingId: string): Promise<void> {
  await db.query("UPDATE device_pairings SET status = 'consumed' WHERE pairing_id = $1", [pairingId]);
}

export async function deleteExpiredPairings(
  db: Queryable,
  olderThanSeconds: number,
  now: Date,
): Promise<number> {
  const result = await db.query(
    'DELETE FROM device_pairings WHERE expires_at < $2::timestamptz - make_interval(secs => $1)',
    [olderThanSeconds, now],
  );
  return result.rowCount;
}
