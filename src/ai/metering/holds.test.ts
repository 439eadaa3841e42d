import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../../platform/ai-config.ts';
import { holdFor, promptTokenCeiling } from './holds.ts';
import { creditsFor } from './prices.ts';

const price = (overrides: Partial<ModelPrice> = {}): ModelPrice => ({
  prompt: 1000,
  completion: 2000,
  cachedPrompt: 1000,
  maxOutputTokens: 100,
  ...overrides,
});

describe('credit holds', () => {
  it('counts the prompt as UTF-8 bytes plus the template markers of each message and each image', () => {
    const plain = promptTokenCeiling({ texts: ['hello'] });
    expect(promptTokenCeiling({ texts: ['hello', 'there'] })).toBe(plain + 5 + 16);
    // Four bytes for a pumpkin: a tokenizer that falls back to bytes makes four tokens of it.
    expect(promptTokenCeiling({ texts: ['🎃'] })).toBe(plain - 5 + 4);
    expect(promptTokenCeiling({ texts: ['hello'], images: 2 })).toBe(plain + 2 * 8192);
  });

  it('holds the asked output limit up to the model ceiling, the ceiling when none is asked, nothing for embeddings', () => {
    expect(holdFor(price(), 10, 20)).toEqual({ credits: 10 + 40, maxOutputTokens: 20 });
    expect(holdFor(price(), 10, 5000)).toEqual({ credits: 10 + 200, maxOutputTokens: 100 });
    expect(holdFor(price(), 10, undefined)).toEqual({ credits: 10 + 200, maxOutputTokens: 100 });
    expect(holdFor(price(), 10, 0)).toEqual({ credits: 10, maxOutputTokens: 0 });
    // The dearer prompt price: a cached rate above the plain one is what may be charged.
    expect(holdFor(price({ cachedPrompt: 3000 }), 10, 0).credits).toBe(30);
    expect(holdFor(price({ prompt: 0, completion: 0, cachedPrompt: 0 }), 10, 20).credits).toBe(0);
  });

  it('covers every usage within its bounds: what settles is never more than what was held', () => {
    const prices = fc.record({
      prompt: fc.double({ min: 0, max: 50_000, noNaN: true }),
      completion: fc.double({ min: 0, max: 50_000, noNaN: true }),
      cachedPrompt: fc.double({ min: 0, max: 50_000, noNaN: true }),
      maxOutputTokens: fc.integer({ min: 1, max: 100_000 }),
    });
    fc.assert(
      fc.property(
        prices,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (modelPrice, promptTokens, asked, usedPrompt, cachedShare, usedOutput) => {
          const hold = holdFor(modelPrice, promptTokens, asked);
          const prompt = Math.floor(promptTokens * usedPrompt);
          const usage = {
            promptTokens: prompt,
            cachedPromptTokens: Math.floor(prompt * cachedShare),
            completionTokens: Math.floor(hold.maxOutputTokens * usedOutput),
          };
          expect(creditsFor(modelPrice, usage)).toBeLessThanOrEqual(hold.credits);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
