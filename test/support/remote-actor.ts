// A stand-in for someone on another server: a small Fedify server on loopback with one Person,
// "alice", who can follow and unfollow, and keeps what arrives in her inbox.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from '@fedify/fedify';
import { Accept, Activity, Endpoints, Follow, Note, Page, Person } from '@fedify/vocab';
import { until } from './until.ts';

export type RemoteActor = {
  url: string;
  actor: URL;
  received: Activity[];
  /** Every request body that reached this server, as text: the privacy guard searches them. */
  bodies: string[];
  send(recipient: { id: URL; inboxId: URL }, activity: (actor: URL) => Activity): Promise<void>;
  /** Posts she wrote, served at their ids (other servers fetch them from here to trust them). */
  posts: Map<string, Note | Page>;
  /** An address on her server for a new post. */
  postId(): URL;
  close(): Promise<void>;
};

async function toRequest(req: IncomingMessage, origin: string, onBody?: (text: string) => void): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  if (body) onBody?.(body.toString('utf8'));
  return new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
}

export async function startRemoteActor(): Promise<RemoteActor> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = [await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'), await generateCryptoKeyPair('Ed25519')];
  const received: Activity[] = [];
  const bodies: string[] = [];
  const posts = new Map<string, Note | Page>();
  let written = 0;
  const federation = createFederation<void>({ kv: new MemoryKvStore(), allowPrivateAddress: true, origin: url });
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'alice') return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: 'alice',
        name: 'Alice Elsewhere',
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0]?.cryptographicKey,
        assertionMethods: pairs.map((pair) => pair.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'alice' ? keys : []));
  federation.setObjectDispatcher(Note, '/posts/{id}', async (_ctx, { id }) => (posts.get(id) as Note | undefined) ?? null);
  federation.setInboxListeners('/users/{identifier}/inbox', '/inbox').on(Activity, async (_ctx, activity) => {
    received.push(activity);
  });
  server.on('request', async (req, res) => {
    const response = await federation.fetch(await toRequest(req, url, (text) => bodies.push(text)), { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  const ctx = federation.createContext(new URL(url), undefined);
  return {
    url,
    actor: ctx.getActorUri('alice'),
    received,
    bodies,
    posts,
    postId: () => new URL(`${url}/posts/${++written}`),
    send: (recipient, activity) => ctx.sendActivity({ identifier: 'alice' }, recipient, activity(ctx.getActorUri('alice'))),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}


/** Alice follows one of the node's public forums and waits for its Accept. */
export async function followForum(alice: RemoteActor, nodeUrl: string, slug: string): Promise<void> {
  const group = { id: new URL(`${nodeUrl}/ap/actors/${slug}`), inboxId: new URL(`${nodeUrl}/ap/actors/${slug}/inbox`) };
  const before = alice.received.length;
  await alice.send(group, (actor) => new Follow({ id: new URL(`${alice.url}/follows/${slug}`), actor, object: group.id }));
  await until('the Accept', () => alice.received.slice(before).some((activity) => activity instanceof Accept));
}
