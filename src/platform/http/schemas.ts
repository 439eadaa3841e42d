// Schema pieces every service's routes share.
import { Type } from 'typebox';

/** A point in time: handlers return Date, the JSON has an ISO 8601 string. */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const NullableTimestamp = Type.Unsafe<Date | string | null>({
  anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
});

/** A 204 answer: no body. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'The error shape of every CALOS service' },
);
