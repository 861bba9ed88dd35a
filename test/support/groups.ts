import type { Db } from '../../server/db/client.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import { addFacilitator, saveGroup, type Group } from '../../server/groups/groups.service.ts';

/** A valid listing form: a weekly open group in Tampere, changed by `fields`. */
export function listing(fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Tiistain kävelyryhmä',
    slug: 'tiistain-kavely',
    summary: 'Kävellään yhdessä ja jutellaan.',
    description: 'Lähdemme kirjaston edestä.',
    kind: 'peer_support',
    joinPolicy: 'open',
    howToJoin: '',
    cost: '',
    capacity: '',
    status: 'active',
    accessibility: '',
    contact: 'Ohjaaja Oona, 040 123 4567',
    inPerson: 'on',
    municipalityCode: '837',
    address: 'Kirjastokatu 1',
    videoUrl: '',
    frequency: 'weekly',
    weekday: '2',
    monthWeek: '',
    startTime: '18:00',
    durationMinutes: '90',
    startsOn: '2026-01-06',
    endsOn: '',
    languages: ['fi'],
    ...fields,
  };
}

/** A group made straight through the service, with facilitators named by username. */
export async function makeGroup(db: Db, fields: Record<string, string | string[]> = {}, facilitators: User[] = []): Promise<Group> {
  const result = await saveGroup(db, null, listing(fields));
  if (!result.ok) throw new Error(`could not make group: ${JSON.stringify(result.errors)}`);
  for (const person of facilitators) await addFacilitator(db, result.group.id, person.username);
  return result.group;
}
