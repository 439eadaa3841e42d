// The devices an account signs in from (user_devices).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type DeviceType = 'web' | 'mobile' | 'voice';

export type DeviceRow = Refine<
  Pick<
    Tables['user_devices'],
    | 'device_id'
    | 'user_id'
    | 'device_fingerprint'
    | 'device_type'
    | 'device_name'
    | 'trust_level'
    | 'last_seen'
    | 'revoked_at'
    | 'created_at'
  >,
  {
    device_type: DeviceType;
  }
>;

const COLUMNS =
  'device_id, user_id, device_fingerprint, device_type, device_name, trust_level, last_seen, revoked_at, created_at';

/**
 * Records a sign-in from a device: a new row, or the known one seen again (and un-revoked).
 * `is_new` says which (a device never seen before gets a "new sign-in" notice).
 */
export async function upsertDevice(
  db: Queryable,
  input: {
    userId: string;
    fingerprint: string;
    type: DeviceType;
    name?: string | null;
    trustLevel: number;
    userAgent?: string;
  },
  at: Date,
): Promise<DeviceRow & { is_new: boolean }> {
  const { rows } = await db.query<DeviceRow & { is_new: boolean }>(
    `INSERT INTO user_devices (user_id, device_fingerprint, device_type, device_name, trust_level, user_agent,
                               created_at, last_seen)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (user_id, device_fingerprint) DO UPDATE
       SET last_seen = $7, revoked_at = NULL, device_type = EXCLUDED.device_type,
           device_name = COALESCE(EXCLUDED.device_name, user_devices.device_name),
           user_agent = COALESCE(EXCLUDED.user_agent, user_devices.user_agent),
           trust_level = GREATEST(user_devices.trust_level, EXCLUDED.trust_level)
     RETURNING ${COLUMNS}, (xmax = 0) AS is_new`,
    [
      input.userId,
      input.fingerprint,
      input.type,
      input.name ?? null,
      input.trustLevel,
      input.userAgent?.slice(0, 512) ?? null,
      at,
    ],
  );
  return rows[0] as DeviceRow & { is_new: boolean };
}

export async function listDevices(db: Queryable, userId: string): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM user_devices WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, last_seen DESC LIMIT 200`,
    [userId],
  );
  return rows;
}

export async function findDevice(
  db: Queryable,
  userId: string,
  deviceId: string,
): Promise<DeviceRow | undefined> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM user_devices WHERE user_id = $1 AND device_id = $2`,
    [userId, deviceId],
  );
  return rows[0];
}

export async function markDeviceRevoked(db: Queryable, deviceId: string, at: Date): Promise<void> {
  await db.query('UPDATE user_devices SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [
    deviceId,
    at,
  ]);
}

export async function touchDevice(db: Queryable, deviceId: string, at: Date): Promise<void> {
  await db.query('UPDATE user_devices SET last_seen = $2 WHERE device_id = $1', [deviceId, at]);
}

/** Marks every device of an account revoked (a password reset signs them all out). */
export async function markAllDevicesRevoked(db: Queryable, userId: string, at: Date): Promise<number> {
  const result = await db.query(
    'UPDATE user_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL',
    [userId, at],
  );
  return result.rowCount;
}
