// What `calos seed hollowtown` asks for: a theme crossed with a kind of dish, so that a hundred
// prompts differ and the model does not keep inventing the same recipe under the same name.

export const SEED_THEMES: readonly string[] = [
  'a haunted pumpkin patch',
  "a witch's bubbling cauldron",
  'a graveyard at midnight',
  "a vampire's dinner party",
  "a mummy's tomb",
  'a werewolf under the full moon',
  'a zombie outbreak picnic',
  'a spider-web covered attic',
  'a ghost ship lost at sea',
  "a mad scientist's laboratory",
  'a cursed candy shop',
  'a haunted Victorian mansion',
  'bats flying out of a bell tower',
  'a skeleton dance party',
  "a black cat's birthday",
  'a foggy swamp with will-o-wisps',
  'the Day of the Dead (Día de Muertos)',
  "a Frankenstein's monster picnic",
  'a haunted carnival',
  'a poisoned apple orchard',
  'a creepy forest of twisted trees',
  'eyeballs and other gross-out party food',
  'a goblin market',
  'a haunted bakery',
  'a pirate ghost treasure hunt',
  'a spooky sleepover for kids',
  'a blood-red harvest moon',
  'a sinister scarecrow in a cornfield',
  'an alchemist turning food into gold',
  'a cozy Halloween movie night',
  "a banshee's wail over the moors",
  'a haunted lighthouse',
  'a trick-or-treat street party',
  'a wizard duel feast',
  'an enchanted graveyard garden',
  'a ghostly tea party',
  'monster mash-ups for a school party',
  'a dragon egg hatching',
  'an abandoned asylum',
  'a glowing jack-o-lantern contest',
];

export const SEED_DISHES: readonly string[] = [
  'a dessert',
  'a main course',
  'an appetizer',
  'a drink',
  'a snack for little hands',
  'a soup',
  'a bread or savoury bake',
  'a salad or side dish',
  'a breakfast',
  'a party platter to share',
];

/**
 * The `index`-th prompt theme: every theme once with the first dish, then with the next dish,
 * and so on, started at a random offset so that runs differ.
 */
export function seedTheme(themes: readonly string[], index: number, offset = 0): string {
  const i = index + offset;
  const theme = themes[i % themes.length] ?? 'Halloween';
  const dish = SEED_DISHES[Math.floor(i / themes.length) % SEED_DISHES.length];
  return `${theme}: ${dish}`;
}
