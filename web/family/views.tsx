// Family Planner's views, one page each: the family and its members, todo lists, the calendar
// and the live shopping list.
import { Calendar } from './calendar.tsx';
import { Families } from './families.tsx';
import { Shopping } from './shopping.tsx';
import { Todos } from './todos.tsx';

export const FAMILY_VIEWS = { families: Families, todos: Todos, calendar: Calendar, shopping: Shopping };
