// /api/recipes/import: a recipe from a web page's address or from pasted text.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import { MAX_PAGE_TEXT } from '../service/recipe-page.ts';
import { bearer, ErrorResponse, LIMITS, Nullable, recipeAnswerFields } from './schemas.ts';

const ImportBody = Type.Union(
  [
    Type.Object(
      {
        url: Type.String({
          minLength: 1,
          maxLength: LIMITS.url,
          description: 'An http(s) page with a recipe',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        text: Type.String({
          minLength: 1,
          maxLength: MAX_PAGE_TEXT * 4,
          description: 'A recipe as text (name, Ingredients, Method), or a page’s HTML',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { examples: [{ url: 'https://www.example.com/recipes/lemon-drizzle-cake' }] },
);

const ImportedRecipe = Type.Object(
  {
    ...recipeAnswerFields,
    import: Type.Object({
      method: Type.Enum(['json-ld', 'microdata', 'text', 'ai'], {
        description:
          'json-ld or microdata: the page’s schema.org Recipe; text: Ingredients and Method headings; ai: the AI gateway read the text',
      }),
      source_url: Nullable(Type.String()),
      ai: Nullable(
        Type.Object({
          model: Type.String(),
          provider: Type.String(),
          attempts: Type.Integer({ minimum: 1 }),
          credits: Type.Number({ minimum: 0 }),
        }),
      ),
    }),
  },
  { description: 'The stored recipe, with how it was read' },
);

export function registerImportRoutes(app: App, services: RecipesServices): void {
  app.post(
    '/api/recipes/import',
    {
      schema: {
        tags: ['Recipes'],
        summary: 'Import a recipe from a web page or from pasted text',
        description:
          'With {url}: fetches the page (http or https to a public address only; at most ' +
          'RECIPE_IMPORT_MAX_BYTES, RECIPE_IMPORT_TIMEOUT_MS and RECIPE_IMPORT_MAX_REDIRECTS redirects, each ' +
          'checked; HTML only) and reads its schema.org Recipe, as JSON-LD (also in @graph) or microdata: name, ' +
          'ingredients (read like typed lines), steps (HowToStep and HowToSection), ISO 8601 times, servings, ' +
          'nutrition, image and the page as source link. With {text}: a page’s HTML, or a recipe written with ' +
          'Ingredients and Method headings. Without either structure, the AI gateway reads the text (its ' +
          'rate limit and credits apply). The recipe is stored as your private recipe (source imported). ' +
          'Errors: 400 IMPORT_URL_INVALID, 400 IMPORT_ADDRESS_REFUSED (private, local or reserved address), ' +
          '422 IMPORT_PAGE_TOO_LARGE, IMPORT_UNSUPPORTED_CONTENT, IMPORT_TOO_MANY_REDIRECTS, IMPORT_NO_RECIPE; ' +
          '502 IMPORT_FETCH_FAILED; 504 IMPORT_TIMEOUT; the gateway’s errors pass through.',
        security: bearer,
        body: ImportBody,
        response: {
          201: ImportedRecipe,
          400: ErrorResponse,
          401: ErrorResponse,
          402: ErrorResponse,
          422: ErrorResponse,
          429: ErrorResponse,
          502: ErrorResponse,
          503: ErrorResponse,
          504: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId, plan, token } = requireUser(request);
      const user = { userId, plan, accessToken: token };
      const body = request.body;
      const recipe =
        'url' in body
          ? await services.imports.fromUrl(user, body.url.trim())
          : await services.imports.fromText(user, body.text);
      return reply.status(201).send(recipe);
    },
  );
}
