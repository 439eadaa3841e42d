import { describe, expect, it } from 'vitest';
import type { ServiceName } from '../../platform/config.ts';
import { isAllowedRedirect } from './web-session.ts';

const hosts = new Map<string, ServiceName>([
  ['account.localhost', 'identity'],
  ['hollowtown.localhost', 'hollowtown'],
  ['*.recipes.test', 'recipes'],
]);

describe('which redirect URIs a web sign-in code may go to', () => {
  const allowed = (
    client: 'hollowtown' | 'recipes' | 'family',
    uri: string,
    consoleHost = 'account.localhost:3000',
  ) => isAllowedRedirect(hosts, client, uri, consoleHost);

  it("accepts the app's root on a host mapped to it, at the console's port", () => {
    expect(allowed('hollowtown', 'http://hollowtown.localhost:3000/')).toBe(true);
    expect(allowed('recipes', 'https://www.recipes.test:3000/')).toBe(true);
  });

  it("accepts the app's prefix on the console's own unmapped host", () => {
    expect(allowed('family', 'http://localhost:3000/family/', 'localhost:3000')).toBe(true);
    expect(allowed('family', 'http://127.0.0.1:3000/family/', 'localhost:3000')).toBe(false);
  });

  it('refuses other apps, other paths, other ports, queries, fragments, credentials and schemes', () => {
    for (const uri of [
      'http://recipes.localhost:3000/',
      'http://hollowtown.localhost:3000/recipes',
      'http://hollowtown.localhost:4000/',
      'http://hollowtown.localhost:3000/?next=x',
      'http://hollowtown.localhost:3000/#x',
      'http://user:pw@hollowtown.localhost:3000/',
      'javascript:alert(1)//hollowtown.localhost:3000/',
      'http://evil.example:3000/',
      'http://account.localhost:3000/hollowtown/',
      'not a url',
    ]) {
      expect(allowed('hollowtown', uri), uri).toBe(false);
    }
  });
});
