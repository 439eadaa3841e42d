// The pieces of a schema.org Recipe that sites write in many ways: durations, yields, steps.
import { describe, expect, it } from 'vitest';
import { freeTextMinutes } from './archive-import.ts';
import { durationMinutes, readRecipePage, servingsOf, stepsOf } from './recipe-page.ts';

describe('reading schema.org recipe fields', () => {
  it('reads ISO 8601 durations in minutes, and nothing else as one', () => {
    expect(durationMinutes('PT1H30M')).toBe(90);
    expect(durationMinutes('P0DT0H20M')).toBe(20);
    expect(durationMinutes('PT45S')).toBe(1);
    expect(durationMinutes('P1D')).toBe(1440);
    expect(durationMinutes('pt10m')).toBe(10);
    expect(durationMinutes('25')).toBe(25);
    expect(durationMinutes('about an hour')).toBeNull();
    expect(durationMinutes(undefined)).toBeNull();
  });

  it('reads the servings out of the ways recipeYield is written', () => {
    expect(servingsOf(4)).toBe(4);
    expect(servingsOf('6 servings')).toBe(6);
    expect(servingsOf(['8', '8 slices'])).toBe(8);
    expect(servingsOf('Serves 4-6')).toBe(4);
    expect(servingsOf('a crowd')).toBeNull();
    expect(servingsOf(null)).toBeNull();
  });

  it('flattens steps: text, HowToStep, HowToSection, numbered lines in HTML', () => {
    expect(
      stepsOf([
        {
          '@type': 'HowToSection',
          name: 'Dough',
          itemListElement: [
            { '@type': 'HowToStep', text: 'Mix.' },
            { '@type': 'HowToStep', text: 'Knead.' },
          ],
        },
        { '@type': 'HowToStep', text: 'Bake &amp; cool.' },
      ]),
    ).toEqual(['Dough: Mix.', 'Knead.', 'Bake & cool.']);
    expect(stepsOf('<p>1. Boil.</p><p>2) Drain.</p>Step 3: Serve.')).toEqual(['Boil.', 'Drain.', 'Serve.']);
  });

  it('reads times that other apps write as words', () => {
    expect(freeTextMinutes('1 hour 30 minutes')).toBe(90);
    expect(freeTextMinutes('45 min')).toBe(45);
    expect(freeTextMinutes('PT2H')).toBe(120);
    expect(freeTextMinutes(15)).toBe(15);
    expect(freeTextMinutes('overnight')).toBeNull();
  });

  it('leaves a page without a Recipe to the AI, with its visible text only', () => {
    const reading = readRecipePage(
      '<html><head><title>Notes</title><script>var x = 1;</script></head><body><main><p>Soup  of the day</p></main></body></html>',
      null,
    );
    expect(reading).toEqual({ recipe: null, method: null, text: 'Notes\nSoup of the day' });
  });
});
