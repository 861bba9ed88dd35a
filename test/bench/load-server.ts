// The load benchmark's server, in a process of its own: our node on a filled forum with 200
// members who can sign in. It prints one JSON line (where it is, what there is to read); then it
// reads one JSON line on stdin, the writes the load generator saw acknowledged, and prints which of
// them the database holds.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { desc, eq, inArray, like, sql } from 'drizzle-orm';
import { freshDatabase } from '../support/database.ts';
import { fillForum } from './forum-data.ts';
import { paths } from '../../server/paths.ts';
import { loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { ensureSettings } from '../../server/admin/setup.service.ts';
import { writeSettings } from '../../server/admin/settings.service.ts';
import { createUser } from '../../server/accounts/accounts.service.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { posts, reactions, threads } from '../../server/forums/forums.tables.ts';

export const loadPassword = 'load password load';
export type LoadServer = { url: string; database: string; members: string[]; threadPaths: string[]; postIds: string[]; forumSlug: string; searchWords: string[] };
export type Acknowledged = { replies: string[]; reactions: [username: string, postId: string][] };
export type Found = { replies: number; reactions: number };

const log = (line: string) => process.stderr.write(`${line}\n`);
const fresh = await freshDatabase();
const db = fresh.database.db;
const data = await fillForum(db, Number(process.env.BENCH_THREADS ?? 10_000), Number(process.env.BENCH_POSTS ?? 100_000), log);
await createUser(db, { username: 'load_admin', password: loadPassword, role: 'admin' });
await ensureSettings(db, 'Bench ry');
// Members who have posted before: their replies are not held for a moderator.
await writeSettings(db, { premoderatedPosts: 0 });
const passwordHash = await hashPassword(loadPassword);
const now = new Date();
const members = Array.from({ length: 200 }, (_, i) => `load_${i}`);
await db.insert(users).values(members.map((username) => ({ username, displayName: username, passwordHash, status: 'active' as const, approvedAt: now, rulesAcceptedAt: now })));

const config = loadConfig({ DATA_DIR: 'memory://', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'fi' });
const server = createServer(buildApp({ config, database: fresh.database, mailer: { send: async () => {} }, log: () => {} }).app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const recent = await db.select({ id: threads.id, number: threads.number, title: threads.title }).from(threads).orderBy(desc(threads.lastPostAt)).limit(200);
const reactable = await db.select({ id: posts.id }).from(posts).orderBy(sql`random()`).limit(5000);
const description: LoadServer = {
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  database: fresh.database.kind,
  members,
  threadPaths: recent.map((t) => paths.thread(t)),
  postIds: reactable.map((p) => p.id),
  forumSlug: data.forumSlug,
  searchWords: ['ryhmä', 'kävely', 'toivo', 'kuukausi', 'vertaistuki', 'stöd'],
};
process.stdout.write(`${JSON.stringify(description)}\n`);

const line = await new Promise<string>((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
const acknowledged = JSON.parse(line) as Acknowledged;
const written = await db.select({ body: posts.body }).from(posts).where(like(posts.body, 'load-reply %'));
const bodies = new Set(written.map((row) => row.body));
const given = acknowledged.reactions.length
  ? await db
      .select({ username: users.username, postId: reactions.postId })
      .from(reactions)
      .innerJoin(users, eq(users.id, reactions.userId))
      .where(inArray(users.username, members))
  : [];
const pairs = new Set(given.map((row) => `${row.username} ${row.postId}`));
const found: Found = {
  replies: acknowledged.replies.filter((body) => bodies.has(body)).length,
  reactions: acknowledged.reactions.filter(([username, postId]) => pairs.has(`${username} ${postId}`)).length,
};
process.stdout.write(`${JSON.stringify(found)}\n`);
server.closeAllConnections();
server.close();
await fresh.drop();
process.exit(0);
