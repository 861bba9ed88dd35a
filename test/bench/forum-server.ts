// The servers the forum benchmark measures, in a process of their own so the load generator
// does not share their event loop: our node on a filled database, and a bare Express +
// Handlebars app that renders the same pages as static templates.
import express from 'express';
import Handlebars from 'handlebars';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshDatabase } from '../support/database.ts';
import { loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { ensureSettings } from '../../server/admin/setup.service.ts';
import { createUser } from '../../server/accounts/accounts.service.ts';
import { fillForum } from './forum-data.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const fresh = await freshDatabase();
const data = await fillForum(fresh.database.db, Number(process.env.BENCH_THREADS ?? 10_000), Number(process.env.BENCH_POSTS ?? 100_000), log);
await createUser(fresh.database.db, { username: 'bench_admin', password: 'bench admin password', role: 'admin' });
await ensureSettings(fresh.database.db, 'Bench ry');

async function listen(app: express.Express): Promise<string> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const config = loadConfig({ DATA_DIR: 'memory://', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'fi' });
const ours = await listen(buildApp({ config, database: fresh.database, mailer: { send: async () => {} }, log: () => {} }).app);

const paths = {
  'thread-page': `/threads/${data.bigThreadId}?page=2`,
  'forum-index': `/forums/${data.forumSlug}`,
  search: `/search?q=${encodeURIComponent(data.searchWord)}`,
};
const bare = express();
for (const path of Object.values(paths)) {
  const html = await (await fetch(`${ours}${path}`)).text();
  // The same bytes, as a Handlebars template with nothing to look up.
  const template = Handlebars.compile(html.replaceAll('{{', '\\{{'));
  bare.get(path.split('?')[0]!, (_req, res) => {
    res.type('html').send(template({}));
  });
}
const bareUrl = await listen(bare);

// A signed-in member's session, for the same pages without the visitor cache.
const loginPage = await fetch(`${ours}/login`);
const cookie = loginPage.headers.getSetCookie()[0]!.split(';')[0]!;
const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
const signIn = await fetch(`${ours}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: token, login: 'bench_admin', password: 'bench admin password', next: '/' }),
});
const memberCookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
process.stdout.write(`${JSON.stringify({ ours, bare: bareUrl, paths, memberCookie, database: fresh.database.kind })}\n`);
process.on('SIGTERM', async () => {
  await fresh.drop();
  process.exit(0);
});
