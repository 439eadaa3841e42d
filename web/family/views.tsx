// Family Planner's views, one page each: the family and its members, todo lists, the calendar
// the live shopping list, and the page an invitation link opens.
import { Calendar } from './calendar.tsx';
import { Chat } from './chat.tsx';
import { Chores } from './chores.tsx';
import { Families } from './families.tsx';
import { Join } from './invitations.tsx';
import { Notifications } from './notifications.tsx';
import { Shopping } from './shopping.tsx';
import { Todos } from './todos.tsx';

export const FAMILY_VIEWS = {
  families: Families,
  todos: Todos,
  chores: Chores,
  calendar: Calendar,
  shopping: Shopping,
  chat: Chat,
  notifications: Notifications,
  /** Where an invitation link leads (not in the navigation). */
  join: Join,
};
