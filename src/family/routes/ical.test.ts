import { Writable } from 'node:stream';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { injectCall, joinFamily } from '../../../test/support/family.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createLogger } from '../../platform/logger.ts';

describe.each(testEngines())('iCal feeds of a family on %s', (engine) => {
  let platform: TestPlatform;
  let parent: TestUser;
  let outsider: TestUser;
  let familyId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      env: { CALOS_HOSTS: 'family.test=family' },
    });
    [parent, outsider] = await Promise.all([
      given(platform).user({ plan: 'family' }),
      given(platform).user(),
    ]);
    const family = await platform.app.inject({
      method: 'POST',
      url: '/family/api/families',
      headers: parent.headers,
      payload: { family_name: 'Munsters; Mockingbird Lane, 1313' },
    });
    familyId = family.json().family_id;
    const start = new Date(platform.clock.nowMs() + 3 * 86_400_000);
    start.setUTCMinutes(0, 0, 0);
    const created = await platform.app.inject({
      method: 'POST',
      url: '/family/api/calendar/events',
      headers: parent.headers,
      payload: {
        family_id: familyId,
        event_name: 'Pumpkin carving, with cider; bring knives',
        event_type: 'other',
        start_time: start.toISOString(),
        end_time: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
        location: 'Back yard',
        reminders: [{ minutes_before: 30 }],
      },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(() => platform.close());

  const newFeed = async (user: TestUser) =>
    platform.app.inject({
      method: 'POST',
      url: `/family/api/families/${familyId}/ical`,
      headers: user.headers,
    });

  it('serves a secret URL that a real iCal parser reads, with the family’s events', async () => {
    const feed = await newFeed(parent);
    expect(feed.statusCode).toBe(201);
    const url = new URL(feed.json().url);
    const response = await platform.app.inject({ method: 'GET', url: url.pathname });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(response.body));
    // X- properties are read raw: undo the TEXT escaping RFC 5545 asks the writer for.
    expect(String(calendar.getFirstPropertyValue('x-wr-calname')).replace(/\\(.)/g, '$1')).toBe(
      'Munsters; Mockingbird Lane, 1313',
    );
    const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.summary).toBe('Pumpkin carving, with cider; bring knives');
    expect(event?.location).toBe('Back yard');
    if (!event) throw new Error('no event in the feed');
    expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).toBe(2 * 3_600_000);
    expect(
      event?.component.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger')?.toString(),
    ).toBe('-PT30M');
  });

  it('stops answering once revoked, and keeps its secret from everyone else', async () => {
    const feed = (await newFeed(parent)).json();
    const path = new URL(feed.url).pathname;
    const listed = await platform.app.inject({
      method: 'GET',
      url: `/family/api/families/${familyId}/ical`,
      headers: parent.headers,
    });
    expect(JSON.stringify(listed.json())).not.toContain(path.split('/').at(-1)?.replace('.ics', ''));
    expect((await newFeed(outsider)).statusCode).toBe(404);
    const foreign = await platform.app.inject({
      method: 'DELETE',
      url: `/family/api/families/${familyId}/ical/${feed.feed_id}`,
      headers: outsider.headers,
    });
    expect(foreign.statusCode).toBe(404);
    const revoked = await platform.app.inject({
      method: 'DELETE',
      url: `/family/api/families/${familyId}/ical/${feed.feed_id}`,
      headers: parent.headers,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await platform.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect(
      (await platform.app.inject({ method: 'GET', url: '/family/ical/made-up-secret-value-000000.ics' }))
        .statusCode,
    ).toBe(404);
  });

  it('stops answering for a member who has left the family, while the others keep theirs', async () => {
    const child = await given(platform).user();
    const joined = await joinFamily(injectCall(platform), {
      familyId,
      admin: parent,
      invitee: child,
      login: child.username,
    });
    const childsFeed = new URL((await newFeed(child)).json().url).pathname;
    const parentsFeed = new URL((await newFeed(parent)).json().url).pathname;
    expect((await platform.app.inject({ method: 'GET', url: childsFeed })).statusCode).toBe(200);

    const left = await platform.app.inject({
      method: 'DELETE',
      url: `/family/api/families/${familyId}/members/${joined.memberId}`,
      headers: child.headers,
    });
    expect(left.statusCode).toBe(204);
    expect((await platform.app.inject({ method: 'GET', url: childsFeed })).statusCode).toBe(404);
    expect((await platform.app.inject({ method: 'GET', url: parentsFeed })).statusCode).toBe(200);
  });

  it("hands out an address that works where it was asked for: the shared host's prefix or the app's own host", async () => {
    const shared = new URL((await newFeed(parent)).json().url);
    expect(shared.pathname).toMatch(/^\/family\/ical\/[^/]+\.ics$/);
    expect((await platform.app.inject({ method: 'GET', url: shared.pathname })).statusCode).toBe(200);

    const ownHost = await platform.app.inject({
      method: 'POST',
      url: `/api/families/${familyId}/ical`,
      headers: { ...parent.headers, host: 'family.test' },
    });
    expect(ownHost.statusCode).toBe(201);
    const url = new URL(ownHost.json().url);
    expect(url.host).toBe('family.test');
    expect(url.pathname).toMatch(/^\/ical\/[^/]+\.ics$/);
    const feed = await platform.app.inject({
      method: 'GET',
      url: url.pathname,
      headers: { host: 'family.test' },
    });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
  });

  const DAY = 86_400_000;
  const addEvent = async (name: string, startMs: number) => {
    const created = await platform.app.inject({
      method: 'POST',
      url: '/family/api/calendar/events',
      headers: parent.headers,
      payload: { family_id: familyId, event_name: name, event_type: 'other', start_time: new Date(startMs) },
    });
    expect(created.statusCode).toBe(201);
    return created.json().event_id as string;
  };
  const summaries = (body: string) =>
    new ICAL.Component(ICAL.parse(body)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c).summary);

  it('keeps a year of past events, and lets them go after that as the clock moves on', async () => {
    const path = new URL((await newFeed(parent)).json().url).pathname;
    await addEvent('Last Halloween party', platform.clock.nowMs() - 300 * DAY);
    await addEvent('Halloween two years ago', platform.clock.nowMs() - 400 * DAY);
    const now = await platform.app.inject({ method: 'GET', url: path });
    expect(summaries(now.body)).toContain('Last Halloween party');
    expect(summaries(now.body)).not.toContain('Halloween two years ago');

    platform.clock.advance(100 * DAY);
    try {
      const later = await platform.app.inject({ method: 'GET', url: path });
      expect(summaries(later.body)).not.toContain('Last Halloween party');
    } finally {
      platform.clock.advance(-100 * DAY);
    }
  });

  it('answers a repeat poll with 304 until the calendar changes (ETag and Last-Modified)', async () => {
    const path = new URL((await newFeed(parent)).json().url).pathname;
    const first = await platform.app.inject({ method: 'GET', url: path });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);

    // The same document for the same calendar, whenever it is asked for.
    platform.clock.advance(5_000);
    const again = await platform.app.inject({ method: 'GET', url: path });
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['last-modified']).toBe(lastModified);

    const byTag = await platform.app.inject({ method: 'GET', url: path, headers: { 'if-none-match': etag } });
    expect(byTag.statusCode).toBe(304);
    expect(byTag.body).toBe('');
    expect(byTag.headers.etag).toBe(etag);
    const byDate = await platform.app.inject({
      method: 'GET',
      url: path,
      headers: { 'if-modified-since': lastModified },
    });
    expect(byDate.statusCode).toBe(304);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    const staleTag = await platform.app.inject({
      method: 'GET',
      url: path,
      headers: { 'if-none-match': '"0000"', 'if-modified-since': lastModified },
    });
    expect(staleTag.statusCode).toBe(200);

    platform.clock.advance(5_000);
    await addEvent('Costume swap', platform.clock.nowMs() + 10 * DAY);
    const changed = await platform.app.inject({
      method: 'GET',
      url: path,
      headers: { 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(summaries(changed.body)).toContain('Costume swap');
    expect(changed.headers.etag).not.toBe(etag);
    expect(Date.parse(changed.headers['last-modified'] as string)).toBeGreaterThan(Date.parse(lastModified));
    const byOldDate = await platform.app.inject({
      method: 'GET',
      url: path,
      headers: { 'if-modified-since': lastModified },
    });
    expect(byOldDate.statusCode).toBe(200);
  });
});

describe.each(testEngines())('the request log of iCal feeds on %s', (engine) => {
  let platform: TestPlatform;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      logger: createLogger({ logLevel: 'info' }, sink),
    });
  });
  afterAll(() => platform.close());

  it('shows a feed request without its secret token, and keeps the rest of the URL', async () => {
    const parent = await given(platform).user({ plan: 'family' });
    const family = await platform.app.inject({
      method: 'POST',
      url: '/family/api/families',
      headers: parent.headers,
      payload: { family_name: 'Addams' },
    });
    const feed = await platform.app.inject({
      method: 'POST',
      url: `/family/api/families/${family.json().family_id}/ical`,
      headers: parent.headers,
    });
    const path = new URL(feed.json().url).pathname;
    const token = /\/ical\/(.+)\.ics$/.exec(path)?.[1] as string;
    expect(token.length).toBeGreaterThan(20);
    lines.length = 0;
    const answer = await platform.app.inject({ method: 'GET', url: `${path}?token=${token}&x=1` });
    expect(answer.statusCode).toBe(200);
    const wrong = await platform.app.inject({
      method: 'GET',
      url: `/family/ical/${token.slice(0, -2)}xx.ics`,
    });
    expect(wrong.statusCode).toBe(404);

    const logged = lines.join('\n');
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.slice(0, -2));
    const urls = lines.map((line) => JSON.parse(line).req?.url).filter(Boolean);
    expect(urls).toEqual(['/family/ical/[redacted].ics?token=[redacted]&x=1', '/family/ical/[redacted].ics']);
  });
});
