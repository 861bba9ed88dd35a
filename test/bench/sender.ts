// The inbox benchmark's sender, in a process of its own: a server elsewhere (serving its actor and
// its notes) that signs COUNT replies beforehand (draft-cavage, node:crypto), then posts them to
// the node's inbox, 16 at a time. Prints its address, then "start" just before the first request.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const count = Number(process.env.COUNT ?? 1000);
const inbox = new URL(process.env.NODE_INBOX!);
const replyTo = process.env.REPLY_TO!;
const group = process.env.GROUP!;
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const context = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'];

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const documents = new Map<string, string>();
const server = createServer((req, res) => {
  const document = documents.get(new URL(req.url ?? '/', 'http://x').pathname);
  if (!document) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/activity+json' }).end(document);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const actor = `${url}/users/lahettaja`;
documents.set('/users/lahettaja', JSON.stringify({ '@context': context, id: actor, type: 'Person', preferredUsername: 'lahettaja', inbox: `${actor}/inbox`, publicKey: { id: `${actor}#main-key`, owner: actor, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) } }));
process.stdout.write(`${url}\n`);

const requests = Array.from({ length: count }, (_, i) => {
  const note = { id: `${url}/notes/${i}`, type: 'Note', attributedTo: actor, content: `<p>Vastaus numero ${i}</p>`, inReplyTo: replyTo, to: [PUBLIC], cc: [group] };
  documents.set(`/notes/${i}`, JSON.stringify({ '@context': context, ...note }));
  const body = JSON.stringify({ '@context': context, id: `${note.id}/create`, type: 'Create', actor, object: note, to: note.to, cc: note.cc });
  const date = new Date().toUTCString();
  const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
  const signing = `(request-target): post ${inbox.pathname}\nhost: ${inbox.host}\ndate: ${date}\ndigest: ${digest}`;
  const signature = sign('sha256', Buffer.from(signing), privateKey).toString('base64');
  const headers = {
    'content-type': 'application/activity+json',
    date,
    digest,
    signature: `keyId="${actor}#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"`,
  };
  return { body, headers };
});

process.stdout.write('start\n');
let next = 0;
let failed = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      const response = await fetch(inbox, { method: 'POST', ...request });
      await response.arrayBuffer();
      if (response.status >= 300) failed++;
    }
  }),
);
process.stdout.write(`sent failed=${failed}\n`);
