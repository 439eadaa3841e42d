// The sample data `npm run screenshots` shows: the Addams family's week and their Halloween party,
// made through the public APIs as the three of them would, so every page has something real on it.
import type { TestUser, WebPlatform } from '../support.ts';
import { type Caller, signUp } from './caller.ts';
import { seedCooking } from './cooking.ts';
import { seedFamilyLife } from './family-life.ts';
import { seedHalloween } from './halloween.ts';

export interface Cast {
  morticia: TestUser;
  gomez: TestUser;
  wednesday: TestUser;
}

/** What the screenshots open directly. */
export interface SampleData {
  partyId: string;
  riceId: string;
  soupId: string;
}

export async function seedSampleData(web: WebPlatform, cast: Cast): Promise<SampleData> {
  const morticia = await signUp(web, cast.morticia, 'Morticia');
  const gomez = await signUp(web, cast.gomez, 'Gomez');
  const wednesday = await signUp(web, cast.wednesday, 'Wednesday');

  // The Family plan: its shared calendars (iCal links) are on the Family page.
  await morticia('account', '/api/subscription', { body: { plan_code: 'family', provider: 'dev' } });
  const family = await morticia('family', '/api/families', { body: { family_name: 'The Addams' } });
  const familyId = family.family_id as string;
  // Morticia invites, and each accepts.
  const join = async (who: Caller, login: string, role: 'parent' | 'child') => {
    const invitation = await morticia('family', `/api/families/${familyId}/invitations`, {
      body: { login, role },
    });
    const answer = await who('family', `/api/invitations/${invitation.invitation_id}/accept`, {
      method: 'POST',
    });
    return answer.member.user_id as string;
  };
  const members = {
    gomez: await join(gomez, cast.gomez.username, 'parent'),
    wednesday: await join(wednesday, cast.wednesday.username, 'child'),
  };

  await seedAccount(web, morticia);
  const cooking = await seedCooking(morticia, gomez, wednesday);
  const partyId = await seedHalloween(morticia, gomez, wednesday, familyId, cooking.soupId);
  await seedFamilyLife(morticia, gomez, familyId, members);
  return { partyId, ...cooking };
}

/**
 * Morticia bought credits, paired the kitchen speaker and brought her OpenAI key, which the apps
 * use by default (she picks the free model for a recipe on the Hollowtown page), as the devices,
 * credits and AI pages show.
 */
async function seedAccount(web: WebPlatform, morticia: Caller) {
  await morticia('account', '/api/credits/purchase', { body: { credits: 500 } });
  const pairing = await web.http('account', '/api/devices/pair/start', {
    body: { device_type: 'voice', device_name: 'Kitchen speaker' },
  });
  await morticia('account', '/api/devices/pair', { body: { user_code: pairing.body.user_code } });
  const token = await web.http('account', '/api/devices/pair/token', {
    body: {
      device_code: pairing.body.device_code,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    },
  });
  if (token.status !== 200) throw new Error(`pairing the speaker: ${JSON.stringify(token.body)}`);
  await morticia('account', '/api/keys/add', {
    body: { provider: 'openai', api_key: 'sk-sample-not-a-real-key-0000M0rt', label: 'Home' },
  });
  await morticia('localhost', '/ai/api/preferences', {
    method: 'PUT',
    body: { model_preference: 'gpt-4o', fallback_model: 'llama3.2' },
  });
}
