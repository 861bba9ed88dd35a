// The page benchmarks: requests per second and p99 latency at 32 connections for each page a
// bench server names, each beside a bare Express + Handlebars route serving the same HTML.
// forum: a thread page, a forum's thread list and a search; groups: the directory, a filtered
// directory and a group page.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startFlags } from '../support/process.ts';

type Servers = { ours: string; bare: string; paths: Record<string, string>; cookies: { member: string; moderator: string }; database: string };

const seconds = Number(process.env.BENCH_SECONDS ?? 10);

function load(url: string, headers: Record<string, string> = {}) {
  return autocannon({ url, connections: 32, duration: seconds, headers });
}

export async function runPageBench(serverScript: string): Promise<void> {
  const child = spawn(process.execPath, [...startFlags(), new URL(serverScript, import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const servers = JSON.parse(first) as Servers;
  try {
    // As a visitor (the pages anyone reads, with the visitor page cache), then signed in as a
    // member and as a moderator (every request rendered from the database).
    for (const [suffix, headers] of [['', {}], ['-member', { cookie: servers.cookies.member }], ['-moderator', { cookie: servers.cookies.moderator }]] as const) {
      for (const [name, path] of Object.entries(servers.paths)) {
        await load(`${servers.ours}${path}`, headers); // warm-up, not counted
        const ours = await load(`${servers.ours}${path}`, headers);
        const bare = await load(`${servers.bare}${path}`);
        if (ours.non2xx) throw new Error(`${name}${suffix}: ${ours.non2xx} answers were not 2xx`);
        const ratio = ours.requests.average / bare.requests.average;
        // Requests that took longer than autocannon's 10 s limit are counted, not hidden.
        const timeouts = ours.timeouts ? ` timeouts=${ours.timeouts}` : '';
        console.log(`bench ${name}${suffix} ratio=${ratio.toFixed(3)} ours=${ours.requests.average.toFixed(1)} bare=${bare.requests.average.toFixed(1)} p99_ms=${ours.latency.p99}${timeouts}`);
      }
    }
    console.log(`database ${servers.database}`);
  } finally {
    child.kill('SIGTERM');
  }
}
