// /api/calendar/meal-plans: HowToCookAtHome meal plans put on a family calendar.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { bearer, ErrorResponse, NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { CalendarLinkService } from '../service/calendar-links.ts';

const Id = Type.String({ maxLength: 64 });
const tags = ['calendar'];
const Link = Type.Object({
  link_id: Type.String(),
  family_id: Type.String(),
  meal_plan_id: Type.String(),
  owner_id: Type.String(),
  created_at: Timestamp,
  state: Type.Union([Type.Literal('shown'), Type.Literal('plan_required')], {
    description:
      'shown: its meals are on the calendar. plan_required: the family’s plan no longer includes shared ' +
      'calendars (its creator downgraded); the link is kept and shows again after an upgrade',
  }),
  plan_required: Type.Union(
    [
      Type.Object({
        entitlement: Type.String({ description: 'shared_calendars' }),
        plans: Type.Array(Type.String(), { description: 'The listed plans that include it, cheapest first' }),
        upgrade_url: Type.String({ description: 'Where the family’s creator changes their plan' }),
      }),
      Type.Null(),
    ],
    { description: 'What would show it again; null while shown' },
  ),
});

export function registerCalendarLinkRoutes(app: App, links: CalendarLinkService) {
  app.post(
    '/api/calendar/meal-plans',
    {
      schema: {
        tags,
        summary: 'Put one of your HowToCookAtHome meal plans on the family calendar',
        description: 'Its meals then appear in GET /api/calendar (linked) and in the family’s iCal feeds.',
        security: bearer,
        body: Type.Object(
          { family_id: Id, meal_plan_id: Id },
          {
            additionalProperties: false,
            examples: [{ family_id: '7d0c5a9e-…', meal_plan_id: '0b6f9a9e-…' }],
          },
        ),
        response: { 201: Link, 402: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await links.add(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/calendar/meal-plans',
    {
      schema: {
        tags,
        summary: 'The meal plans on a family calendar, and whether the family’s plan shows them',
        security: bearer,
        querystring: Type.Object({ family_id: Id }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Link) }), 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await links.list(requireUser(request).userId, request.query.family_id) }),
  );

  app.delete(
    '/api/calendar/meal-plans/:linkId',
    {
      schema: {
        tags,
        summary: 'Take a meal plan off the family calendar (who added it, or an admin)',
        security: bearer,
        params: Type.Object({ linkId: Id }),
        querystring: Type.Object({ family_id: Id }, { additionalProperties: false }),
        response: { 204: NoContent, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await links.remove(requireUser(request).userId, request.query.family_id, request.params.linkId);
      return reply.status(204).send();
    },
  );
}
