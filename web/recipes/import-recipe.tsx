// "Import a recipe": paste a recipe page's address (its schema.org markup is read on the server,
// the AI reads a page without it) or the recipe's text; the result is a private recipe of the
// user's, opened at once.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Form, TextArea, TextField } from '../shared/components.tsx';
import { ApiError } from '../shared/errors.ts';
import { Link, navigate } from '../shared/router.tsx';
import { describeGenerationError } from './generation-errors.ts';
import type { ImportedRecipe } from './types.ts';

type Source = 'url' | 'text';

/** The server's words for an import problem; the AI's problems in the AI cook's words. */
function describeImportError(error: unknown): string {
  if (error instanceof ApiError && (error.code.startsWith('IMPORT_') || error.code === 'VALIDATION_FAILED'))
    return error.message;
  return describeGenerationError(error).message;
}

export function ImportRecipe({ props }: { props: ViewProps }) {
  const [url, setUrl] = useState('');
  const [text, setText] = useState('');
  const [working, setWorking] = useState<Source | null>(null);
  const [problem, setProblem] = useState<{ source: Source; message: string }>();

  const importFrom = async (source: Source) => {
    const value = source === 'url' ? url.trim() : text;
    if (!value.trim()) {
      setProblem({
        source,
        message: source === 'url' ? 'Paste the address of a recipe page.' : 'Paste the recipe’s text.',
      });
      return;
    }
    setProblem(undefined);
    setWorking(source);
    try {
      const recipe = await props.api<ImportedRecipe>('/api/recipes/import', {
        body: source === 'url' ? { url: value } : { text: value },
      });
      navigate(props.href('recipes', { id: recipe.recipe_id, imported: recipe.import.method }));
    } catch (error) {
      setProblem({ source, message: describeImportError(error) });
    } finally {
      setWorking(null);
    }
  };

  return (
    <>
      <p>
        <Link href={props.href('recipes')}>← All recipes</Link>
      </p>
      <h1>Import a recipe</h1>
      <p className="muted">
        The recipe is saved as a private recipe of yours, with a link to where it came from, to edit, publish
        or delete.
      </p>
      <Form onSubmit={() => importFrom('url')} label="Import from a web page" wide>
        <h2>From a web page</h2>
        <TextField
          label="Address of the recipe page"
          type="url"
          inputMode="url"
          placeholder="https://www.example.com/lemon-drizzle-cake"
          hint="Most recipe sites describe their recipes for search engines; that is what is read. A page without it is read by the AI cook, which uses your AI requests."
          maxLength={2048}
          value={url}
          disabled={working !== null}
          error={problem?.source === 'url' ? problem.message : undefined}
          onChange={(event) => setUrl(event.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={working === 'url'} disabled={working !== null}>
            {working === 'url' ? 'Reading the page…' : 'Import from the page'}
          </Button>
        </div>
      </Form>
      <Form onSubmit={() => importFrom('text')} label="Import from text" wide>
        <h2>From text</h2>
        <TextArea
          label="The recipe"
          rows={10}
          placeholder={
            'Overnight oats\nServes 2\n\nIngredients\n100 g rolled oats\n200 ml milk\n\nMethod\nStir together and chill overnight.'
          }
          hint="Its name on the first line, then Ingredients and Method headings; anything else is read by the AI cook."
          maxLength={48_000}
          value={text}
          disabled={working !== null}
          error={problem?.source === 'text' ? problem.message : undefined}
          onChange={(event) => setText(event.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={working === 'text'} disabled={working !== null}>
            {working === 'text' ? 'Reading the recipe…' : 'Import the text'}
          </Button>
        </div>
      </Form>
    </>
  );
}
