// The groups benchmark's servers: a directory of BENCH_GROUPS groups (default 500, a large
// association or a region's network) with schedules and changes, and the bare baseline.
import { freshDatabase } from '../support/database.ts';
import { saveGroup, addChange } from '../../server/groups/groups.service.ts';
import { groupKinds } from '../../server/groups/groups.tables.ts';
import { municipalities } from '../../server/groups/municipalities.ts';
import { listing } from '../support/groups.ts';
import { makeUser } from '../support/fixtures.ts';
import { serveWithBaseline } from './serve.ts';

const fresh = await freshDatabase();
const db = fresh.database.db;
const count = Number(process.env.BENCH_GROUPS ?? 500);
const leader = await makeUser(db, 'bench_leader', 'admin');
const frequencies = ['weekly', 'biweekly', 'monthly'];
for (let i = 0; i < count; i++) {
  const result = await saveGroup(
    db,
    null,
    listing({
      name: `Ryhmä ${i}`,
      slug: `ryhma-${i}`,
      kind: groupKinds[i % groupKinds.length]!,
      municipalityCode: municipalities[i % municipalities.length]!.code,
      remote: i % 3 === 0 ? 'on' : '',
      videoUrl: i % 3 === 0 ? 'https://video.example/r' : '',
      joinPolicy: i % 4 === 0 ? 'closed' : 'open',
      frequency: frequencies[i % 3]!,
      weekday: String((i % 7) + 1),
      monthWeek: i % 3 === 2 ? String((i % 4) + 1) : '',
    }),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  if (i % 5 === 0) await addChange(db, result.group.id, { kind: 'extra', on: '2027-02-02', startTime: '12:00' }, leader.id);
}
process.stderr.write(`${count} groups\n`);
await serveWithBaseline(fresh, {
  directory: '/groups',
  'directory-filtered': '/groups?weekday=2&mode=in_person&language=fi',
  'group-page': '/groups/ryhma-7',
});
