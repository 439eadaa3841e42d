// The devices of an account: list them (marking the one asking), revoke one with its sessions.
import { isUuid } from '../../platform/ids.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { recordAudit } from '../store/audit.ts';
import { findDevice, listDevices, markDeviceRevoked } from '../store/devices.ts';
import { findSession, revokeSessionsOfDevice } from '../store/sessions.ts';
import { forgetTrustedDevice } from '../store/two-factor.ts';

export function createDeviceService(deps: IdentityDeps) {
  const { db } = deps;
  return {
    async list(userId: string, sessionId: string) {
      const [devices, session] = await Promise.all([listDevices(db, userId), findSession(db, sessionId)]);
      return devices.map((device) => ({
        device_id: device.device_id,
        device_type: device.device_type,
        device_name: device.device_name,
        trust_level: device.trust_level,
        last_seen: device.last_seen,
        created_at: device.created_at,
        revoked_at: device.revoked_at,
        is_current: device.device_id === session?.device_id,
      }));
    },

    async revoke(userId: string, deviceId: string, origin: RequestOrigin): Promise<void> {
      if (!isUuid(deviceId)) throw IdentityErrors.deviceNotFound();
      await db.transaction(async (tx) => {
        const device = await findDevice(tx, userId, deviceId);
        if (!device) throw IdentityErrors.deviceNotFound();
        await markDeviceRevoked(tx, deviceId, deps.now());
        // A revoked browser must pass two-step verification again.
        await forgetTrustedDevice(tx, deviceId);
        const ended = await revokeSessionsOfDevice(tx, deviceId, 'device_revoked', deps.now());
        await recordAudit(tx, userId, 'device.revoked', origin, {
          device_id: deviceId,
          device_type: device.device_type,
          sessions_ended: ended,
        });
      });
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
