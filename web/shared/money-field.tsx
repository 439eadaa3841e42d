// An amount of money typed into a form, in dollars, and its cents for the API (formatMoney in
// components.tsx shows cents again).
import type { ComponentProps } from 'react';
import { TextField } from './components.tsx';

/** A dollar amount, whole cents, never negative; the label says the currency. */
export function MoneyField({ label, ...input }: ComponentProps<typeof TextField>) {
  return <TextField label={`${label} ($)`} type="number" min={0} step="0.01" {...input} />;
}

/** Dollars typed in a field → cents; '' is no amount. */
export const toCents = (dollars: string) =>
  dollars.trim() === '' ? null : Math.round(Number(dollars) * 100);

/** Cents → what a money field shows ("4.50"); no amount is ''. */
export const toDollars = (cents: number | null) => (cents === null ? '' : (cents / 100).toFixed(2));
