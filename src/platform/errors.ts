// The one error type every service throws: a stable machine-readable code, an HTTP status
// and a human message. The HTTP kit turns it into {"error": {code, message, details}}.

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Platform-wide codes; each service keeps its own in its `errors.ts`. */
export const PlatformErrors = {
  notFound: (message = 'Not found') => new AppError(404, 'NOT_FOUND', message),
  routeNotFound: (method: string, url: string) =>
    new AppError(404, 'ROUTE_NOT_FOUND', `No route for ${method} ${url}`),
  validation: (message: string, details?: unknown) =>
    new AppError(400, 'VALIDATION_FAILED', message, details),
  malformedBody: (message: string) => new AppError(400, 'MALFORMED_BODY', message),
  payloadTooLarge: (limit: number) =>
    new AppError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`),
  unsupportedMediaType: (type: string) =>
    new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type ${type} is not supported`),
  invalidUrl: () =>
    new AppError(400, 'INVALID_URL', 'The URL is not valid: a percent-encoding in its path does not decode'),
  parameterTooLong: (limit: number) =>
    new AppError(414, 'URI_TOO_LONG', `A part of the URL path is longer than ${limit} characters`, { limit }),
  headersTooLarge: () =>
    new AppError(
      431,
      'HEADERS_TOO_LARGE',
      'The request line and headers are too large (URL or headers too long)',
    ),
  requestTimeout: () => new AppError(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive'),
  malformedRequest: () => new AppError(400, 'MALFORMED_REQUEST', 'The request is not valid HTTP'),
  shuttingDown: () =>
    new AppError(503, 'SHUTTING_DOWN', 'This server is shutting down; try again (another one will answer)', {
      retryAfterSeconds: 1,
    }),
  /** An app's token (OpenID Connect) on a route that names none of the scopes the person gave it. */
  insufficientScope: (required: readonly string[]) =>
    new AppError(
      403,
      'INSUFFICIENT_SCOPE',
      required.length
        ? `This app's access does not include ${required.join(' or ')}`
        : 'Apps signed in with CALOS cannot use this endpoint',
      { required },
    ),
  /**
   * What a plan does not include (402): names the entitlement and the plans that unlock it, and
   * where the account console changes plan.
   */
  planRequired: (entitlement: string, plans: readonly string[], upgradeUrl: string) =>
    new AppError(
      402,
      'PLAN_REQUIRED',
      plans.length
        ? `This needs the ${plans.join(' or ')} plan; change plan at ${upgradeUrl}`
        : 'No plan on sale includes this',
      { entitlement, plans, upgrade_url: upgradeUrl },
    ),
  /** A staff route for someone without a staff role that covers it. */
  staffRoleRequired: (domain: string, roles: readonly string[]) =>
    new AppError(
      403,
      'STAFF_ROLE_REQUIRED',
      `This needs the staff role ${roles.join(' or ')} for ${domain}`,
      { domain, roles },
    ),
  unauthenticated: (message = 'Authentication required') => new AppError(401, 'UNAUTHENTICATED', message),
  notReady: (details: unknown) => new AppError(503, 'NOT_READY', 'Not ready', details),
  internal: (requestId: string) =>
    new AppError(500, 'INTERNAL', `Something went wrong on our side (request ${requestId})`, { requestId }),
  /** Fastify's own refusals, with Fastify's message when it gives one. */
  bodyTooLarge: (message: string) => new AppError(413, 'PAYLOAD_TOO_LARGE', message),
  mediaTypeRefused: (message: string) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', message),
  badRequest: (status: number, message: string) => new AppError(status, 'BAD_REQUEST', message),
  invalidText: (field: string, message: string) =>
    new AppError(400, 'INVALID_TEXT', `${field} ${message}`, [{ field, message }]),
  invalidCursor: () => new AppError(400, 'INVALID_CURSOR', 'The cursor is not valid; start again without it'),
  foreignCursor: () =>
    new AppError(
      400,
      'INVALID_CURSOR',
      'This cursor belongs to another list, sort order or filter; start again without it',
    ),
  // The access guard (src/platform/auth/guard.ts).
  sessionEnded: () => new AppError(401, 'SESSION_ENDED', 'This session has ended; sign in again'),
  tokenInvalid: (message: string) => new AppError(401, 'TOKEN_INVALID', message),
  tokenExpired: () => new AppError(401, 'TOKEN_EXPIRED', 'The access token has expired; refresh it'),
  // Calls between services (src/platform/rpc.ts).
  serviceTokenInvalid: () =>
    new AppError(401, 'SERVICE_TOKEN_INVALID', 'This endpoint is for CALOS services only'),
  serviceUnavailable: (service: string, reason: string) =>
    new AppError(503, 'SERVICE_UNAVAILABLE', `${service} is not reachable: ${reason}`, {
      service,
    }),
  /** Another service's error, as it answered it: its status, code, message and details unchanged. */
  relayed: (status: number, code: string, message: string, details?: unknown) =>
    new AppError(status, code, message, details),
  databaseUnreachable: (database: string, reason: string) =>
    new AppError(503, 'DATABASE_UNREACHABLE', `Cannot reach PostgreSQL for ${database}: ${reason}`),
};

/** Errors for the operator (CLI, start-up): not HTTP, but still typed with a code. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Refusals of a fetch on a user's behalf (src/platform/safe-fetch.ts). The address is the
 * caller's input, so a page that cannot be fetched is 422, not a 5xx of ours; a page too slow
 * to arrive is 504 (trying again may help).
 */
export const SafeFetchErrors = {
  urlInvalid: (reason: string) =>
    new AppError(400, 'IMPORT_URL_INVALID', `The address cannot be fetched: ${reason}`),
  addressRefused: (host: string) =>
    new AppError(
      400,
      'IMPORT_ADDRESS_REFUSED',
      `${host} is a private, local or reserved address; only public web pages can be imported`,
      { host },
    ),
  tooLarge: (maxBytes: number) =>
    new AppError(422, 'IMPORT_PAGE_TOO_LARGE', `The page is larger than ${maxBytes} bytes`, { maxBytes }),
  timeout: (timeoutMs: number) =>
    new AppError(504, 'IMPORT_TIMEOUT', `The page did not arrive within ${timeoutMs / 1000} s`, {
      timeoutMs,
    }),
  tooManyRedirects: (maxRedirects: number) =>
    new AppError(422, 'IMPORT_TOO_MANY_REDIRECTS', `The page redirects more than ${maxRedirects} times`, {
      maxRedirects,
    }),
  unsupportedContent: (contentType: string) =>
    new AppError(
      422,
      'IMPORT_UNSUPPORTED_CONTENT',
      `The address answers with ${contentType || 'no content type'}, not a web page`,
      { contentType },
    ),
  upstreamFailed: (detail: string, status?: number) =>
    new AppError(422, 'IMPORT_FETCH_FAILED', `The page could not be fetched: ${detail}`, { status }),
};
