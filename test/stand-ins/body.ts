// Reading a request body within a size limit, and small guards for picking fields out of
// parsed JSON without trusting its shape.
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; message: string }
  | { kind: 'too-large' };

export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the caller answers 413 and closes the connection.
        req.pause();
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => settle({ kind: 'invalid', message: 'request body could not be read' }));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return settle({ kind: 'empty' });
      try {
        settle({ kind: 'json', value: JSON.parse(text) as unknown });
      } catch (error) {
        settle({ kind: 'invalid', message: (error as Error).message });
      }
    });
  });
}

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);

export const stringField = (value: unknown, key: string): string | undefined => {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
};

export const numberField = (value: unknown, key: string): number | undefined => {
  const found = field(value, key);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
};

export const arrayField = (value: unknown, key: string): unknown[] | undefined => {
  const found = field(value, key);
  return Array.isArray(found) ? found : undefined;
};
