// HowToCookAtHome (howtocookathome.com): recipes, meal plans, pantry, shopping lists.
import '../shared/tokens.css';
import '../shared/kit.css';
import './recipes.css';
import { mountApp } from '../shared/app-shell.tsx';
import { RECIPES } from './app.tsx';

mountApp(RECIPES);
