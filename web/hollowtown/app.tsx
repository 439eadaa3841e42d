// What Hollowtown is: its landing page, navigation and views.
import type { AppDefinition } from '../shared/app-shell.tsx';
import { HOLLOWTOWN_VIEWS } from './views.tsx';

export const HOLLOWTOWN: AppDefinition = {
  app: 'hollowtown',
  brand: { name: 'Hollowtown', mark: '☾' },
  nav: [
    { view: 'recipes', label: 'Recipes' },
    { view: 'events', label: 'Events' },
    { view: 'costumes', label: 'Costumes' },
    { view: 'haunted-house', label: 'Haunted house' },
    { view: 'market', label: 'Marketplace' },
  ],
  landing: {
    title: 'Halloween, planned to the last cobweb',
    lead: 'Spooky recipes (or let the AI conjure one), parties on a budget, a costume gallery the neighbourhood votes on, and a haunted house planned room by room.',
    open: 'Open Hollowtown',
    features: [
      {
        title: 'Spooky recipes',
        text: 'Browse by spookiness and difficulty, write your own, or generate one with AI in seconds.',
      },
      {
        title: 'Events on a budget',
        text: 'Guests, a date, a shopping list with costs, and how much of the budget is left.',
      },
      {
        title: 'Costume gallery',
        text: 'Share costume ideas with materials and cost; upvote the ones you love.',
      },
      {
        title: 'Haunted-house planner',
        text: 'Plan each room: scare level, props to find and how to set it up.',
      },
      {
        title: 'Marketplace',
        text: 'Sell your haunted-house plans and costume patterns for credits, or buy the neighbours’.',
      },
    ],
  },
  views: HOLLOWTOWN_VIEWS,
};
