// /api/calendar: the family calendar by date range, and its events.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import {
  type CalendarService,
  MAX_OCCURRENCE_CHANGES,
  MAX_RANGE_DAYS,
  MAX_SERIES_PER_FAMILY,
} from '../service/calendar.ts';
import { MAX_EVENT_DAYS } from '../store/events.ts';
import {
  Attendees,
  bearer,
  CalendarEvent,
  DateTime,
  ErrorResponse,
  EventType,
  idsOrNotFound,
  NoContent,
  NullableDateTime,
  NullableDescription,
  NullableLocation,
  PageOf,
  RecurrenceRule,
  Reminders,
  TimeZone,
  Title,
  Uuid,
} from './schemas.ts';

const EventParams = Type.Object({ id: Uuid('The event_id') });
const eventIds = idsOrNotFound({ id: FamilyErrors.eventNotFound });
const notFound = 'An event of a family you are not in answers 404 EVENT_NOT_FOUND.';

export function registerCalendarRoutes(app: App, calendar: CalendarService): void {
  const tags = ['Calendar'];

  app.get(
    '/api/calendar',
    {
      schema: {
        tags,
        summary: 'The events between from and to, soonest first',
        description:
          `Events that overlap [from, to); the range is required and covers at most ${MAX_RANGE_DAYS} days ` +
          '(400 INVALID_CALENDAR_RANGE). A recurring event appears once per occurrence in the range (with ' +
          'recurrence_id), removed occurrences left out and changed ones as changed; a page holds at most limit ' +
          'entries and each series is expanded only as far as one page needs. Of one family (family_id; 404 FAMILY_NOT_FOUND if you are not a member) ' +
          'or of all your families; attendee keeps the events one member attends.',
        security: bearer,
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            family_id: Type.Optional(Uuid('Only this family')),
            from: DateTime,
            to: DateTime,
            attendee: Type.Optional(Uuid('Only events this user attends')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Intersect([
            PageOf(CalendarEvent, 'One page of events'),
            Type.Object({
              linked: Type.Array(
                Type.Object({
                  source: Type.Object({ domain: Type.String(), id: Type.String() }),
                  title: Type.String(),
                  start: Timestamp,
                  end: NullableTimestamp,
                  all_day: Type.Boolean(),
                  location: Type.Union([Type.String(), Type.Null()]),
                }),
                {
                  description:
                    'With family_id, on the first page: what other apps planned with the family (Hollowtown events)',
                },
              ),
            }),
          ]),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      calendar.calendar(requireUser(request).userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        family_id: request.query.family_id,
        from: request.query.from,
        to: request.query.to,
        attendee: request.query.attendee,
      }),
  );

  app.post(
    '/api/calendar/events',
    {
      schema: {
        tags,
        summary: 'Put an event on the family calendar (parents and admins)',
        description:
          `An event lasts at most ${MAX_EVENT_DAYS} days (400 INVALID_TIME_RANGE); attendees must be members ` +
          '(400 ATTENDEE_NOT_MEMBER). With recurrence_rule it recurs (400 INVALID_RECURRENCE for a rule CALOS ' +
          `does not take; at most ${MAX_SERIES_PER_FAMILY} recurring events per family, 409 RECURRING_EVENT_LIMIT); ` +
          'a birthday recurs yearly unless recurrence_rule is null. time_zone (IANA, e.g. Europe/Berlin; default: the ' +
          "family's default_time_zone; 400 INVALID_TIME_ZONE for an unknown one) is the zone whose wall-clock time " +
          'a recurring event keeps: a weekly 17:00 stays 17:00 local across summer-time changes.',
        security: bearer,
        body: Type.Object(
          {
            family_id: Uuid('The family'),
            event_name: Title,
            event_type: Type.Optional(EventType),
            description: Type.Optional(NullableDescription),
            start_time: DateTime,
            end_time: Type.Optional(NullableDateTime),
            location: Type.Optional(NullableLocation),
            attendees: Type.Optional(Attendees),
            reminders: Type.Optional(Reminders),
            recurrence_rule: Type.Optional(RecurrenceRule),
            time_zone: Type.Optional(TimeZone),
          },
          {
            additionalProperties: false,
            examples: [
              {
                family_id: '7d0c5a9e-8f1b-4c3e-9a57-2d9e4f7a1012',
                event_name: 'Dentist',
                event_type: 'appointment',
                start_time: '2025-11-04T09:30:00+01:00',
                end_time: '2025-11-04T10:00:00+01:00',
                location: 'Main Street 12',
                attendees: ['0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012'],
                reminders: [{ minutes_before: 60 }, { minutes_before: 1440 }],
              },
            ],
          },
        ),
        response: {
          201: CalendarEvent,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const event = await calendar.createEvent(requireUser(request).userId, {
        ...request.body,
        event_type: request.body.event_type ?? 'other',
      });
      return reply.status(201).send(event);
    },
  );

  app.get(
    '/api/calendar/events/:id',
    {
      schema: {
        tags,
        summary: 'One event',
        description: notFound,
        security: bearer,
        params: EventParams,
        response: { 200: CalendarEvent, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: eventIds,
    },
    async (request) => calendar.getEvent(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/calendar/events/:id',
    {
      schema: {
        tags,
        summary: 'Change an event (parents and admins)',
        description:
          'Send only what changes; attendees and reminders are replaced whole. A new recurrence_rule, or a new ' +
          'start_time or time_zone of a recurring event, drops its removed and changed occurrences ' +
          `(400 INVALID_TIME_ZONE for an unknown zone). ${notFound}`,
        security: bearer,
        params: EventParams,
        body: Type.Object(
          {
            event_name: Type.Optional(Title),
            event_type: Type.Optional(EventType),
            description: Type.Optional(NullableDescription),
            start_time: Type.Optional(DateTime),
            end_time: Type.Optional(NullableDateTime),
            location: Type.Optional(NullableLocation),
            attendees: Type.Optional(Attendees),
            reminders: Type.Optional(Reminders),
            recurrence_rule: Type.Optional(RecurrenceRule),
            time_zone: Type.Optional(TimeZone),
          },
          {
            additionalProperties: false,
            examples: [{ location: 'Elm Street 13', reminders: [{ minutes_before: 30 }] }],
          },
        ),
        response: {
          200: CalendarEvent,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: eventIds,
    },
    async (request) => calendar.updateEvent(requireUser(request).userId, request.params.id, request.body),
  );

  const OccurrenceParams = Type.Object({
    id: Uuid('The recurring event'),
    recurrence_id: Type.String({
      maxLength: 40,
      description: 'The occurrence: its start as the rule gives it (ISO 8601, e.g. 2030-01-07T09:00:00Z)',
    }),
  });
  const occurrenceNote =
    `404 OCCURRENCE_NOT_FOUND when the time is not an occurrence; at most ${MAX_OCCURRENCE_CHANGES} changed ` +
    'or removed occurrences per event (409 OCCURRENCE_OVERRIDE_LIMIT). ' +
    notFound;

  app.put(
    '/api/calendar/events/:id/occurrences/:recurrence_id',
    {
      schema: {
        tags,
        summary: 'Change one occurrence of a recurring event (parents and admins)',
        description:
          'What is not sent stays as the series has it (RECURRENCE-ID in the iCal feed); sending again changes it ' +
          `again. It may move at most ${MAX_EVENT_DAYS} days. ${occurrenceNote}`,
        security: bearer,
        params: OccurrenceParams,
        body: Type.Object(
          {
            event_name: Type.Optional(Title),
            description: Type.Optional(NullableDescription),
            start_time: Type.Optional(DateTime),
            end_time: Type.Optional(NullableDateTime),
            location: Type.Optional(NullableLocation),
          },
          {
            additionalProperties: false,
            examples: [{ start_time: '2030-01-08T17:00:00Z', location: 'Gym' }],
          },
        ),
        response: {
          200: CalendarEvent,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      preValidation: eventIds,
    },
    async (request) =>
      calendar.changeOccurrence(
        requireUser(request).userId,
        request.params.id,
        request.params.recurrence_id,
        request.body,
      ),
  );

  app.delete(
    '/api/calendar/events/:id/occurrences/:recurrence_id',
    {
      schema: {
        tags,
        summary: 'Remove one occurrence of a recurring event (parents and admins)',
        description: `The occurrence becomes an EXDATE; a change made to it goes too. ${occurrenceNote}`,
        security: bearer,
        params: OccurrenceParams,
        response: {
          204: NoContent,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      preValidation: eventIds,
    },
    async (request, reply) => {
      await calendar.removeOccurrence(
        requireUser(request).userId,
        request.params.id,
        request.params.recurrence_id,
      );
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/calendar/events/:id',
    {
      schema: {
        tags,
        summary: 'Delete an event (parents and admins)',
        description: notFound,
        security: bearer,
        params: EventParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: eventIds,
    },
    async (request, reply) => {
      await calendar.deleteEvent(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}
