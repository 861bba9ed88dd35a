// What every benchmark server does once its data is in: serve our node and, beside it, a bare
// Express + Handlebars app sending the same bytes, sign in a member, and tell the load generator
// (over stdout, one JSON line) where everything is.
import express from 'express';
import Handlebars from 'handlebars';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestDatabase } from '../support/database.ts';
import { loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { ensureSettings } from '../../server/admin/setup.service.ts';
import { createUser } from '../../server/accounts/accounts.service.ts';
import cluster from 'node:cluster';
import { freePort } from '../support/process.ts';
import type { Database } from '../../server/db/client.ts';

/** How many processes serve our node (WEB_CONCURRENCY, PostgreSQL only). */
const processes = Number(process.env.WEB_CONCURRENCY ?? 1);

/** Our node's app on the bench's database, as one of `processes` when there are more. */
export function benchApp(database: Database, worker?: { number: number; count: number }): express.Express {
  const config = loadConfig({ DATA_DIR: 'memory://', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'fi' });
  return buildApp({ config, database, mailer: { send: async () => {} }, log: () => {}, worker }).app;
}

/**
 * Our node: in this process, or with WEB_CONCURRENCY=N on PostgreSQL in N processes sharing one
 * port (node-worker.ts), as `npm start` would run them.
 */
async function serveNode(fresh: TestDatabase): Promise<string> {
  if (processes <= 1 || !fresh.url) return listen(benchApp(fresh.database));
  const port = await freePort();
  cluster.setupPrimary({ exec: new URL('./node-worker.ts', import.meta.url).pathname });
  const workers = Array.from({ length: processes }, (_, i) => cluster.fork({ BENCH_DATABASE_URL: fresh.url!, BENCH_PORT: String(port), BENCH_WORKER: String(i + 1) }));
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('listening', resolve))));
  process.on('exit', () => workers.forEach((worker) => worker.process.kill('SIGKILL')));
  return `http://127.0.0.1:${port}`;
}

async function listen(app: express.Express): Promise<string> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Signs in through the login form and answers the session cookie. */
async function signIn(ours: string, username: string): Promise<string> {
  const loginPage = await fetch(`${ours}/login`);
  const cookie = loginPage.headers.getSetCookie()[0]!.split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
  const signedIn = await fetch(`${ours}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, login: username, password: 'bench password bench', next: '/' }),
  });
  return signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
}

export async function serveWithBaseline(fresh: TestDatabase, paths: Record<string, string>): Promise<void> {
  // The node's admin (without one every page leads to /setup), and the two signed-in readers
  // measured: a plain member, and a moderator, whose pages also count what waits in the queue.
  for (const role of ['admin', 'member', 'moderator'] as const) await createUser(fresh.database.db, { username: `bench_${role}`, password: 'bench password bench', role });
  await ensureSettings(fresh.database.db, 'Bench ry');
  const ours = await serveNode(fresh);

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

  // Signed-in sessions, for the same pages without the visitor cache.
  const cookies = { member: await signIn(ours, 'bench_member'), moderator: await signIn(ours, 'bench_moderator') };
  process.stdout.write(`${JSON.stringify({ ours, bare: bareUrl, paths, cookies, database: fresh.url && processes > 1 ? `${fresh.database.kind} processes=${processes}` : fresh.database.kind })}\n`);
  process.on('SIGTERM', async () => {
    await fresh.drop();
    process.exit(0);
  });
}
