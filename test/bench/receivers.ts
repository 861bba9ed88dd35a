// The fan-out benchmark's receivers, in a process of their own: SERVERS loopback servers, each
// taking deliveries for any inbox path, verifying every draft-cavage signature against the
// sender's key (fetched once per key id) with node:crypto, and counting the verified ones.
// Prints the servers' addresses, then "done <seconds>" when EXPECTED deliveries verified.
import { createHash, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const servers = Number(process.env.SERVERS ?? 50);
const expected = Number(process.env.EXPECTED ?? 1000);
const keys = new Map<string, Promise<string | undefined>>();
let verified = 0;
let first = 0;

async function keyFor(keyId: string): Promise<string | undefined> {
  const response = await fetch(keyId, { headers: { accept: 'application/activity+json' } });
  if (!response.ok) return undefined;
  const actor = (await response.json()) as { publicKey?: { id: string; publicKeyPem: string } | { id: string; publicKeyPem: string }[] };
  const list = Array.isArray(actor.publicKey) ? actor.publicKey : actor.publicKey ? [actor.publicKey] : [];
  return list.find((key) => key.id === keyId)?.publicKeyPem;
}

function params(header: string): Record<string, string> {
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

const urls: string[] = [];
for (let i = 0; i < servers; i++) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const header = req.headers.signature;
    if (typeof header !== 'string' || req.headers['signature-input']) return void res.writeHead(401).end();
    const p = params(header);
    const signing = (p.headers ?? 'date')
      .split(' ')
      .map((name) => (name === '(request-target)' ? `(request-target): ${req.method!.toLowerCase()} ${req.url}` : `${name}: ${req.headers[name]}`))
      .join('\n');
    if (!keys.has(p.keyId!)) keys.set(p.keyId!, keyFor(p.keyId!));
    const pem = await keys.get(p.keyId!);
    const digestOk = req.headers.digest === `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
    if (!pem || !digestOk || !verify('sha256', Buffer.from(signing), pem, Buffer.from(p.signature ?? '', 'base64'))) return void res.writeHead(401).end();
    res.writeHead(202).end();
    if (!first) first = performance.now();
    if (++verified === expected) process.stdout.write(`done ${((performance.now() - first) / 1000).toFixed(3)}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}
process.stdout.write(`${JSON.stringify(urls)}\n`);
