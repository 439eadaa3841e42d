// /api/account/affiliate-links: whether the apps show this account "Buy at …" affiliate links
// on shopping lists and costume materials (on by default). The apps read it through identity's
// client and keep it for a few seconds.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { findAffiliateLinks, updateAffiliateLinks } from '../store/affiliate-links.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const Preference = Type.Object(
  {
    enabled: Type.Boolean({
      description:
        'Whether the apps show "Buy at …" links to shops (affiliate links); the apps see a change within 10 s',
    }),
  },
  { additionalProperties: false, examples: [{ enabled: false }] },
);

export function registerAffiliateLinkRoutes(app: App, deps: IdentityDeps): void {
  app.get(
    '/api/account/affiliate-links',
    {
      schema: {
        tags: ['account'],
        summary: 'Whether the apps show you affiliate links to shops',
        security: bearer,
        response: { 200: Preference, 401: ErrorResponse },
      },
    },
    async (request) => {
      const enabled = await findAffiliateLinks(deps.db, requireUser(request).userId);
      if (enabled === undefined) throw IdentityErrors.sessionEnded();
      return { enabled };
    },
  );

  app.put(
    '/api/account/affiliate-links',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn affiliate links to shops on or off in every app',
        security: bearer,
        body: Preference,
        response: { 200: Preference, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      if (!(await updateAffiliateLinks(deps.db, userId, request.body.enabled)))
        throw IdentityErrors.sessionEnded();
      return { enabled: request.body.enabled };
    },
  );
}
