// Error codes of the identity service; clients switch on `code`.
import { CryptoErrors } from '../platform/crypto/errors.ts';
import { AppError, PlatformErrors } from '../platform/errors.ts';

export const IdentityErrors = {
  usernameTaken: () => new AppError(409, 'USERNAME_TAKEN', 'That username is taken'),
  emailTaken: () => new AppError(409, 'EMAIL_TAKEN', 'An account with that email already exists'),
  weakPassword: (reason: string) => new AppError(400, 'PASSWORD_TOO_WEAK', reason),
  invalidCredentials: () => new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username, email or password'),
  tooManyAttempts: (retryAfterSeconds: number) =>
    new AppError(429, 'TOO_MANY_ATTEMPTS', `Too many failed sign-ins; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
  refreshTokenInvalid: () => new AppError(401, 'REFRESH_TOKEN_INVALID', 'The refresh token is not valid'),
  refreshTokenExpired: () =>
    new AppError(401, 'REFRESH_TOKEN_EXPIRED', 'The refresh token has expired; sign in again'),
  refreshTokenReused: () =>
    new AppError(
      401,
      'REFRESH_TOKEN_REUSED',
      'This refresh token was already used; the session has been ended to protect the account. Sign in again.',
    ),
  /** One definition for every service (a token's session that ended reads the same everywhere). */
  sessionEnded: PlatformErrors.sessionEnded,
  userNotFound: (message = 'No such user') => new AppError(404, 'USER_NOT_FOUND', message),
  deviceNotFound: () => new AppError(404, 'DEVICE_NOT_FOUND', 'No such device'),
  userCodeNotFound: () => new AppError(404, 'USER_CODE_NOT_FOUND', 'That code is unknown or has expired'),
  passwordRequired: () => new AppError(401, 'PASSWORD_INCORRECT', 'The password is not correct'),
  /** "Download my data" and its import (one at a time per account). */
  accountDataBusy: (what: 'export' | 'import') =>
    new AppError(
      429,
      'ACCOUNT_DATA_BUSY',
      `An ${what} of this account's data is already running; try again when it has finished`,
      { retryAfterSeconds: 10 },
    ),
  exportTicketInvalid: () =>
    new AppError(
      404,
      'ACCOUNT_EXPORT_TICKET_INVALID',
      'This download link is used up or expired (it works once, for a minute): ask for your data again',
    ),
  accountDataUnavailable: () =>
    new AppError(503, 'ACCOUNT_DATA_UNAVAILABLE', 'Exporting and importing account data is not served here'),
  accountArchiveInvalid: (reason: string) =>
    new AppError(400, 'ACCOUNT_ARCHIVE_INVALID', `This is not a CALOS data archive: ${reason}`, { reason }),
  accountArchiveUnsupported: (version: unknown) =>
    new AppError(
      422,
      'ACCOUNT_ARCHIVE_UNSUPPORTED',
      'This archive is of a format version this CALOS does not read',
      {
        version,
      },
    ),
  accountArchiveTooLarge: (limits: Record<string, number>, reason: string) =>
    new AppError(413, 'ACCOUNT_ARCHIVE_TOO_LARGE', `The archive is too large: ${reason}`, { limits, reason }),
  keyNotFound: () => new AppError(404, 'API_KEY_NOT_FOUND', 'No such API key'),
  ledgerEntryNotFound: () => new AppError(404, 'LEDGER_ENTRY_NOT_FOUND', 'No such ledger entry'),
  insufficientCredits: (balance: number, needed: number) =>
    new AppError(402, 'INSUFFICIENT_CREDITS', `This needs ${needed} credits; the balance is ${balance}`, {
      balance,
      needed,
    }),
  reservationNotFound: () => new AppError(404, 'RESERVATION_NOT_FOUND', 'No such credit reservation'),
  idempotencyConflict: () =>
    new AppError(
      409,
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was already used for a different request',
    ),
  invalidCursor: PlatformErrors.invalidCursor,
  keyLimitReached: (limit: number) =>
    new AppError(
      409,
      'API_KEY_LIMIT_REACHED',
      `An account can keep at most ${limit} API keys; delete one before adding another`,
      { limit },
    ),
  masterKeyRotationRefused: (secret: string, cause: AppError) =>
    new AppError(
      409,
      'MASTER_KEY_ROTATION_REFUSED',
      `Nothing was changed: the current master key cannot open ${secret} (${cause.code}: ${cause.message})`,
      { secret, cause: cause.code },
    ),
  masterKeyUnchanged: () =>
    new AppError(400, 'MASTER_KEY_UNCHANGED', 'The new master key is the current one; nothing to rotate'),
  reservationClosed: (status: string) =>
    new AppError(409, 'RESERVATION_CLOSED', `This credit reservation is already ${status}`, { status }),
  idempotencyKeyRequired: () =>
    new AppError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      'Send an Idempotency-Key header (1 to 200 visible characters)',
    ),
  paymentsNotConfigured: () =>
    new AppError(
      503,
      'PAYMENTS_NOT_CONFIGURED',
      'Payments are not set up on this server (the operator sets CALOS_PAYMENTS_WEBHOOK_SECRET)',
    ),
  paymentProviderUnavailable: (provider: string, available: readonly string[]) =>
    new AppError(
      400,
      'PAYMENT_PROVIDER_UNAVAILABLE',
      `The ${provider} payment provider is not available here (available: ${available.join(', ')})`,
      { provider, available },
    ),
  paymentsWebhookNotConfigured: () =>
    new AppError(
      503,
      'PAYMENTS_WEBHOOK_NOT_CONFIGURED',
      'Payment webhooks are not configured (CALOS_PAYMENTS_WEBHOOK_SECRET is unset)',
    ),
  webhookSignatureInvalid: (reason: string) =>
    new AppError(400, 'WEBHOOK_SIGNATURE_INVALID', `The webhook signature is not valid: ${reason}`),
  webhookEventInvalid: (reason: string) =>
    new AppError(400, 'WEBHOOK_EVENT_INVALID', `The webhook event cannot be applied: ${reason}`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(
      429,
      'TOO_MANY_REQUESTS',
      `Too many requests from here; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    ),
  resetTokenInvalid: () =>
    new AppError(
      400,
      'RESET_TOKEN_INVALID',
      'This password reset link is unknown, expired or already used; ask for a new one',
    ),
  verifyTokenInvalid: () =>
    new AppError(
      400,
      'VERIFY_TOKEN_INVALID',
      'This confirmation link is unknown, expired or already used; ask for a new one',
    ),
  emailAlreadyVerified: () =>
    new AppError(409, 'EMAIL_ALREADY_VERIFIED', 'This address is already confirmed'),
  emailUnchanged: () => new AppError(400, 'EMAIL_UNCHANGED', 'That is already the address of this account'),
  mfaChallengeInvalid: () =>
    new AppError(
      401,
      'MFA_CHALLENGE_INVALID',
      'This sign-in step is unknown, expired or already finished; sign in again',
    ),
  mfaCodeInvalid: () =>
    new AppError(401, 'MFA_CODE_INVALID', 'That code is not right, or it was already used'),
  twoFactorAlreadyEnabled: () =>
    new AppError(
      409,
      'TWO_FACTOR_ALREADY_ENABLED',
      'Two-step verification is already on; turn it off first to set up another app',
    ),
  twoFactorNotEnabled: () =>
    new AppError(409, 'TWO_FACTOR_NOT_ENABLED', 'Two-step verification is not on for this account'),
  totpSetupNotStarted: () =>
    new AppError(
      409,
      'TOTP_SETUP_NOT_STARTED',
      'There is no authenticator app waiting to be confirmed; start the set-up again',
    ),
  totpCodeInvalid: () =>
    new AppError(
      400,
      'TOTP_CODE_INVALID',
      'That code is not right: check the time on your phone and type the code the app shows now',
    ),
  passkeyNotFound: () => new AppError(404, 'PASSKEY_NOT_FOUND', 'No such passkey'),
  passkeyLimitReached: (limit: number) =>
    new AppError(
      409,
      'PASSKEY_LIMIT_REACHED',
      `An account can keep at most ${limit} passkeys; remove one before adding another`,
      { limit },
    ),
  passkeyChallengeInvalid: () =>
    new AppError(
      400,
      'PASSKEY_CHALLENGE_INVALID',
      'This passkey request is unknown, expired or already used; try again',
    ),
  passkeyRefused: (reason: string) =>
    new AppError(401, 'PASSKEY_REFUSED', `The passkey could not be verified: ${reason}`),
  passkeyAlreadyRegistered: () =>
    new AppError(409, 'PASSKEY_ALREADY_REGISTERED', 'This passkey is already registered'),
  passkeyNotRecognised: () =>
    new AppError(
      401,
      'PASSKEY_NOT_RECOGNISED',
      'This passkey does not belong to any CALOS account (it may have been removed)',
    ),
  mailCategoryNotOptional: (categories: string[]) =>
    new AppError(
      400,
      'MAIL_CATEGORY_NOT_OPTIONAL',
      `These mails cannot be turned off or do not exist: ${categories.join(', ')}`,
      { categories },
    ),
  unsubscribeTokenInvalid: () =>
    new AppError(400, 'UNSUBSCRIBE_TOKEN_INVALID', 'This unsubscribe link is not valid'),
  devMailNotFound: () => new AppError(404, 'DEV_MAIL_NOT_FOUND', 'No such mail in the development mailbox'),
  devMailRefused: () =>
    new AppError(
      403,
      'DEV_MAIL_REFUSED',
      'The development mailbox is not available in production (mails go through CALOS_SMTP_URL)',
    ),
  masterKeyInvalid: () => new AppError(400, 'MASTER_KEY_INVALID', 'A master key is 32 bytes'),
  /** What a rotation reports when opening a secret failed with something other than an AppError. */
  secretUnreadable: CryptoErrors.envelopeUnreadable,
  tooManyCodeAttempts: (retryAfterSeconds: number) =>
    new AppError(
      429,
      'TOO_MANY_CODE_ATTEMPTS',
      `Too many wrong device codes; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    ),
  tooManyPairings: (retryAfterSeconds: number) =>
    new AppError(429, 'TOO_MANY_PAIRINGS', 'Too many pairing requests from this address', {
      retryAfterSeconds,
    }),
  oidcInteractionNotFound: () =>
    new AppError(
      404,
      'OIDC_INTERACTION_NOT_FOUND',
      'This sign-in request is unknown or has expired; go back to the app and start again',
    ),
  oidcGrantNotFound: () => new AppError(404, 'OIDC_GRANT_NOT_FOUND', 'No such app access'),
  oidcClientNotFound: () => new AppError(404, 'OIDC_CLIENT_NOT_FOUND', 'No such registered app'),
  oidcClientInvalid: (reason: string) => new AppError(400, 'OIDC_CLIENT_INVALID', reason),
  oidcClientFirstParty: (clientId: string) =>
    new AppError(
      409,
      'OIDC_CLIENT_FIRST_PARTY',
      `${clientId} is one of CALOS's own apps: identity registers it at start from CALOS_ISSUER, CALOS_HOSTS and CALOS_ACCOUNT_URL`,
    ),
  planNotFound: (code: string) =>
    new AppError(404, 'PLAN_NOT_FOUND', `No plan "${code}"`, { plan_code: code }),
  planChangeInvalid: (reason: string) => new AppError(400, 'PLAN_CHANGE_INVALID', reason),
  staffInputInvalid: (reason: string) => new AppError(400, 'STAFF_INPUT_INVALID', reason),
  aiUsageBatchTooLarge: (count: number, limit: number) =>
    new AppError(400, 'AI_USAGE_BATCH_TOO_LARGE', `At most ${limit} usage rows at once (got ${count})`, {
      count,
      limit,
    }),
  lastAdminOfAll: () =>
    new AppError(
      409,
      'LAST_ADMIN_OF_ALL',
      'This is the last admin of every domain: grant the role to someone else first (or use calos staff at the machine)',
    ),
  staffGrantNotFound: () => new AppError(404, 'STAFF_GRANT_NOT_FOUND', 'That person has no such staff role'),
  accountDisabled: () =>
    new AppError(403, 'ACCOUNT_DISABLED', 'This account has been disabled; contact CALOS support'),
  transferToSelf: () =>
    new AppError(400, 'TRANSFER_TO_SELF', 'Credits cannot be transferred to the same account'),
  transferNotFound: () => new AppError(404, 'TRANSFER_NOT_FOUND', 'No such credit transfer'),
  transferAlreadyRefunded: () =>
    new AppError(409, 'TRANSFER_ALREADY_REFUNDED', 'This transfer was already refunded'),
  transferRefundRefused: (balance: number, needed: number) =>
    new AppError(
      409,
      'TRANSFER_REFUND_REFUSED',
      `The seller's balance (${balance}) no longer holds the ${needed} credits the refund takes back; nothing was changed`,
      { balance, needed },
    ),
  creditAdjustmentRefused: (balance: number, amount: number) =>
    new AppError(
      409,
      'CREDIT_ADJUSTMENT_REFUSED',
      `Taking back ${amount} credits would leave a negative balance (the balance is ${balance})`,
      { balance, amount },
    ),
};

/** The web apps' sign-in through the console (service/web-session.ts). */
export const WebSessionErrors = {
  redirectNotAllowed: () =>
    new AppError(400, 'WEB_REDIRECT_NOT_ALLOWED', 'The redirect URI is not the address of that CALOS app'),
  // Unknown, spent, expired or mismatched all look the same to the caller.
  codeInvalid: () =>
    new AppError(
      400,
      'WEB_CODE_INVALID',
      'The sign-in code is unknown, expired, already used or does not match',
    ),
};
