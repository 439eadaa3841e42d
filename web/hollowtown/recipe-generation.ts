// A recipe generation followed as it happens: POST /api/recipes/generate asked for server-sent
// events, so the page sees each attempt and the model's JSON as it is written, then the stored
// recipe. Aborting the request (Cancel, or leaving the page) stops the model server-side.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AiProblem } from '../shared/ai-problems.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { ApiError } from '../shared/errors.ts';
import { postForEvents } from '../shared/post-stream.ts';
import { describeGenerationError, streamError } from './generation-problems.ts';
import type { SpookyRecipe } from './recipe-types.ts';

export interface GenerateInput {
  theme: string;
  difficulty?: string;
  serves?: number;
  dietary_tags?: string[];
  /** Omitted: the person's default model. */
  model?: string;
}

export type GenerationState =
  | { phase: 'idle' }
  /** Sent; the server opens the stream with the model's first words. */
  | { phase: 'asking' }
  | { phase: 'writing'; attempt: number; of: number; reason?: string; text: string }
  | { phase: 'cancelled' }
  | { phase: 'failed'; problem: AiProblem };

interface Attempt {
  attempt: number;
  of: number;
  reason?: string;
}

/** How often the arriving text is drawn: words come faster than anyone reads. */
const DRAW_EVERY_MS = 120;

export function useRecipeGeneration(props: ViewProps, onRecipe: (recipe: SpookyRecipe) => void) {
  const { config, session } = props;
  const [state, setState] = useState<GenerationState>({ phase: 'idle' });
  const running = useRef<AbortController | null>(null);
  const onRecipeRef = useRef(onRecipe);
  onRecipeRef.current = onRecipe;

  // Leaving the page stops the model too.
  useEffect(() => () => running.current?.abort(), []);

  const start = useCallback(
    async (input: GenerateInput) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      setState({ phase: 'asking' });
      let attempt: Attempt = { attempt: 1, of: 1 };
      let text = '';
      let drawTimer: number | undefined;
      const draw = () => {
        drawTimer = undefined;
        if (!controller.signal.aborted) setState({ phase: 'writing', ...attempt, text });
      };
      let recipe: SpookyRecipe | undefined;
      let failure: ApiError | undefined;
      try {
        await postForEvents(
          `${config.api}/api/recipes/generate`,
          { body: input, token: await session.accessToken(), signal: controller.signal },
          (event) => {
            if (event.event === 'attempt') {
              attempt = JSON.parse(event.data) as Attempt;
              text = '';
              window.clearTimeout(drawTimer);
              draw();
            } else if (event.event === 'text') {
              text += (JSON.parse(event.data) as { delta: string }).delta;
              drawTimer ??= window.setTimeout(draw, DRAW_EVERY_MS);
            } else if (event.event === 'recipe') {
              recipe = JSON.parse(event.data) as SpookyRecipe;
            } else if (event.event === 'error') {
              failure = streamError(event.data);
            }
          },
        );
        if (failure) throw failure;
        if (!recipe) throw new ApiError(0, 'NETWORK', 'The stream ended before the recipe');
        window.clearTimeout(drawTimer);
        running.current = null;
        setState({ phase: 'idle' });
        onRecipeRef.current(recipe);
      } catch (error) {
        window.clearTimeout(drawTimer);
        if (controller.signal.aborted) return;
        running.current = null;
        setState({ phase: 'failed', problem: describeGenerationError(error) });
      }
    },
    [config, session],
  );

  const cancel = useCallback(() => {
    running.current?.abort();
    running.current = null;
    setState({ phase: 'cancelled' });
  }, []);

  return { state, start, cancel };
}
