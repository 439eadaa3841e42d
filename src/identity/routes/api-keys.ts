// Bring-your-own keys over HTTP: add, list (masked) and delete the signed-in user's keys.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { ErrorResponse, NoContent } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  API_KEY_LABEL_MAX_LENGTH,
  API_KEY_MAX_LENGTH,
  API_KEY_MIN_LENGTH,
  API_KEY_PROVIDERS,
  addApiKey,
  listApiKeys,
  MAX_API_KEYS_PER_USER,
  removeApiKey,
} from '../service/api-keys.ts';
import { originOf } from './origin.ts';

const Provider = Type.Enum(API_KEY_PROVIDERS, {
  description: 'The AI provider the key belongs to',
  examples: ['openai'],
});

const ApiKeyItem = Type.Object(
  {
    key_id: Type.String({ format: 'uuid', examples: ['6f1c2a4e-8d3b-4c1e-9a57-0b2d9e4f7a10'] }),
    provider: Provider,
    label: Type.Union([Type.String({ maxLength: API_KEY_LABEL_MAX_LENGTH }), Type.Null()], {
      description: 'A name the user chose, or null',
      examples: ['work account'],
    }),
    masked: Type.String({
      maxLength: 5,
      description: 'The last four characters of the key; the key itself is never returned',
      examples: ['…x9Qz'],
    }),
    is_active: Type.Boolean({
      description: 'Whether the AI gateway uses this key (at most one active key per provider)',
    }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const AddApiKeyBody = Type.Object(
  {
    provider: Provider,
    api_key: Type.String({
      minLength: API_KEY_MIN_LENGTH,
      // Room for the spaces or line break of a paste, which are trimmed before the check below.
      maxLength: API_KEY_MAX_LENGTH + 64,
      description: `The provider's secret key: after trimming, ${API_KEY_MIN_LENGTH} to ${API_KEY_MAX_LENGTH} printable ASCII characters without spaces`,
      examples: ['sk-proj-EXAMPLE0000000000000000000000x9Qz'],
    }),
    label: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: API_KEY_LABEL_MAX_LENGTH,
        description: 'A name to tell keys apart',
        examples: ['work account'],
      }),
    ),
  },
  { additionalProperties: false },
);

const KeyParams = Type.Object(
  { keyId: Type.String({ maxLength: 100, description: 'The key_id from GET /api/keys' }) },
  { additionalProperties: false },
);

const security = [{ bearerAuth: [] }];
const tags = ['Bring your own key'];

export function registerApiKeyRoutes(app: App, deps: IdentityDeps): void {
  app.post(
    '/api/keys/add',
    {
      schema: {
        summary: 'Add an AI provider key',
        description:
          'Stores an OpenAI, Anthropic or DeepSeek key for the AI gateway to use on your behalf, encrypted ' +
          '(AES-256-GCM). The new key becomes the active key for its provider: a key you already had for ' +
          'that provider stays listed but is deactivated (is_active false), so exactly one key per provider ' +
          `is active. The key is never shown again, only its last four characters. At most ${MAX_API_KEYS_PER_USER} ` +
          'keys per account, active or not (409 API_KEY_LIMIT_REACHED): delete one to add another.',
        tags,
        security,
        body: AddApiKeyBody,
        response: { 201: ApiKeyItem, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const { provider, api_key: apiKey, label } = request.body;
      const key = await addApiKey(deps, userId, { provider, apiKey, label }, originOf(request));
      return reply.status(201).send(key);
    },
  );

  app.get(
    '/api/keys',
    {
      schema: {
        summary: 'List your AI provider keys',
        description: 'Newest first, masked: neither the key nor its ciphertext is ever returned.',
        tags,
        security,
        response: {
          200: Type.Object(
            { items: Type.Array(ApiKeyItem, { maxItems: MAX_API_KEYS_PER_USER }) },
            { additionalProperties: false },
          ),
          401: ErrorResponse,
        },
      },
    },
    async (request) => ({ items: await listApiKeys(deps, requireUser(request).userId) }),
  );

  app.delete(
    '/api/keys/:keyId',
    {
      schema: {
        summary: 'Delete an AI provider key',
        description:
          'Deletes the key for good. Deleting the active key leaves that provider without an active key ' +
          '(the gateway falls back to the free models); older keys stay inactive. A key that is not yours ' +
          'answers 404 API_KEY_NOT_FOUND, like one that does not exist.',
        tags,
        security,
        params: KeyParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await removeApiKey(deps, requireUser(request).userId, request.params.keyId, originOf(request));
      return reply.status(204).send();
    },
  );
}
