// The identity client for a service in another process: every call is one POST to identity's
// /calos/internal/rpc with the shared service token (src/platform/rpc.ts).
import { createRpcClient } from '../platform/rpc.ts';
import { IDENTITY_RPC_METHODS, type IdentityClient } from './client.ts';

/** Longer than the revocation feed's longest wait (25 s). */
const TIMEOUT_MS = 35_000;

export function createIdentityHttpClient(identityUrl: string, serviceToken: string): IdentityClient {
  return createRpcClient<IdentityClient>({
    baseUrl: identityUrl,
    prefix: '/calos',
    methods: IDENTITY_RPC_METHODS,
    serviceToken,
    timeoutMs: TIMEOUT_MS,
  });
}
