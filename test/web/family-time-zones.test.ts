/// <reference lib="dom" />
// Time zones in Family Planner's calendar, in Debian's Chromium: a family in Berlin plans a
// 17:00 event; a member whose browser is in New York sees it at their own time, with the note
// of its time in Berlin, and one in Berlin sees no note.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  familyOfOne,
  hasChromium,
  launchChromium,
  newContext,
  openSignedIn,
  seriousViolations,
  signInOnAccount,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: family calendar time zones', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('shows an event of another zone at the viewer’s time with its own time noted', async () => {
    const {
      user: aunt,
      token,
      familyId,
      context,
      page,
    } = await familyOfOne(web, browser, {
      prefix: 'aunt',
      familyName: 'The Berliners',
      timezoneId: 'America/New_York',
    });
    const call = apiAs(web);
    const zoned = await web.http('family', `/api/families/${familyId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token.token}` },
      body: { default_time_zone: 'Europe/Berlin' },
    });
    expect(zoned.status).toBe(200);
    // 17:00 in Berlin on 12 June 2031 (summer time, UTC+2) is 11:00 in New York (UTC-4).
    const event = await call(token, 'POST', '/family/api/calendar/events', {
      family_id: familyId,
      event_name: 'Piano lesson',
      event_type: 'other',
      start_time: '2031-06-12T15:00:00Z',
      end_time: '2031-06-12T16:00:00Z',
    });
    expect(event.status).toBe(201);
    expect(event.body.time_zone).toBe('Europe/Berlin');

    await openSignedIn(page, web, 'family', `calendar?family=${familyId}&date=2031-06-12`);
    const details = page.getByRole('list', { name: /^Planned on / });
    await visible(details.getByText('Piano lesson'));
    await visible(details.getByText(/^11:00\s?AM–12:00\s?PM \(05:00\s?PM in Europe\/Berlin\)$/));
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    // In Berlin itself, the time is the event's own: no note.
    const local = await newContext(browser, { timezoneId: 'Europe/Berlin' });
    const berlin = await local.newPage();
    await signInOnAccount(berlin, web, aunt);
    await openSignedIn(berlin, web, 'family', `calendar?family=${familyId}&date=2031-06-12`);
    const there = berlin.getByRole('list', { name: /^Planned on / });
    await visible(there.getByText('Piano lesson'));
    await visible(there.getByText(/^05:00\s?PM–06:00\s?PM$/));
    expect(await there.getByText(/in Europe\/Berlin/).count()).toBe(0);
    await local.close();
  }, 150_000);
});
