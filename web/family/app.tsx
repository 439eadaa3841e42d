// What Family Planner is: its landing page, navigation and views.
import type { AppDefinition } from '../shared/app-shell.tsx';
import { FAMILY_VIEWS } from './views.tsx';

export const FAMILY: AppDefinition = {
  app: 'family',
  brand: { name: 'Family Planner', mark: '⌂' },
  nav: [
    { view: 'families', label: 'Family' },
    { view: 'todos', label: 'Todos' },
    { view: 'chores', label: 'Chores' },
    { view: 'calendar', label: 'Calendar' },
    { view: 'shopping', label: 'Shopping' },
    { view: 'chat', label: 'Chat' },
    { view: 'notifications', label: 'Notifications' },
  ],
  landing: {
    title: 'The whole family, on the same page',
    lead: 'Everyone in one place with their own role, todo lists with who does what, a shared calendar you can subscribe to, and a shopping list that updates on every phone as items are ticked.',
    open: 'Open your family',
    features: [
      {
        title: 'Members and roles',
        text: 'Parents plan, children help: invite each person with the role that fits, and they say yes.',
      },
      { title: 'Todo lists', text: 'Chores and shared lists, assigned to someone, ticked off when done.' },
      {
        title: 'Chores in turns',
        text: 'Chores come back every day or week and go round the family in turns, with points for each one done.',
      },
      {
        title: 'Calendar',
        text: 'Appointments, repeating events and yearly birthdays in a month or week view, with reminders and an iCal link for your phone.',
      },
      {
        title: 'Live shopping list',
        text: 'When someone ticks the milk in the shop, everyone else sees it at once.',
      },
    ],
  },
  views: FAMILY_VIEWS,
  offline: true,
};
