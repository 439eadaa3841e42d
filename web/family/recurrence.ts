// How often something repeats and when to be reminded, as the pages offer them: a few presets
// and a custom RFC 5545 rule (the server checks it and says what is wrong).
export const REPEATS = [
  ['', 'Does not repeat'],
  ['FREQ=DAILY', 'Every day'],
  ['FREQ=WEEKLY', 'Every week'],
  ['FREQ=WEEKLY;INTERVAL=2', 'Every two weeks'],
  ['FREQ=MONTHLY', 'Every month'],
  ['FREQ=YEARLY', 'Every year'],
  ['custom', 'Custom rule'],
] as const;

export const REMINDERS = [
  ['', 'No reminder'],
  ['10', '10 minutes before'],
  ['60', '1 hour before'],
  ['1440', '1 day before'],
  ['10080', '1 week before'],
] as const;

/** The preset a rule is (for a select), or 'custom'. */
export const presetOf = (rule: string | null) =>
  rule === null ? '' : REPEATS.some(([value]) => value === rule) ? rule : 'custom';

/** The rule a form's choice means: a preset, the custom text, or null for "does not repeat". */
export const ruleOf = (repeat: string, custom: string): string | null =>
  repeat === '' ? null : repeat === 'custom' ? custom.trim() : repeat;

/** "Every week", or the rule itself when it is not a preset. */
export function describeRule(rule: string | null): string | null {
  if (!rule) return null;
  const preset = REPEATS.find(([value]) => value === rule);
  return preset ? preset[1] : `Repeats: ${rule}`;
}

export const remindersOf = (minutes: string) => (minutes ? [{ minutes_before: Number(minutes) }] : []);
