// Federation's two figures, each beside the raw cryptographic limit measured in the same run:
// fan-out (one reply delivered to FOLLOWERS followers on SERVERS loopback servers that verify
// every signature; limit: RSA signatures per second on this machine) and the inbox (signed
// replies verified and stored per second; limit: RSA verifications per second).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { count, like } from 'drizzle-orm';
import { startSetUpNode } from '../support/set-up-node.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { until } from '../support/until.ts';
import { federationOutbox, federationQueue, followers } from '../../federation/federation.tables.ts';
import { posts } from '../../server/forums/forums.tables.ts';
import { paths } from '../../server/paths.ts';

const followerCount = Number(process.env.BENCH_FOLLOWERS ?? 1000);
const serverCount = Number(process.env.BENCH_SERVERS ?? 50);
const inboxCount = Number(process.env.BENCH_ACTIVITIES ?? 1000);

/** RSA-2048 (what Lemmy and Mastodon keys are) signatures and verifications per second, for 2 s each. */
function rsaLimits(): { signs: number; verifies: number } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const data = Buffer.from('(request-target): post /inbox\nhost: example.org\ndate: Fri, 04 Dec 2026 12:00:00 GMT\ndigest: SHA-256=x');
  const rate = (work: () => void) => {
    const end = performance.now() + 2000;
    let n = 0;
    while (performance.now() < end) {
      work();
      n++;
    }
    return n / 2;
  };
  const signature = sign('sha256', data, privateKey);
  return { signs: rate(() => sign('sha256', data, privateKey)), verifies: rate(() => verify('sha256', data, publicKey, signature)) };
}

/** A TypeScript child process, and its stdout line by line. */
function child(file: string, env: Record<string, string>): { process: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  const spawned = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { env: { ...process.env, ...env } });
  spawned.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return { process: spawned, lines: createInterface({ input: spawned.stdout })[Symbol.asyncIterator]() };
}
const nextLine = async (lines: AsyncIterator<string>) => (await lines.next()).value as string;

export async function runFederationBench(): Promise<void> {
  const limits = rsaLimits();
  // The inbox limit is for strangers; here one server sends everything at once on purpose.
  const node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true', LOG_LEVEL: 'silent', FEDERATION_INBOX_LIMIT: '1000000' }, people: ['sini'] });
  const db = node.database.db;
  try {
    const forum = await makeForum(db, 'avoin', 'public', { replyPolicy: 'members_and_remote' });
    const thread = await makeThread(db, node.people.sini!, forum, 'Mittaus', 'Aloitus');
    const drained = () => until('the outbox drained', async () => (await db.select({ n: count() }).from(federationOutbox))[0]!.n === 0 && (await db.select({ n: count() }).from(federationQueue))[0]!.n === 0, 600_000);
    await drained();

    // Fan-out: followers without a shared inbox, so each one is its own signed delivery.
    const receivers = child('./receivers.ts', { SERVERS: String(serverCount), EXPECTED: String(followerCount) });
    const urls = JSON.parse(await nextLine(receivers.lines)) as string[];
    const rows = Array.from({ length: followerCount }, (_, i) => {
      const actor = `${urls[i % urls.length]}/users/u${i}`;
      return { actor: 'avoin', follower: actor, inbox: `${actor}/inbox` };
    });
    for (let i = 0; i < rows.length; i += 500) await db.insert(followers).values(rows.slice(i, i + 500));
    const started = performance.now();
    await makeReply(db, node.people.sini!, forum, thread, 'Tämä lähtee tuhannelle seuraajalle.');
    const done = await nextLine(receivers.lines);
    const total = (performance.now() - started) / 1000;
    receivers.process.kill();
    const delivered = followerCount / total;
    console.log(`bench fanout ratio=${(delivered / limits.signs).toFixed(3)} ours=${delivered.toFixed(1)} limit=${limits.signs.toFixed(1)} total_s=${total.toFixed(2)} receivers_s=${done.split(' ')[1]}`);
    await db.delete(followers);
    await drained();

    // The inbox: signed replies from a server elsewhere, verified, stored.
    const sender = child('./sender.ts', {
      COUNT: String(inboxCount),
      NODE_INBOX: `${node.url}/ap/inbox`,
      REPLY_TO: `${node.url}/ap/threads/${thread.id}`,
      GROUP: `${node.url}/ap/actors/avoin`,
    });
    const senderUrl = await nextLine(sender.lines);
    await nextLine(sender.lines);
    const begun = performance.now();
    await until('all replies stored', async () => (await db.select({ n: count() }).from(posts).where(like(posts.iri, `${senderUrl}/%`)))[0]!.n >= inboxCount, 600_000);
    const taken = inboxCount / ((performance.now() - begun) / 1000);
    const sent = await nextLine(sender.lines);
    sender.process.kill();
    console.log(`bench inbox ratio=${(taken / limits.verifies).toFixed(3)} ours=${taken.toFixed(1)} limit=${limits.verifies.toFixed(1)} ${sent.replace('sent ', '')} database=${node.database.kind}`);
  } finally {
    await node.close();
  }
}
