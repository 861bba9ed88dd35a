// A node holding a bit of every kind of data (accounts and roles, forums of both kinds, threads,
// replies, quotes, edits, support, groups, meetings, requests, reports, moderators' messages,
// mutes, invites), for the tests that copy a whole node: backups, restores, moves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../server/db/client.ts';
import { createInvite } from '../../server/accounts/invites.service.ts';
import { editPost, findPost, setSupport } from '../../server/forums/threads.service.ts';
import { addChange } from '../../server/groups/groups.service.ts';
import { ask, join as joinGroup } from '../../server/groups/membership.service.ts';
import { setMuted } from '../../server/moderation/members.service.ts';
import { report, warnMember } from '../../server/moderation/moderation.service.ts';
import { makeUser, setUpNode } from './fixtures.ts';
import { makeForum, makeReply, makeThread } from './forums.ts';
import { makeGroup } from './groups.ts';
import { paths } from '../../server/paths.ts';

export type FullNode = { publicThreadPath: string; membersThreadPath: string; member: string; upload: Buffer };

function check(result: { ok: boolean }, what: string): void {
  if (!result.ok) throw new Error(`could not ${what}: ${JSON.stringify(result)}`);
}

export async function fillNode(db: Db, dataDir: string): Promise<FullNode> {
  const admin = await setUpNode(db);
  const mirja = await makeUser(db, 'mirja', 'member', 'active', 'mirja@example.org');
  const pekka = await makeUser(db, 'pekka');
  const matti = await makeUser(db, 'mod_matti', 'moderator');
  await makeUser(db, 'odottava', 'member', 'pending');
  const open = await makeForum(db, 'yleinen', 'public');
  const members = await makeForum(db, 'jasenille', 'members');
  const thread = await makeThread(db, mirja, open, 'Miten jaksatte talvella?', 'Pimeys *painaa*, mikä auttaa teitä?');
  const first = await makeReply(db, pekka, open, thread, 'Kävely aamulla auttaa minua.');
  await makeReply(db, mirja, open, thread, 'Kiitos, kokeilen!', first.id);
  await makeThread(db, pekka, open, 'Raskas aihe', 'Tästä on vaikea puhua.', 'Itsetuhoisuus');
  const secret = await makeThread(db, mirja, members, 'Vain jäsenille', 'Tämä ei näy muille.');
  const found = (await findPost(db, first.id))!;
  check(await editPost(db, pekka, found, { body: 'Kävely aamulla auttaa minua paljon.', contentWarning: '' }), 'edit');
  check(await setSupport(db, mirja, (await findPost(db, first.id))!, true), 'support');
  check(await report(db, mirja, { post: (await findPost(db, first.id))!.post, member: pekka }, { reason: 'worry', note: 'Huolestuttaa' }), 'report');
  check(await warnMember(db, matti, pekka, { message: 'Muistathan säännöt.' }), 'warn');
  check(await setMuted(db, mirja, pekka, true), 'mute');
  check(await createInvite(db, admin.id, { note: 'Uusille', days: '7', maxUses: '3' }), 'invite');
  const walking = await makeGroup(db, {}, [matti]);
  check(await joinGroup(db, pekka, walking), 'join');
  check(await addChange(db, walking.id, { kind: 'cancelled', on: '2027-01-05', startTime: '', durationMinutes: '', note: 'Loma' }, matti.id), 'cancel a meeting');
  const closed = await makeGroup(db, { name: 'Suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed', howToJoin: 'Kerro itsestäsi.' }, [matti]);
  check(await ask(db, mirja, closed, { message: 'Haluaisin mukaan.' }), 'ask to join');
  // An uploaded file (the association's logo, later): any bytes, compared byte for byte.
  const upload = randomBytes(70_000);
  mkdirSync(join(dataDir, 'uploads', 'logo'), { recursive: true });
  writeFileSync(join(dataDir, 'uploads', 'logo', 'logo.webp'), upload);
  return { publicThreadPath: `${paths.thread(thread)}`, membersThreadPath: `${paths.thread(secret)}`, member: 'mirja', upload };
}
