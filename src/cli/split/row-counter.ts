// Counts COPY text rows as they stream past: in text format every row ends with a newline,
// and a newline inside a value is always escaped, so counting 0x0A bytes counts rows.
import { Transform, type TransformCallback } from 'node:stream';

export function countNewlines(chunk: Uint8Array): number {
  let count = 0;
  let at = chunk.indexOf(10);
  while (at !== -1) {
    count++;
    at = chunk.indexOf(10, at + 1);
  }
  return count;
}

export class RowCounter extends Transform {
  rows = 0;

  constructor(private readonly onRows: (rows: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const rows = countNewlines(chunk);
    this.rows += rows;
    if (rows > 0) this.onRows(rows);
    done(null, chunk);
  }
}
