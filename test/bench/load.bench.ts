// The load benchmark: 200 signed-in members and 20 visitors using the node at once for two
// minutes, each pausing between 0.5 and 3 seconds as a reader does: reading conversations and
// lists, searching, replying, sending strength, opening their notices. It counts every answer
// that was not what the page should give, the 99th percentile of answer times, and afterwards
// asks the server's database for every write that was acknowledged.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Acknowledged, Found, LoadServer } from './load-server.ts';
import { startFlags } from '../support/process.ts';

const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 120);
const visitors = 20;

type Answer = { status: number; location: string | null; text: string; cookie: string | null };

const percentile = (times: number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
};
const p99Of = (times: number[]) => percentile(times, 0.99);

class Stats {
  times: number[] = [];
  byKind = new Map<string, number[]>();
  time(kind: string, ms: number): void {
    this.times.push(ms);
    const list = this.byKind.get(kind) ?? [];
    list.push(ms);
    this.byKind.set(kind, list);
  }
  errors = 0;
  examples = new Map<string, number>();
  fail(what: string): void {
    this.errors++;
    this.examples.set(what, (this.examples.get(what) ?? 0) + 1);
  }
}

async function request(stats: Stats | null, kind: string, url: string, init: { cookie?: string; form?: Record<string, string> } = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: init.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: init.form ? new URLSearchParams(init.form) : undefined,
  });
  const text = await response.text();
  stats?.time(kind, performance.now() - started);
  return { status: response.status, location: response.headers.get('location'), text, cookie: response.headers.getSetCookie()[0]?.split(';')[0] ?? null };
}

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const pause = () => new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2500));

async function signIn(server: LoadServer, username: string): Promise<{ cookie: string; token: string }> {
  const form = await request(null, 'login', `${server.url}/login`);
  const signedIn = await request(null, 'login', `${server.url}/login`, { cookie: form.cookie!, form: { _csrf: tokenOf(form.text), login: username, password: 'load password load', next: '/' } });
  if (signedIn.status !== 302 && signedIn.status !== 303) throw new Error(`${username} could not sign in: ${signedIn.status}`);
  const cookie = signedIn.cookie!;
  const page = await request(null, 'thread', `${server.url}${server.threadPaths[0]}`, { cookie });
  return { cookie, token: tokenOf(page.text) };
}

async function member(server: LoadServer, index: number, session: { cookie: string; token: string }, until: number, stats: Stats, acknowledged: Acknowledged): Promise<void> {
  const username = server.members[index]!;
  const { cookie, token } = session;
  let replies = 0;
  let reactions = 0;
  // People do not all click at the same moment.
  await pause();
  const expect = (answer: Answer, what: string, statuses: number[]) => {
    if (!statuses.includes(answer.status)) stats.fail(`${what} ${answer.status}`);
    return statuses.includes(answer.status);
  };
  while (Date.now() < until) {
    const roll = Math.random();
    try {
      if (roll < 0.35) expect(await request(stats, 'thread', `${server.url}${pick(server.threadPaths)}`, { cookie }), 'thread', [200]);
      else if (roll < 0.55) expect(await request(stats, 'forum', `${server.url}/forums/${server.forumSlug}?page=${1 + Math.floor(Math.random() * 5)}`, { cookie }), 'forum', [200]);
      else if (roll < 0.65) expect(await request(stats, 'search', `${server.url}/search?q=${encodeURIComponent(pick(server.searchWords))}`, { cookie }), 'search', [200]);
      else if (roll < 0.75) {
        const body = `load-reply ${username} ${replies++}`;
        const answer = await request(stats, 'reply', `${server.url}${pick(server.threadPaths)}/replies`, { cookie, form: { _csrf: token, body } });
        if (expect(answer, 'reply', [302, 303])) acknowledged.replies.push(body);
      } else if (roll < 0.85) {
        // Each member sends strength to posts of their own share, once each: a second press would take it back.
        const postId = server.postIds[(index * 25 + reactions++) % server.postIds.length]!;
        const answer = await request(stats, 'support', `${server.url}/posts/${postId}/support`, { cookie, form: { _csrf: token } });
        if (expect(answer, 'support', [302, 303])) acknowledged.reactions.push([username, postId]);
      } else if (roll < 0.95) expect(await request(stats, 'notifications', `${server.url}/notifications`, { cookie }), 'notifications', [200]);
      else expect(await request(stats, 'front', `${server.url}/`, { cookie }), 'front', [200]);
    } catch (error) {
      stats.fail(`network ${(error as Error).message}`);
    }
    await pause();
  }
}

async function visitor(server: LoadServer, until: number, stats: Stats): Promise<void> {
  await pause();
  while (Date.now() < until) {
    const roll = Math.random();
    const path = roll < 0.6 ? pick(server.threadPaths) : roll < 0.9 ? `/forums/${server.forumSlug}` : `/search?q=${encodeURIComponent(pick(server.searchWords))}`;
    try {
      const answer = await request(stats, 'visitor', `${server.url}${path}`);
      if (answer.status !== 200) stats.fail(`visitor ${answer.status}`);
    } catch (error) {
      stats.fail(`network ${(error as Error).message}`);
    }
    await pause();
  }
}

export async function runLoadBench(): Promise<void> {
  const child = spawn(process.execPath, [...startFlags(), new URL('./load-server.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the load server stopped');
    return value as string;
  };
  try {
    const server = JSON.parse(await next()) as LoadServer;
    const sessions: { cookie: string; token: string }[] = [];
    for (let i = 0; i < server.members.length; i += 8) {
      sessions.push(...(await Promise.all(server.members.slice(i, i + 8).map((username) => signIn(server, username)))));
    }
    const stats = new Stats();
    const acknowledged: Acknowledged = { replies: [], reactions: [] };
    const until = Date.now() + seconds * 1000;
    await Promise.all([
      ...sessions.map((session, i) => member(server, i, session, until, stats, acknowledged)),
      ...Array.from({ length: visitors }, () => visitor(server, until, stats)),
    ]);
    child.stdin!.write(`${JSON.stringify(acknowledged)}\n`);
    const found = JSON.parse(await next()) as Found;
    const times = stats.times;
    const p99 = p99Of(times);
    const acked = acknowledged.replies.length + acknowledged.reactions.length;
    for (const [what, n] of stats.examples) console.log(`load error ${what} ×${n}`);
    console.log(`load p99_ms ${[...stats.byKind].map(([kind, list]) => `${kind}=${p99Of(list)}`).join(' ')}`);
    console.log(
      `bench load sessions=${sessions.length} visitors=${visitors} seconds=${seconds} requests=${times.length} rps=${(times.length / seconds).toFixed(1)} errors=${stats.errors} ` +
        `p50_ms=${percentile(times, 0.5)} p99_ms=${p99} writes_acked=${acked} writes_found=${found.replies + found.reactions} database=${server.database}`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}
