// Before measuring, both servers must give the same answer to the same request: otherwise the
// ratio would compare different work. Compares the parsed JSON and names the first difference.
import { isDeepStrictEqual } from 'node:util';

export interface Answer {
  status: number;
  bytes: number;
  body: unknown;
}

export async function fetchAnswer(url: string, accessToken: string): Promise<Answer> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text: the comparison below reports it
  }
  return { status: response.status, bytes: Buffer.byteLength(text), body };
}

/** Undefined when equal, else where they first differ and how. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return `${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (!(key in left)) return `${path}.${key}: missing on the left`;
    if (!(key in right)) return `${path}.${key}: missing on the right`;
    const inner = firstDifference(left[key], right[key], `${path}.${key}`);
    if (inner) return inner;
  }
  return `${path}: differs`;
}
