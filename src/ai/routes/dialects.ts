// Errors in each front door's own dialect: Ollama's clients read `{"error": "<text>"}`, OpenAI's
// `{"error": {"message", "type", "param", "code"}}`. The CALOS code stays readable in both: in
// the X-CALOS-Error-Code header, as `code` beside Ollama's text, and as OpenAI's `code`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppError } from '../../platform/errors.ts';
import { toAppError } from '../../platform/http/error-handler.ts';

export const ERROR_CODE_HEADER = 'x-calos-error-code';

/** OpenAI's error `type` for a status, as its API and SDKs use them. */
export function openaiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The field the error is about (validation errors name one), as OpenAI's `param`. */
function paramOf(error: AppError): string | null {
  const details = error.details;
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) {
    const field = (details as { field?: unknown }).field;
    if (typeof field === 'string') return field;
  }
  if (Array.isArray(details)) {
    const field = (details[0] as { field?: unknown } | undefined)?.field;
    if (typeof field === 'string') return field.replace(/^body\./, '');
  }
  return null;
}

/** The body of an OpenAI-dialect error; `details` is CALOS's own, which OpenAI's clients ignore. */
export function openaiErrorBody(error: AppError) {
  return {
    error: {
      message: error.message,
      type: openaiErrorType(error.status),
      param: paramOf(error),
      code: error.code,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

export const ollamaErrorBody = (error: AppError) => ({ error: error.message, code: error.code });

function handlerFor(render: (error: AppError) => unknown) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, appError.message);
    const retryAfter = (appError.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if ((appError.status === 429 || appError.status === 503) && retryAfter !== undefined)
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    return reply
      .status(appError.status)
      .header(ERROR_CODE_HEADER, appError.code)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(render(appError)));
  };
}

export const ollamaErrorHandler = handlerFor(ollamaErrorBody);
export const openaiErrorHandler = handlerFor(openaiErrorBody);

export const OllamaErrorResponse = Type.Object(
  { error: Type.String(), code: Type.String() },
  { description: "Ollama's error shape; code is the CALOS error code (also in X-CALOS-Error-Code)" },
);

export const OpenAIErrorResponse = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String(),
      param: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: "OpenAI's error shape; code is the CALOS error code (also in X-CALOS-Error-Code)" },
);
