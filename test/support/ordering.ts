// Rows a test makes one after another and then expects newest (or oldest) first: the embedded
// engine's now() moves in whole milliseconds, so two rows made within one share created_at, and
// their order falls to their random ids. Waiting for the next millisecond between them gives
// each its own time on both engines.
export const nextMillisecond = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
