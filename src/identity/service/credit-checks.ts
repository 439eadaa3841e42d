// The checks every credit operation makes of its input (amounts, keys, reasons), shared by the
// credits service and transfers.
import { PlatformErrors } from '../../platform/errors.ts';

export const MAX_CREDIT_AMOUNT = 1_000_000_000;
export const MAX_KEY_LENGTH = 200;
export const MAX_REASON_LENGTH = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkAmount(field: string, value: unknown, minimum: 0 | 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > MAX_CREDIT_AMOUNT) {
    throw PlatformErrors.validation(
      `${field} must be a whole number from ${minimum} to ${MAX_CREDIT_AMOUNT}`,
      [{ field, message: `must be a whole number from ${minimum} to ${MAX_CREDIT_AMOUNT}` }],
    );
  }
  return value;
}

export function checkText(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > maxLength || CONTROL.test(value)) {
    throw PlatformErrors.validation(
      `${field} must be 1 to ${maxLength} characters without control characters`,
      [{ field, message: `must be 1 to ${maxLength} characters without control characters` }],
    );
  }
  return value;
}
