// A button for something that cannot be undone: pressed, it asks a question that names what
// goes, with the real action beside a Cancel. Focus moves to the question and back on cancel,
// so the step works from the keyboard and a screen reader hears what it is about to confirm.
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Button, ErrorMessage } from './components.tsx';

export function ConfirmStep({
  trigger,
  triggerLabel,
  question,
  confirm,
  busy,
  error,
  onConfirm,
  small,
  cancel = 'Cancel',
  asAlert,
}: {
  /** The first button's text ("Delete family"). */
  trigger: string;
  /** A fuller name for the first button when its text alone is ambiguous in a list. */
  triggerLabel?: string;
  question: ReactNode;
  /** The confirming button's text ("Delete “The Addams”"). */
  confirm: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => Promise<unknown>;
  small?: boolean;
  /** The button that steps back ("Keep it"). */
  cancel?: string;
  /** Asks in an alert box (role alertdialog) rather than a card. */
  asAlert?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const questionId = useId();
  const triggerId = useId();
  const questionRef = useRef<HTMLParagraphElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
    else if (wasAsking.current) document.getElementById(triggerId)?.focus();
    wasAsking.current = asking;
  }, [asking, triggerId]);

  if (!asking) {
    return (
      <Button
        id={triggerId}
        variant="danger"
        small={small}
        aria-label={triggerLabel}
        onClick={() => setAsking(true)}
      >
        {trigger}
      </Button>
    );
  }
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !busy) setAsking(false);
  };
  const body = (
    <>
      <p id={questionId} ref={questionRef} tabIndex={-1}>
        {question}
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <div className="button-row">
        <Button variant="danger" small={small} busy={busy} onClick={() => void onConfirm()}>
          {confirm}
        </Button>
        <Button variant="secondary" small={small} disabled={busy} onClick={() => setAsking(false)}>
          {cancel}
        </Button>
      </div>
    </>
  );
  return asAlert ? (
    <div
      className="alert confirm-step"
      role="alertdialog"
      aria-labelledby={questionId}
      onKeyDown={closeOnEscape}
    >
      {body}
    </div>
  ) : (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset is for form fields; this is a question with two buttons.
    <div className="card confirm-step" role="group" aria-labelledby={questionId} onKeyDown={closeOnEscape}>
      {body}
    </div>
  );
}
