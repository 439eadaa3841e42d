// Turns every error (ours, Fastify's validation and parsing errors, unknown ones) into the one
// error shape {"error": {"code", "message", "details"}}. Unknown errors are logged, never shown.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, isAppError, PlatformErrors } from '../errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errorBody = (error: AppError): ErrorBody => ({
  error: {
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  },
});

/** Longest path parameter the router takes (Fastify's maxParamLength); longer is a 414. */
export const MAX_PARAM_LENGTH = 100;

/** Fastify's own client errors, by their code, as ours. */
const FASTIFY_CLIENT_ERRORS: Record<string, (error: FastifyError) => AppError> = {
  FST_ERR_BAD_URL: () => PlatformErrors.invalidUrl(),
  FST_ERR_MAX_PARAM_LENGTH: () => PlatformErrors.parameterTooLong(MAX_PARAM_LENGTH),
  FST_ERR_CTP_INVALID_JSON_BODY: () => PlatformErrors.malformedBody('The request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    PlatformErrors.malformedBody('The request body is empty although Content-Type says application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: (error) =>
    PlatformErrors.bodyTooLarge(error.message || 'Request body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (error) =>
    PlatformErrors.mediaTypeRefused(error.message || 'Unsupported Content-Type'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    PlatformErrors.malformedBody('Content-Length does not match the body'),
};

export function toAppError(error: FastifyError | Error, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const details = fastifyError.validation.map((issue) => ({
      field: fieldOf(fastifyError.validationContext, issue.instancePath, issue.params),
      message: issue.message ?? 'is invalid',
    }));
    const first = details[0];
    return PlatformErrors.validation(
      first ? `${first.field} ${first.message}` : 'The request is invalid',
      details,
    );
  }
  const mapped = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (mapped) return mapped(fastifyError);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return PlatformErrors.malformedBody('The request body is not valid JSON');
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return PlatformErrors.badRequest(status, error.message);
  }
  return PlatformErrors.internal(request.id);
}

function fieldOf(context: string | undefined, instancePath: string, params: Record<string, unknown>): string {
  const where = context ?? 'body';
  const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
  const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : '';
  const pathPart = `${instancePath}${missing}${extra}`.replace(/^\//, '').replaceAll('/', '.');
  return pathPart ? `${where}.${pathPart}` : where;
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error, request);
  if (appError.status >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: appError.code, status: appError.status }, appError.message);
  }
  if (appError.status === 429 || appError.status === 503) {
    const retryAfter = (appError.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  }
  // Serialised here, not by the route's response schema: a route that documents another shape for
  // this status (RFC 8628's token endpoint) must not turn an error about the request into a 500.
  return reply
    .status(appError.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(appError)));
}

/**
 * What the server writes on the socket for a request Node's HTTP parser refused (headers too
 * large, a malformed request line, a timeout): the one error shape, then the connection closes.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? PlatformErrors.headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? PlatformErrors.requestTimeout()
        : PlatformErrors.malformedRequest();
  const body = JSON.stringify(errorBody(appError));
  const reason = STATUS_TEXT[appError.status] ?? 'Bad Request';
  return (
    `HTTP/1.1 ${appError.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
