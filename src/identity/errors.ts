// Error codes of the identity service; clients switch on `code`.
import { AppError } from '../platform/errors.ts';

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
  sessionEnded: () => new AppError(401, 'SESSION_ENDED', 'This session has ended; sign in again'),
  userNotFound: () => new AppError(404, 'USER_NOT_FOUND', 'No such user'),
  deviceNotFound: () => new AppError(404, 'DEVICE_NOT_FOUND', 'No such device'),
  userCodeNotFound: () => new AppError(404, 'USER_CODE_NOT_FOUND', 'That code is unknown or has expired'),
  passwordRequired: () => new AppError(401, 'PASSWORD_INCORRECT', 'The password is not correct'),
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
  invalidCursor: () => new AppError(400, 'INVALID_CURSOR', 'The cursor is not valid; start again without it'),
};
