// The node's resident memory: a real `node server/main.ts` on an empty data directory (PGlite),
// or a fresh PostgreSQL database when DATABASE_URL is set, idle after start and at its peak
// after a burst of requests (VmRSS and VmHWM from /proc/PID/status).
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { freshDatabase, serverUrl } from '../support/database.ts';
import { spawnNode, startFlags, stopAllNodes, tempDataDir } from '../support/process.ts';

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export async function runMemoryBench(): Promise<void> {
  const fresh = serverUrl ? await freshDatabase() : null;
  const env: Record<string, string> = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', ...(fresh ? { DATABASE_URL: fresh.url! } : {}) };
  const flags = startFlags();
  try {
    const node = await spawnNode(env, flags);
    const pid = node.child.pid!;
    // Idle: a few seconds after it answers, once start-up's garbage is collected.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idle = memory(pid);
    for (const path of ['/setup', '/healthz']) {
      await autocannon({ url: `${node.url}${path}`, connections: 32, duration: Number(process.env.BENCH_SECONDS ?? 10) });
    }
    const after = memory(pid);
    console.log(`bench rss idle_mb=${idle.rss.toFixed(0)} peak_mb=${after.peak.toFixed(0)} start_peak_mb=${idle.peak.toFixed(0)} after_load_mb=${after.rss.toFixed(0)} database=${fresh ? 'postgresql' : 'pglite'}${flags.length ? ` flags=${flags.join(',')}` : ''}`);
  } finally {
    await stopAllNodes();
    await fresh?.drop();
  }
}
