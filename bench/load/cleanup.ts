// What a benchmark started (child processes, databases, temp dirs), released newest first when
// it ends: normally, on failure, or on Ctrl-C.

export class Cleanup {
  readonly #steps: { name: string; release: () => Promise<void> | void }[] = [];
  #releasing: Promise<void> | undefined;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: cleaning up\n`);
        this.release().finally(() => process.exit(130));
      });
    }
  }

  add(name: string, release: () => Promise<void> | void): void {
    this.#steps.push({ name, release });
  }

  /** Releases everything once; a step that fails is reported and the rest still run. */
  release(): Promise<void> {
    this.#releasing ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.release();
        } catch (error) {
          process.stderr.write(`cleaning up ${step.name} failed: ${(error as Error).message}\n`);
        }
      }
    })();
    return this.#releasing;
  }
}
