// Cook mode: a recipe one step at a time in large type, for a kitchen counter. The ingredients the
// step names come with it (or the whole list, on demand); times in the step start timers that keep
// counting while the cook moves on, and ring and say so when they are done; the screen is kept
// awake with the Screen Wake Lock API where the browser has it, and again when the page comes back.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { formatIngredient } from '../shared/amounts.ts';
import { Button } from '../shared/components.tsx';
import { describeSeconds, findDurations, formatCountdown, ingredientsInStep } from './cook-steps.ts';
import type { RecipeDetail } from './types.ts';

interface Timer {
  id: number;
  /** "Step 3: 25 minutes". */
  label: string;
  seconds: number;
  endsAt: number;
  done: boolean;
}

type WakeState = 'asking' | 'on' | 'off' | 'unsupported' | 'refused';

const WAKE_WORDS: Record<WakeState, string> = {
  asking: '',
  on: 'The screen stays on while you cook.',
  off: 'The screen may turn off while this page is hidden; it stays on again when you come back.',
  unsupported: 'This browser cannot keep the screen on: touch it now and then, or change its sleep setting.',
  refused: 'The browser would not keep the screen on (low battery or a setting): touch it now and then.',
};

/** Keeps the screen awake while mounted, again each time the page becomes visible. */
function useWakeLock(): WakeState {
  const [state, setState] = useState<WakeState>('asking');
  useEffect(() => {
    if (!('wakeLock' in navigator) || !navigator.wakeLock) {
      setState('unsupported');
      return;
    }
    let sentinel: WakeLockSentinel | null = null;
    let gone = false;
    const acquire = async () => {
      if (document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return;
      try {
        const lock = await navigator.wakeLock.request('screen');
        if (gone) {
          void lock.release();
          return;
        }
        sentinel = lock;
        setState('on');
        lock.addEventListener('release', () => {
          if (!gone) setState('off');
        });
      } catch {
        if (!gone) setState('refused');
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void acquire();
    };
    void acquire();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      gone = true;
      document.removeEventListener('visibilitychange', onVisibility);
      void sentinel?.release().catch(() => undefined);
    };
  }, []);
  return state;
}

/** Three short beeps through Web Audio; silent where there is none (the alert is also seen and said). */
function ring(context: AudioContext | null) {
  if (!context) return;
  try {
    void context.resume();
    for (let i = 0; i < 3; i++) {
      const start = context.currentTime + i * 0.4;
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.25, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(start);
      tone.stop(start + 0.3);
    }
  } catch {
    // No sound to make: the timer still shows and says it is done.
  }
}

export function CookMode({ recipe, onLeave }: { recipe: RecipeDetail; onLeave: () => void }) {
  const steps = recipe.instructions;
  const [index, setIndex] = useState(0);
  const [allIngredients, setAllIngredients] = useState(false);
  const [timers, setTimers] = useState<Timer[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [said, setSaid] = useState('');
  const wake = useWakeLock();
  const stepRef = useRef<HTMLElement>(null);
  const audio = useRef<AudioContext | null>(null);
  const nextId = useRef(1);
  const headingId = useId();
  const ingredientsId = useId();

  const count = steps.length;
  const step = steps[index] ?? '';
  const go = useCallback((to: number) => setIndex(Math.max(0, Math.min(count - 1, to))), [count]);

  // Each step, on entering too, takes the focus: a screen reader reads it, arrows keep working.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new step is what moves the focus.
  useEffect(() => {
    stepRef.current?.focus();
  }, [index]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (event.key === 'ArrowRight') {
        event.preventDefault();
        setIndex((i) => Math.min(count - 1, i + 1));
      } else if (event.key === 'ArrowLeft') {
        event.preventDefault();
        setIndex((i) => Math.max(0, i - 1));
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [count]);

  const running = timers.some((t) => !t.done);
  useEffect(() => {
    if (!running) return;
    const tick = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(tick);
  }, [running]);

  // A timer whose time has come rings once, shows it and is said aloud.
  useEffect(() => {
    const finished = timers.filter((t) => !t.done && t.endsAt <= now);
    if (finished.length === 0) return;
    setTimers((all) => all.map((t) => (finished.some((f) => f.id === t.id) ? { ...t, done: true } : t)));
    setSaid(`Time is up: ${finished.map((t) => t.label).join('; ')}.`);
    ring(audio.current);
    navigator.vibrate?.([300, 150, 300]);
  }, [now, timers]);

  useEffect(
    () => () => {
      void audio.current?.close().catch(() => undefined);
    },
    [],
  );

  const start = (seconds: number) => {
    // Made on the click, so the browser lets it sound later.
    if (!audio.current && typeof AudioContext !== 'undefined') {
      try {
        audio.current = new AudioContext();
      } catch {
        audio.current = null;
      }
    }
    const at = Date.now();
    setNow(at);
    setTimers((all) => [
      ...all,
      {
        id: nextId.current++,
        label: `Step ${index + 1}: ${describeSeconds(seconds)}`,
        seconds,
        endsAt: at + seconds * 1000,
        done: false,
      },
    ]);
    setSaid(`Timer started: ${describeSeconds(seconds)}.`);
  };
  const remove = (id: number) => setTimers((all) => all.filter((t) => t.id !== id));

  const durations = findDurations(step);
  const named = ingredientsInStep(step, recipe.ingredients);
  const shown = allIngredients ? recipe.ingredients : named;

  return (
    <article className="cook-mode">
      <div className="cook-mode__head">
        <div>
          <p className="muted cook-mode__kicker">Cook mode</p>
          <h1>{recipe.recipe_name}</h1>
        </div>
        <Button variant="secondary" onClick={onLeave}>
          Leave cook mode
        </Button>
      </div>
      {wake !== 'asking' && <p className="muted cook-mode__wake">{WAKE_WORDS[wake]}</p>}
      {count === 0 ? (
        <p>This recipe has no steps written yet.</p>
      ) : (
        <>
          <section className="cook-step" ref={stepRef} tabIndex={-1} aria-labelledby={headingId}>
            <h2 id={headingId} className="cook-step__progress">
              Step {index + 1} of {count}
            </h2>
            <progress
              className="cook-step__bar"
              max={count}
              value={index + 1}
              aria-label={`Step ${index + 1} of ${count}`}
            />
            <p className="cook-step__text">{step}</p>
            {durations.length > 0 && (
              <div className="button-row cook-step__timers">
                {durations.map((d, i) => (
                  <Button
                    // biome-ignore lint/suspicious/noArrayIndexKey: the same time may be written twice.
                    key={`${d.text}-${i}`}
                    variant="secondary"
                    onClick={() => start(d.seconds)}
                  >
                    Start timer: {d.text}
                    {d.maxSeconds > d.seconds ? ` (from ${describeSeconds(d.seconds)})` : ''}
                  </Button>
                ))}
              </div>
            )}
          </section>
          <nav className="button-row cook-mode__nav" aria-label="Steps">
            <Button variant="secondary" disabled={index === 0} onClick={() => go(index - 1)}>
              ← Previous step
            </Button>
            <Button disabled={index >= count - 1} onClick={() => go(index + 1)}>
              Next step →
            </Button>
            <span className="muted">Arrow keys ← → move between steps.</span>
          </nav>
        </>
      )}
      <p className="visually-hidden" aria-live="assertive" aria-atomic="true">
        {said}
      </p>
      {timers.length > 0 && (
        <section className="section" aria-label="Timers">
          <h2>Timers</h2>
          <ul className="cook-timers">
            {timers.map((t) => (
              <li key={t.id} className={t.done ? 'cook-timer cook-timer--done' : 'cook-timer'}>
                <span className="cook-timer__label">{t.label}</span>
                <span className="cook-timer__time">
                  {t.done ? 'Done!' : `${formatCountdown((t.endsAt - now) / 1000)} left`}
                </span>
                <Button small variant="secondary" onClick={() => remove(t.id)}>
                  {t.done ? 'Dismiss' : 'Stop'}
                  <span className="visually-hidden"> {t.label}</span>
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="section" aria-labelledby={ingredientsId}>
        <div className="section-head">
          <h2 id={ingredientsId}>{allIngredients ? 'All ingredients' : 'Ingredients for this step'}</h2>
          <Button
            small
            variant="secondary"
            aria-pressed={allIngredients}
            onClick={() => setAllIngredients((a) => !a)}
          >
            Show all ingredients
          </Button>
        </div>
        {shown.length === 0 ? (
          <p className="muted">
            {recipe.ingredients.length === 0
              ? 'No ingredients listed.'
              : 'This step names none of the ingredients; show them all to check.'}
          </p>
        ) : (
          <ul
            className="cook-ingredients"
            aria-label={allIngredients ? 'All ingredients' : 'Ingredients for this step'}
          >
            {shown.map((i, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two lines may name the same thing.
              <li key={n}>{formatIngredient(i)}</li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
