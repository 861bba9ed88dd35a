import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

export const root = new URL('../../', import.meta.url).pathname;

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'kohtaamo-data-'));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The environment of a child process: the test's own, less what would point it at another database. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'info', ...env };
}

export type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Starts `node <script> …args` with optional standard input; `done` is its end. */
export function start(script: string, args: string[], env: Record<string, string>, stdin?: string): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  child.stdin!.end(stdin ?? '');
  return { child, done };
}

/** Runs `node <script> …args` to the end, with optional standard input. */
export function run(script: string, args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return start(script, args, env, stdin).done;
}

export type RunningNode = { child: ChildProcess; url: string; output: () => string; exited: Promise<Run> };

// Every node a test starts, so none outlives its test: a test that fails or times out on a loaded
// machine must not leave a node holding a port or a data directory.
const spawned = new Set<ChildProcess>();

/** Kills every node a test started that is still running, and waits for each to go. */
export async function stopAllNodes(): Promise<void> {
  const running = [...spawned].filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => new Promise((resolve) => {
    child.once('close', resolve);
    child.kill('SIGKILL');
  })));
  spawned.clear();
}
// If the runner itself stops (mocha's --exit), no node is left behind either.
process.on('exit', () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** How long a node may take to answer /healthz on a loaded 2-core machine; the test's own timeout is set above this. */
export const startLimitMs = 150_000;

/**
 * The flags `npm start` gives Node (package.json), so a benchmark measures the node people run;
 * BENCH_NODE_FLAGS replaces them, to compare.
 */
export function startFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts `node [nodeFlags] server/main.ts` and waits until its /healthz answers. */
export async function spawnNode(env: Record<string, string>, nodeFlags: string[] = []): Promise<RunningNode> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, 'server/main.ts'], {
    cwd: root,
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  spawned.add(child);
  const exited = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await healthy(url))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`node exited: ${stdout}\n${stderr}`);
    if (Date.now() - started > startLimitMs) {
      child.kill('SIGKILL');
      throw new Error(`node did not answer /healthz: ${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, output: () => stdout + stderr, exited };
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).ok;
  } catch {
    return false;
  }
}

/** Closes servers a test started (loopback receivers, proxies), dropping their open connections first. */
export async function closeServers(servers: readonly { closeAllConnections(): void; close(callback: () => void): unknown }[]): Promise<void> {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
}
