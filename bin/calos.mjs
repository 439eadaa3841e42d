#!/usr/bin/env node
// The calos command. TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { dropOutputOnceReaderLeaves } = await import('../src/cli/output.ts');
// `calos staff list | head -1`: the reader leaving early ends the output, not the command.
dropOutputOnceReaderLeaves();
// Not awaited at the top: `calos start` serves until a signal ends the process.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
