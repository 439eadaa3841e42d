// calos plans set: what it reads from its flags, and the usage errors it answers before it opens
// any database.
import { describe, expect, it } from 'vitest';
import { UsageError } from './output.ts';
import { parsePlanPatch } from './plans.ts';

describe('calos plans set', () => {
  it('reads counts, on/off and unlimited into a patch of only what was given', () => {
    expect(
      parsePlanPatch({
        'family-members': 'unlimited',
        'shared-calendars': 'on',
        'premium-models': 'off',
        'price-cents': '900',
        'ai-per-minute': '12',
      }),
    ).toEqual({
      familyMemberCap: null,
      sharedCalendars: true,
      premiumModels: false,
      priceCentsPerMonth: 900,
      aiPerMinute: 12,
    });
  });

  it('refuses bad values and an empty change with a usage error', () => {
    expect(() => parsePlanPatch({ 'ai-per-minute': 'ten' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'ai-per-day': '-5' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'shared-calendars': 'maybe' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'family-members': 'lots' })).toThrow(UsageError);
    expect(() => parsePlanPatch({})).toThrow(UsageError);
  });
});
