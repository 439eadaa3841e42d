// /calos/internal/rpc: the identity client over HTTP, for services that run in another process
// (`calos serve hollowtown`), through the platform's RPC door (src/platform/rpc.ts).
import type { App } from '../../platform/http/service.ts';
import { registerRpcDoor } from '../../platform/rpc.ts';
import { IDENTITY_RPC_METHODS, type IdentityClient } from '../client.ts';

export function registerInternalRoutes(app: App, client: IdentityClient, serviceToken: string | undefined) {
  registerRpcDoor(app, { client, methods: IDENTITY_RPC_METHODS, serviceToken });
}
