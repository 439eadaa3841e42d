// Family Planner (familyplanner.com): families, todos, calendar, the shared shopping list.
import '../shared/tokens.css';
import '../shared/kit.css';
import './family.css';
import { mountApp } from '../shared/app-shell.tsx';
import { FAMILY } from './app.tsx';

mountApp(FAMILY);
