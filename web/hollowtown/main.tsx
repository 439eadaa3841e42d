// Hollowtown (hollowtown.com): spooky recipes, Halloween events, costumes, haunted houses.
import '../shared/tokens.css';
import '../shared/kit.css';
import { mountApp } from '../shared/app-shell.tsx';
import { HOLLOWTOWN } from './app.tsx';

mountApp(HOLLOWTOWN);
