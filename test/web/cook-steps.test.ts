// Cook mode's reading of a step: the times it gives as timers, and the ingredients it names
// (web/recipes/cook-steps.ts, pure; vitest runs tests under test/, not web/).
import { describe, expect, it } from 'vitest';
import {
  describeSeconds,
  findDurations,
  formatCountdown,
  ingredientsInStep,
} from '../../web/recipes/cook-steps.ts';

const times = (step: string) => findDurations(step).map((d) => [d.text, d.seconds, d.maxSeconds]);

describe('findDurations', () => {
  it('reads minutes, hours and seconds as written in steps', () => {
    expect(times('Bake 25 minutes until golden.')).toEqual([['25 minutes', 1500, 1500]]);
    expect(times('Simmer for 1 hour, stirring now and then')).toEqual([['1 hour', 3600, 3600]]);
    expect(times('Rest 30 sec')).toEqual([['30 sec', 30, 30]]);
    expect(times('Chill 2 hrs.')).toEqual([['2 hrs', 7200, 7200]]);
    expect(times('Roast 1h')).toEqual([['1h', 3600, 3600]]);
    expect(times('Cook a 5-minute egg')).toEqual([['5-minute', 300, 300]]);
  });

  it('counts a range from its shorter end and keeps the longer', () => {
    expect(times('Bake 10–12 min')).toEqual([['10–12 min', 600, 720]]);
    expect(times('Fry 3-4 minutes a side')).toEqual([['3-4 minutes', 180, 240]]);
    expect(times('Braise 2 to 3 hours')).toEqual([['2 to 3 hours', 7200, 10800]]);
  });

  it('reads fractions, words and compound times', () => {
    expect(times('Prove 1½ hours')).toEqual([['1½ hours', 5400, 5400]]);
    expect(times('Prove 1.5 hours')).toEqual([['1.5 hours', 5400, 5400]]);
    expect(times('Poach 1 1/2 hours')).toEqual([['1 1/2 hours', 5400, 5400]]);
    expect(times('Leave for half an hour')).toEqual([['half an hour', 1800, 1800]]);
    expect(times('Wait an hour, then ten minutes more')).toEqual([
      ['an hour', 3600, 3600],
      ['ten minutes', 600, 600],
    ]);
    expect(times('Roast 1 hour 30 minutes')).toEqual([['1 hour 30 minutes', 5400, 5400]]);
    expect(times('Roast 1 h and 15 min')).toEqual([['1 h and 15 min', 4500, 4500]]);
  });

  it('finds every time in a step, in order', () => {
    expect(times('Boil the pasta 9 minutes; meanwhile simmer the sauce for 5 min.')).toEqual([
      ['9 minutes', 540, 540],
      ['5 min', 300, 300],
    ]);
  });

  it('leaves out what is not a time to count down', () => {
    expect(times('Add 2 tbsp of oil and 3 hummus spoons')).toEqual([]);
    expect(times('Slice a banana; the hour is late')).toEqual([]);
    expect(times('Heat the oven to 200 C, minimum')).toEqual([]);
    expect(times('Ferment 100 hours')).toEqual([]);
    expect(times('Wait 0 minutes')).toEqual([]);
    expect(times('Season, taste, serve')).toEqual([]);
  });
});

describe('countdowns and names of times', () => {
  it('shows a clock and words', () => {
    expect(formatCountdown(1500)).toBe('25:00');
    expect(formatCountdown(7)).toBe('0:07');
    expect(formatCountdown(3900)).toBe('1:05:00');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(formatCountdown(59.2)).toBe('1:00');
    expect(describeSeconds(5400)).toBe('1 hour 30 minutes');
    expect(describeSeconds(60)).toBe('1 minute');
    expect(describeSeconds(45)).toBe('45 seconds');
  });
});

describe('ingredientsInStep', () => {
  const ingredients = [
    { name: 'red lentils' },
    { name: 'vegetable stock' },
    { name: 'garlic' },
    { name: 'tomatoes' },
    { name: 'baking powder' },
    { name: 'crème fraîche' },
    { name: 'egg' },
  ];
  const named = (step: string) => ingredientsInStep(step, ingredients).map((i) => i.name);

  it('finds ingredients by whole name or last word, singular or plural', () => {
    expect(named('Soften the garlic, then add the lentils and the stock')).toEqual([
      'red lentils',
      'vegetable stock',
      'garlic',
    ]);
    expect(named('Halve one tomato')).toEqual(['tomatoes']);
    expect(named('Beat the eggs')).toEqual(['egg']);
    expect(named('Stir in the Crème Fraîche')).toEqual(['crème fraîche']);
    expect(named('Sift in the baking powder')).toEqual(['baking powder']);
  });

  it('does not match inside other words or on too general a word', () => {
    expect(named('Whisk the cocoa powder')).toEqual([]);
    expect(named('Eggplant goes in last')).toEqual([]);
    expect(named('Serve')).toEqual([]);
  });
});
