// Family Planner's sample data: chores and party prep, this month's calendar, the groceries, an iCal link.
import type { Caller } from './caller.ts';
import { daysFrom, isoDay, thisMonth } from './dates.ts';

export async function seedFamilyLife(
  morticia: Caller,
  gomez: Caller,
  familyId: string,
  members: { gomez: string; wednesday: string },
) {
  const chores = await morticia('family', '/api/todos', {
    body: { family_id: familyId, list_name: 'Chores', list_type: 'chores' },
  });
  const tomorrow = daysFrom(new Date(), 1);
  tomorrow.setHours(8, 0, 0, 0);
  for (const item of [
    { title: 'Feed the cat', assigned_to: members.wednesday, status: 'done' },
    { title: 'Water the carnivorous plants', assigned_to: members.wednesday, status: 'in_progress' },
    {
      title: 'Take out the bins',
      assigned_to: members.gomez,
      priority: 'high',
      due_date: tomorrow.toISOString(),
      // Every week, in turns, five points a time.
      recurrence_rule: 'FREQ=WEEKLY',
      rotation: [members.gomez, members.wednesday],
      points: 5,
      reminders: [{ minutes_before: 60 }],
    },
    // Due that day, all day.
    { title: 'Polish the candelabras', priority: 'low', due_date: isoDay(daysFrom(new Date(), 3)) },
  ])
    await morticia('family', `/api/todos/${chores.list_id}/items`, { body: item });
  const prepItems: { item_id: string }[] = [];
  const prep = await morticia('family', '/api/todos', {
    body: { family_id: familyId, list_name: 'Party prep', list_type: 'shared' },
  });
  for (const item of [
    {
      title: 'Send the invitations',
      assigned_to: members.gomez,
      priority: 'urgent',
      due_date: isoDay(daysFrom(new Date(), 5)),
    },
    { title: 'Borrow a second fog machine', priority: 'medium' },
  ])
    prepItems.push(await morticia('family', `/api/todos/${prep.list_id}/items`, { body: item }));

  for (const event of [
    { event_name: 'School photos', event_type: 'school', start_time: thisMonth(4, 8, 30) },
    {
      event_name: 'Dentist',
      event_type: 'appointment',
      start_time: thisMonth(12, 9, 30),
      location: 'Main Street 12',
    },
    { event_name: 'Grandmama’s birthday', event_type: 'birthday', start_time: thisMonth(21, 12) },
    {
      event_name: 'Piano lesson',
      event_type: 'appointment',
      start_time: (() => {
        const today = new Date();
        today.setHours(17, 30, 0, 0);
        return today;
      })(),
      attendees: [members.wednesday],
      recurrence_rule: 'FREQ=WEEKLY',
    },
    { event_name: 'Parents’ evening', event_type: 'school', start_time: thisMonth(27, 18) },
  ])
    await morticia('family', '/api/calendar/events', {
      body: {
        ...event,
        family_id: familyId,
        start_time: event.start_time.toISOString(),
        end_time: new Date(event.start_time.getTime() + 3_600_000).toISOString(),
      },
    });

  const groceries = await morticia('family', '/api/shopping-lists', {
    body: { family_id: familyId, list_name: 'Groceries' },
  });
  for (const item of [
    { name: 'Milk', quantity: 2, unit: 'l', cost_cents: 238 },
    { name: 'Bread', quantity: 1, cost_cents: 265 },
    { name: 'Apples', quantity: 6, cost_cents: 300 },
    { name: 'Black candles', quantity: 12, cost_cents: 899 },
    { name: 'Cat food', quantity: 4, unit: 'can' },
  ]) {
    const added = await morticia('family', `/api/shopping-lists/${groceries.list_id}/items`, { body: item });
    if (item.name === 'Bread')
      await gomez('family', `/api/shopping-lists/${groceries.list_id}/items/${added.item_id}`, {
        method: 'PATCH',
        body: { checked: true },
      });
  }
  // The family chat: a question with the errand linked as a card, and the answer to it.
  const chat = `/api/families/${familyId}/messages`;
  const question = await morticia('family', chat, {
    body: {
      body: 'Who can ask Uncle Fester for his fog machine?',
      link: { kind: 'todo', id: prepItems[1]?.item_id },
    },
  });
  await gomez('family', chat, {
    body: { body: 'I will, on my way home tonight.', reply_to: question.message_id },
  });
  await morticia('family', chat, { body: { body: 'Perfect. And the candles are on the list.' } });

  // Gomez's calendar app already subscribes; Morticia makes her own link on the page.
  await gomez('family', `/api/families/${familyId}/ical`, { method: 'POST' });
}
