// A server that is not Fedify: it serves hand-written ActivityPub JSON in the shapes Lemmy,
// Mastodon and Mobilizon use, signs what it sends with Joyent's http-signature (draft-cavage, as
// those servers do), and checks the node's deliveries with the same library. It is how the suite
// knows our signatures verify for software other than our own, and how attacks are sent.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpSignature from 'http-signature';

export type KeyPair = { publicKeyPem: string; privateKeyPem: string };

export function rsaKeys(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export type Delivery = { path: string; activity: Record<string, unknown>; verified: boolean; keyId: string | null; body: string };

export type ForeignPeer = {
  url: string;
  /** Documents served as application/activity+json, by path. */
  documents: Map<string, unknown>;
  deliveries: Delivery[];
  /** Every request that reached this server, as "METHOD /path". */
  requests: string[];
  /** An actor of the given type at /users/{name} with its own RSA key (…#main-key), served. */
  actor(name: string, type?: string, extra?: Record<string, unknown>): { id: string; keyId: string; keys: KeyPair };
  /** POSTs an activity, signed with the given key (draft-cavage-http-signatures, rsa-sha256). */
  send(inbox: string, activity: unknown, signer: { keyId: string; keys: KeyPair }, options?: { date?: Date; rawBody?: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
};

const activityJson = 'application/activity+json';
export const contexts = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The sender's public key, fetched as any server would: the keyId's document (or the actor holding it). */
async function fetchKey(keyId: string): Promise<string | undefined> {
  const response = await fetch(keyId, { headers: { accept: activityJson } });
  if (!response.ok) return undefined;
  const document = (await response.json()) as { publicKey?: { id: string; publicKeyPem: string } | { id: string; publicKeyPem: string }[]; publicKeyPem?: string };
  if (document.publicKeyPem) return document.publicKeyPem;
  const keys = Array.isArray(document.publicKey) ? document.publicKey : document.publicKey ? [document.publicKey] : [];
  return keys.find((key) => key.id === keyId)?.publicKeyPem;
}

export async function startForeignPeer(): Promise<ForeignPeer> {
  const documents = new Map<string, unknown>();
  const deliveries: Delivery[] = [];
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    if (req.method === 'GET') {
      const document = documents.get(path);
      if (document === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': activityJson }).end(JSON.stringify(document));
      return;
    }
    const body = await readBody(req);
    let verified = false;
    let keyId: string | null = null;
    try {
      // The library reads a server's IncomingMessage and returns the keyId too; its typings say otherwise.
      const parsed = httpSignature.parseRequest(req as unknown as ClientRequest, { clockSkew: 300 }) as httpSignature.ParseResponse & { keyId: string };
      keyId = parsed.keyId;
      const pem = await fetchKey(parsed.keyId);
      const digest = req.headers.digest;
      const bodyDigest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
      verified = pem !== undefined && httpSignature.verifySignature(parsed, pem) && (digest === undefined || digest === bodyDigest);
    } catch {
      verified = false;
    }
    deliveries.push({ path, activity: JSON.parse(body) as Record<string, unknown>, verified, keyId, body });
    res.writeHead(verified ? 202 : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    documents,
    deliveries,
    requests,
    actor(name, type = 'Person', extra = {}) {
      const id = `${url}/users/${name}`;
      const keys = rsaKeys();
      const keyId = `${id}#main-key`;
      documents.set(`/users/${name}`, {
        '@context': contexts,
        id,
        type,
        preferredUsername: name,
        name: name[0]!.toUpperCase() + name.slice(1),
        inbox: `${id}/inbox`,
        outbox: `${id}/outbox`,
        endpoints: { sharedInbox: `${url}/inbox` },
        publicKey: { id: keyId, owner: id, publicKeyPem: keys.publicKeyPem },
        ...extra,
      });
      return { id, keyId, keys };
    },
    async send(inbox, activity, signer, options = {}) {
      const body = options.rawBody ?? JSON.stringify(activity);
      const target = new URL(inbox);
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          { method: 'POST', host: target.hostname, port: target.port, path: target.pathname, headers: { 'content-type': activityJson, digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`, date: (options.date ?? new Date()).toUTCString() } },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        httpSignature.sign(req, { key: signer.keys.privateKeyPem, keyId: signer.keyId, headers: ['(request-target)', 'host', 'date', 'digest'], authorizationHeaderName: 'Signature' } as httpSignature.SignOptions);
        req.end(body);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
