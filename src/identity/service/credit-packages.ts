// What credits cost: the packages the console offers, and the bounds of any other amount.

/** Credit packages; any other amount costs one cent a credit. */
export const CREDIT_PACKAGES = {
  starter: { credits: 500, priceCents: 500 },
  standard: { credits: 2000, priceCents: 1800 },
  bulk: { credits: 10000, priceCents: 8000 },
} as const;
export type CreditPackage = keyof typeof CREDIT_PACKAGES;
export const CREDIT_PACKAGE_NAMES = Object.keys(CREDIT_PACKAGES) as CreditPackage[];
export const PURCHASE_LIMITS = { min: 100, max: 100_000 } as const;
