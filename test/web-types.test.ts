// The pages' API types (web/api/generated) are what the services document now: a change to a
// route's schema that the committed types do not have fails here (fix: npm run types:web). And
// the pages name what an API call answers from those types, never by an inline object type.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SERVICES, apiTypesFile, apiTypesOf } from '../web/api/generate.ts';
import { testEngines } from './support/engines.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

describe('the web pages’ API types', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(testEngines()[0] ?? 'pglite');
  });
  afterAll(() => platform?.close());

  it.each(Object.entries(API_SERVICES))(
    'match %s’s OpenAPI document (npm run types:web)',
    async (service, prefix) => {
      const document = (await platform.app.inject({ method: 'GET', url: `${prefix}/openapi.json` })).json();
      expect(await apiTypesOf(service, document)).toBe(readFileSync(apiTypesFile(service), 'utf8'));
    },
  );
});

const WEB = path.join(import.meta.dirname, '..', 'web');

/**
 * Pages that still describe an answer inline, with why. Remove an entry once its file names the
 * answer with Answer<…> (web/api/answers.ts): the test fails while an entry has nothing left.
 */
const INLINE_ANSWER_TYPES_PENDING: Record<string, string> = {};

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : pageFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** A call to an API (`api`, `props.api`, `session.fetch`, `requestJson`, `appApi(…)`) and its `<`. */
const API_CALL = /(?:\bapi|\.fetch|\brequestJson|\bappApi\([^)]*\))\s*</g;

/** The type arguments of API calls in `source` that spell an object type out (`{ … }`). */
function inlineAnswerTypes(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(API_CALL)) {
    let depth = 1;
    let end = (match.index ?? 0) + match[0].length;
    const start = end;
    while (end < source.length && depth > 0) {
      const c = source[end];
      if (c === '<') depth++;
      else if (c === '>' && source[end - 1] !== '=') depth--;
      else if (c === ';' || (c === '(' && depth === 1)) break;
      end++;
    }
    const argument = source.slice(start, end - 1);
    // A path's braces ('/api/x/{id}') are no object type.
    const unquoted = argument.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "''");
    if (depth === 0 && unquoted.includes('{')) found.push(argument.replace(/\s+/g, ' ').trim());
  }
  return found;
}

describe('the web pages’ API calls', () => {
  it('spot an inline answer type, and only that', () => {
    expect(inlineAnswerTypes("api<{ items: Tally[] }>('/api/x')")).toEqual(['{ items: Tally[] }']);
    expect(inlineAnswerTypes('props.api<Page<{ id: string }>>(url)')).toEqual(['Page<{ id: string }>']);
    expect(inlineAnswerTypes("appApi(props, 'family')<{ n: number }>(url)")).toEqual(['{ n: number }']);
    expect(inlineAnswerTypes('session.fetch<{\n  code: string }>(url)')).toEqual(['{ code: string }']);
    expect(inlineAnswerTypes("api<Answer<paths, '/api/x/{id}', 'get'>>('/api/x')")).toEqual([]);
    expect(inlineAnswerTypes('if (api < limit) { go(); }')).toEqual([]);
  });

  it('name every answer from the generated types (Answer<…>), not by an inline object type', () => {
    const offenders = pageFiles(WEB)
      .map((file) => [path.relative(WEB, file), inlineAnswerTypes(readFileSync(file, 'utf8'))] as const)
      .filter(([, inline]) => inline.length > 0);
    const unexpected = offenders.filter(([file]) => !(file in INLINE_ANSWER_TYPES_PENDING));
    expect(unexpected, 'use Answer<paths, path, method> from web/api/answers.ts').toEqual([]);
    const done = Object.keys(INLINE_ANSWER_TYPES_PENDING).filter(
      (file) => !offenders.some(([offender]) => offender === file),
    );
    expect(done, 'nothing inline is left there: remove it from INLINE_ANSWER_TYPES_PENDING').toEqual([]);
  });
});
