// /api/recipes/import: a recipe from a web page's address or from pasted text.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import { ARCHIVE_LIMITS } from '../service/archive-import.ts';
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
          '422 IMPORT_FETCH_FAILED; 504 IMPORT_TIMEOUT; the gateway’s errors pass through.',
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

  // Encapsulated: the zip parser applies to this route only.
  app.register(async (plain) => {
    const scope = plain as unknown as App;
    scope.addContentTypeParser(
      'application/zip',
      { parseAs: 'buffer', bodyLimit: ARCHIVE_LIMITS.bytes },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/api/recipes/import/archive',
      {
        schema: {
          tags: ['Recipes'],
          summary: 'Import every recipe of a Mealie or Tandoor export',
          description:
            'Send the export file itself as the body, with Content-Type: application/zip. Mealie: a zip with ' +
            'recipes/<slug>/<slug>.json; Tandoor: a zip of one zip per recipe, each with recipe.json. Each ' +
            'recipe becomes a private recipe of yours (source imported, its original address as source_url); ' +
            'one that cannot be read is listed in skipped and the others are kept. Limits: ' +
            `${ARCHIVE_LIMITS.bytes} bytes uploaded, ${ARCHIVE_LIMITS.entries} files, ${ARCHIVE_LIMITS.recipes} ` +
            `recipes, ${ARCHIVE_LIMITS.totalBytes} bytes inflated (413 IMPORT_ARCHIVE_TOO_LARGE). 400 ` +
            'IMPORT_ARCHIVE_INVALID for what is not a zip; 422 IMPORT_ARCHIVE_UNKNOWN when no recipe is found.',
          security: bearer,
          response: {
            201: Type.Object(
              {
                format: Type.Enum(['mealie', 'tandoor']),
                imported: Type.Array(
                  Type.Object({ recipe_id: Type.String({ format: 'uuid' }), recipe_name: Type.String() }),
                ),
                skipped: Type.Array(Type.Object({ entry: Type.String(), reason: Type.String() })),
              },
              { description: 'What was imported, and what was not and why' },
            ),
            400: ErrorResponse,
            401: ErrorResponse,
            413: ErrorResponse,
            415: ErrorResponse,
            422: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const { userId } = requireUser(request);
        return reply.status(201).send(await services.archives.importArchive(userId, request.body as Buffer));
      },
    );
  });
}
