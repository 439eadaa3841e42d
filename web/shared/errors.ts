// API errors ({"error": {code, message, details}}) in words a person understands.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: 'That username or password is not right. Check both and try again.',
  TOO_MANY_ATTEMPTS: 'Too many sign-in attempts. Wait a little and try again.',
  USERNAME_TAKEN: 'That username is taken. Pick another one.',
  EMAIL_TAKEN: 'An account with that email already exists. Sign in instead?',
  PASSWORD_TOO_WEAK: 'Choose a stronger password: at least 10 characters, not your username or email.',
  PASSWORD_INCORRECT: 'That password is not right.',
  SESSION_ENDED: 'You have been signed out. Sign in again to continue.',
  UNAUTHENTICATED: 'Please sign in to continue.',
  TOKEN_EXPIRED: 'Your sign-in has expired. Sign in again to continue.',
  TOKEN_INVALID: 'You have been signed out. Sign in again to continue.',
  REFRESH_TOKEN_EXPIRED: 'Your sign-in has expired. Sign in again to continue.',
  REFRESH_TOKEN_INVALID: 'You have been signed out. Sign in again to continue.',
  REFRESH_TOKEN_REUSED: 'For your safety this session was ended. Sign in again.',
  USER_CODE_NOT_FOUND:
    'No device is waiting with that code. Check the code on the device; codes expire after 10 minutes.',
  TOO_MANY_CODE_ATTEMPTS: 'Too many wrong codes. Wait a little and try again.',
  INVALID_TEXT: 'Some of what you entered has characters that cannot be saved. Remove them and try again.',
  DEVICE_NOT_FOUND: 'That device is no longer on your account.',
  API_KEY_LIMIT_REACHED: 'You already have 10 keys. Delete one before adding another.',
  API_KEY_NOT_FOUND: 'That key is already gone.',
  INSUFFICIENT_CREDITS: 'You do not have enough credits for that. Buy more in your account.',
  PAYMENT_PROVIDER_UNAVAILABLE: 'Payments are not available right now. Try again later.',
  AI_UNAVAILABLE: 'The AI cook is not available right now. Try again in a minute.',
  AI_ANSWER_INVALID: 'The AI came back with something we could not use. Try again.',
  RECIPES_UNAVAILABLE: 'HowToCookAtHome cannot be reached right now. Try again in a minute.',
  RATE_LIMITED: 'You are going a bit fast. Try again in a moment.',
  PLAN_REQUIRED: 'Your plan does not include this. Change plan in your CALOS account.',
  FAMILY_MEMBER_CAP_REACHED: 'This family is full on the free plan. The Family plan has no limit on members.',
  ALREADY_MEMBER: 'That person is already in this family.',
  LAST_ADMIN: 'A family needs at least one admin. Make someone else admin first.',
  USER_NOT_FOUND: 'No CALOS account has that username or email.',
  INVITATION_NOT_FOUND: 'That invitation does not exist (any more). Ask for a new one.',
  INVITATION_EXPIRED: 'That invitation has expired. Ask for a new one.',
  INVITATION_REVOKED: 'That invitation was withdrawn.',
  INVITATION_USED_UP: 'That invitation link has been used as often as it may. Ask for a new one.',
  INVITATION_ANSWERED: 'That invitation has already been answered.',
  INVITATION_ALREADY_OPEN: 'An invitation to that login is already open. Withdraw it first to send another.',
  INVITATION_LIMIT_REACHED: 'This family has 50 open invitations. Withdraw some first.',
  ASSIGNEE_NOT_MEMBER: 'You can only assign a todo to someone in this family.',
  ATTENDEE_NOT_MEMBER: 'Attendees must be members of this family.',
  RECIPE_SERVINGS_UNKNOWN: 'This recipe does not say how many it serves, so it cannot be scaled.',
  MEAL_DATE_OUT_OF_RANGE: 'That day is outside this meal plan.',
  WEB_CODE_INVALID: 'That sign-in link has expired or was already used. Please sign in again.',
  WEB_REDIRECT_NOT_ALLOWED: 'That app address is not one of the CALOS apps.',
  PAYLOAD_TOO_LARGE: 'That is too much at once. Make it shorter.',
  NETWORK: 'We cannot reach CALOS right now. Check your connection and try again.',
  INTERNAL: 'Something went wrong on our side. Try again in a moment.',
};

const FIELD_NAMES: Record<string, string> = {
  username: 'Username',
  email: 'Email',
  password: 'Password',
  new_password: 'New password',
  login: 'Username or email',
  api_key: 'API key',
  user_code: 'Code',
  image_url: 'Picture',
};

/** What a field's pattern asks for, where "has characters that are not allowed" would mislead. */
const PATTERN_NEEDS: Record<string, string> = {
  image_url: 'must be a web address starting with https://',
};

/** "body.username must NOT have fewer than 3 characters" → "Username must have at least 3 characters." */
function friendlyValidation(message: string): string {
  const match = /^(?:body|querystring|query|params)\.?([a-z_]+)?(?:\/[^ ]*)? (.*)$/.exec(message);
  if (!match) return 'Some of what you entered is not valid. Check the fields and try again.';
  const [, field, rest = ''] = match;
  const name = field ? (FIELD_NAMES[field] ?? field.replace(/_/g, ' ')) : 'This';
  const fewer = /must NOT have fewer than (\d+) characters/.exec(rest);
  if (fewer) return `${capital(name)} must have at least ${fewer[1]} characters.`;
  const more = /must NOT have more than (\d+) characters/.exec(rest);
  if (more) return `${capital(name)} can have at most ${more[1]} characters.`;
  if (/must match format "email"/.test(rest)) return 'Enter a valid email address.';
  if (/must match pattern/.test(rest) && field && PATTERN_NEEDS[field])
    return `${capital(name)} ${PATTERN_NEEDS[field]}.`;
  if (/must match pattern/.test(rest)) return `${capital(name)} has characters that are not allowed.`;
  if (/must have required property '([a-z_]+)'/.test(rest)) {
    const missing = /'([a-z_]+)'/.exec(rest)?.[1] ?? '';
    return `${capital(FIELD_NAMES[missing] ?? missing.replace(/_/g, ' '))} is required.`;
  }
  return `${capital(name)} is not valid.`;
}

const sentence = (message: string) => (message.endsWith('.') ? message : `${message}.`);

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A sentence for the person, never JSON. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfterSeconds) {
      const wait = error.retryAfterSeconds;
      const base = MESSAGES[error.code] ?? 'Too many requests.';
      return `${base.replace(/ Wait a little and try again\.| Try again in a moment\./, '')} Try again in ${wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`;
    }
    if (error.code === 'VALIDATION_FAILED') return friendlyValidation(error.message);
    if (MESSAGES[error.code]) return MESSAGES[error.code] as string;
    // The service says which role may not do what ("A parent cannot manage members or roles…").
    if (error.code === 'FAMILY_ROLE_FORBIDDEN') return `${error.message}. Ask an admin of the family.`;
    // Staff see the reason (which role covers what, the last admin): the console is for them.
    if (error.code.startsWith('STAFF_')) return sentence(error.message);
    if (error.status === 404) return 'We could not find that. It may have been deleted.';
    if (error.status === 403) return 'You are not allowed to do that.';
    if (error.status >= 500) return MESSAGES.INTERNAL as string;
    // Service messages are written for people; codes are not.
    return sentence(error.message);
  }
  return MESSAGES.NETWORK as string;
}
