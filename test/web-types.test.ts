// The pages' API types (web/api/generated) are what the services document now: a change to a
// route's schema that the committed types do not have fails here (fix: npm run types:web).
import { readFileSync } from 'node:fs';
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
