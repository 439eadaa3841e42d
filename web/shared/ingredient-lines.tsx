// Ingredient lines as the server reads them. The recipe forms of both apps send the lines as
// typed ("24 gummy worms") and, while the cook types, show what saving will store, asked of the
// app's own POST /api/ingredients/parse: one reader, on the server, for the forms and every API
// caller (src/ingredients), so the preview is never a guess of the browser's.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths as hollowtownPaths } from '../api/generated/hollowtown.ts';
import type { paths as recipesPaths } from '../api/generated/recipes.ts';
import { formatAmount, formatIngredient, type IngredientAmount, unitFor } from './amounts.ts';
import type { RequestOptions } from './api.ts';
import { ApiError } from './errors.ts';

/** POST /api/ingredients/parse, which both apps answer from src/ingredients. */
type ParsedLines =
  | Answer<hollowtownPaths, '/api/ingredients/parse', 'post'>
  | Answer<recipesPaths, '/api/ingredients/parse', 'post'>;
/** As the server reads one line: what saving stores, or why it cannot be saved. */
export type LineReading = ParsedLines['lines'][number];

type Api = <T>(path: string, options?: RequestOptions) => Promise<T>;

/** The longest line the services read (src/ingredients/ingredient-input.ts). */
export const MAX_LINE_LENGTH = 300;

/** The non-blank lines of a text field, trimmed. */
export const textLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Stored ingredients as the lines that read back the same, for editing. */
export const ingredientsToText = (ingredients: readonly IngredientAmount[]) =>
  ingredients.map(formatIngredient).join('\n');

const quoted = (line: string) => `“${line.length > 40 ? `${line.slice(0, 40)}…` : line}”`;

/**
 * The server's reading of `text`'s lines, asked again a moment after the typing stops. Lines
 * the server would refuse whole (too long, too many) are answered here, with the same words.
 */
export function useIngredientPreview(api: Api, text: string, maxLines: number, delayMs = 300) {
  const [answer, setAnswer] = useState<{ key: string; readings: LineReading[] }>({ key: '', readings: [] });
  const [isUnavailable, setUnavailable] = useState(false);
  const key = textLines(text).join('\n');
  useEffect(() => {
    const lines = key ? key.split('\n') : [];
    const sendable = lines.slice(0, maxLines).filter((line) => line.length <= MAX_LINE_LENGTH);
    if (sendable.length === 0) {
      setAnswer({ key, readings: [] });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<ParsedLines>('/api/ingredients/parse', {
        body: { lines: sendable },
        signal: controller.signal,
      }).then(
        (parsed) => {
          setUnavailable(false);
          setAnswer({ key, readings: parsed.lines });
        },
        () => !controller.signal.aborted && setUnavailable(true),
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, key, maxLines, delayMs]);

  const byLine = new Map(answer.readings.map((reading) => [reading.line, reading]));
  const lines = key ? key.split('\n') : [];
  const readings = lines.flatMap((line, index): LineReading[] => {
    if (index >= maxLines) return [];
    if (line.length > MAX_LINE_LENGTH) {
      return [{ line, ingredient: null, problem: `is longer than ${MAX_LINE_LENGTH} characters` }];
    }
    const reading = byLine.get(line);
    return reading ? [reading] : [];
  });
  const problems = readings.flatMap((reading) =>
    reading.problem
      ? [`Line ${lines.indexOf(reading.line) + 1} (${quoted(reading.line)}) ${reading.problem}.`]
      : [],
  );
  if (lines.length > maxLines) problems.unshift(`A recipe holds at most ${maxLines} ingredients.`);
  return {
    readings,
    /** Words for the field's error: the first problem, and how many more. */
    problem:
      problems.length === 0
        ? undefined
        : `${problems[0]}${problems.length > 1 ? ` And ${problems.length - 1} more below.` : ''}`,
    isUnavailable,
  };
}

/** A refusal of saved ingredient lines, said of the line ("Line 2 (“½”) names no ingredient…"). */
export function describeIngredientError(error: unknown, lines: readonly string[]): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED' || !Array.isArray(error.details)) {
    return undefined;
  }
  const said = (error.details as { field?: unknown; message?: unknown }[]).flatMap((detail) => {
    const match = /^body\.(?:ingredients|items)\.(\d+)$/.exec(String(detail.field));
    const line = match ? lines[Number(match[1])] : undefined;
    return line === undefined
      ? []
      : [`Line ${Number(match?.[1]) + 1} (${quoted(line)}) ${String(detail.message)}.`];
  });
  return said.length > 0 ? said.join(' ') : undefined;
}

/** The table under the ingredients field: each line as it will be saved. */
export function IngredientPreview({
  preview: { readings, isUnavailable },
}: {
  preview: { readings: readonly LineReading[]; isUnavailable: boolean };
}) {
  if (isUnavailable) {
    return (
      <p className="muted">The preview of the lines is not available right now; saving still reads them.</p>
    );
  }
  if (readings.length === 0) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption className="caption">How the ingredient lines read</caption>
        <thead>
          <tr>
            <th scope="col">Amount</th>
            <th scope="col">Unit</th>
            <th scope="col">What</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {readings.map(({ line, ingredient, problem }, index) =>
            ingredient ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows follow the typed lines one to one.
              <tr key={index}>
                <td>
                  {ingredient.quantity === null
                    ? '—'
                    : formatAmount(ingredient.quantity, ingredient.quantity_max)}
                </td>
                <td>{unitFor(ingredient.unit, ingredient.quantity, ingredient.quantity_max) ?? '—'}</td>
                <td>{ingredient.name}</td>
                <td>{ingredient.note ?? ''}</td>
              </tr>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows follow the typed lines one to one.
              <tr key={index}>
                <td colSpan={4}>
                  <span className="field__error">
                    {quoted(line)} {problem}
                  </span>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
