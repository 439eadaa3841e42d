// The flows that span apps, in one place. The apps import no other app: each says what it needs
// in its own words (src/<app>/links.ts), and this module gives it from the other apps' clients,
// which answer in process or over HTTP (CALOS_<APP>_URL) alike. What is neither served in the
// process nor configured by URL is left out, and the features that need it degrade (503, or
// missing calendar entries) while the rest of the app works.
//
// | flow                                   | started by   | touches                 | how it stays whole                                  |
// |----------------------------------------|--------------|-------------------------|-----------------------------------------------------|
// | event → family shopping list           | Hollowtown   | Hollowtown, HowToCook-  | list keyed by the event (redo = regenerate); a new  |
// |   (hollowtown-links.ts)                |              | AtHome (read), Family   | list the event cannot record is taken back (undo)   |
// | recipe sharing (hollowtown-links.ts)   | Hollowtown   | Hollowtown, HowToCook-  | share is idempotent; marked shared first, so every  |
// |                                        |              | AtHome                  | later edit reaches the outbox                       |
// | shared copies follow their original    | outbox event | HowToCookAtHome         | at-least-once consumer, applied by version          |
// |   (recipe-sync.ts)                     |              |                         | (idempotent, order-proof)                           |
// | Halloween collection, meal plans from  | HowToCookAt- | HowToCookAtHome (reads  | read-only, 3 s wait, degraded when Hollowtown is    |
// |   templates (recipes-links.ts), more   | Home,        | Hollowtown), Hollowtown | away; template copies are linked copies (sync)      |
// |   from HowToCookAtHome                 | Hollowtown   | (reads HowToCookAtHome) |                                                     |
// | family calendar sources                | a calendar   | Family (reads Hollow-   | read-only; an app not reachable adds no entries     |
// |   (family-links.ts)                    | or iCal read | town, HowToCookAtHome)  |                                                     |
// | account deletion                       | identity's   | every app               | each app consumes user.deleted from identity's      |
// |                                        | outbox event |                         | outbox itself (downward), idempotently              |
// | "Download my data" and its import      | identity's   | identity, every app     | export: read-only, page by page per app; import:    |
// |   (account-data.ts)                    | account      | (each app's dataExport, | each row once per source id (data_imports), so a    |
// |                                        | routes       | dataImport)             | failed import is completed by importing again       |
//
// The composition root (src/main.ts) and the CLI serve these definitions, never the apps' own.
import { defineFamily } from '../family/index.ts';
import { defineHollowtown } from '../hollowtown/index.ts';
import { defineIdentity } from '../identity/index.ts';
import { defineRecipes } from '../recipes/index.ts';
import { identityLinks } from './account-data.ts';
import { familyLinks } from './family-links.ts';
import { hollowtownLinks } from './hollowtown-links.ts';
import { withRecipeSync } from './recipe-sync.ts';
import { recipesLinks } from './recipes-links.ts';

export { hollowtownLinks } from './hollowtown-links.ts';
export type { LinkedRecipesClient } from './recipe-sync.ts';

export const identityService = defineIdentity((context) => identityLinks(context.clients));
export const hollowtownService = defineHollowtown((context) => hollowtownLinks(context.clients));
export const recipesService = withRecipeSync(defineRecipes((context) => recipesLinks(context.clients)));
export const familyService = defineFamily((context) => familyLinks(context.clients));
