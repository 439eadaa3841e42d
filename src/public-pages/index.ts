// Public pages of the apps (pages worth sharing): what a service needs to serve its own.
export { type CardCache, createCardCache } from './card.ts';
export {
  type PublicAuthor,
  type PublicItem,
  type PublicKind,
  type PublicPagesOptions,
  type PublicUsers,
  type RecipeFacts,
  registerPublicPages,
} from './routes.ts';
export { capitalised, dollars, ingredientLine, minutesText, titleCased } from './text.ts';
