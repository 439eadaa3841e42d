// Labels typed in one field, separated by commas (tags, allergens, what to leave out).

/** "gluten, Milk ,," → ["gluten", "Milk"]. */
export const commaList = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
