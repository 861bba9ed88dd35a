// Following by handle needs HTTPS (WebFinger is https only): two nodes behind TLS-terminating
// proxies on 127.0.0.2 and 127.0.0.3, with certificates from a throwaway CA made for this run
// (never committed), trusted by the nodes through NODE_EXTRA_CA_CERTS. A member of one follows
// `@avoin@127.0.0.2:PORT` on the other and reads its new conversation at home.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { Client } from '../support/client.ts';
import { makeUser, password, setUpNode } from '../support/fixtures.ts';
import { makeForum } from '../support/forums.ts';
import { closeServers, freePort, spawnNode, startLimitMs, stopAllNodes, tempDataDir } from '../support/process.ts';
import { until } from '../support/until.ts';

/** A CA and one certificate for both loopback addresses, made with openssl in a temporary directory. */
function throwawayCertificates(): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kohtaamo-ca-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Kohtaamo test CA', '-keyout', at('ca.key'), '-out', at('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.2', '-keyout', at('node.key'), '-out', at('node.csr'));
  writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.2,IP:127.0.0.3\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at('node.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', at('san.ext'), '-out', at('node.pem'));
  return { ca: at('ca.pem'), key: readFileSync(at('node.key'), 'utf8'), cert: readFileSync(at('node.pem'), 'utf8') };
}

/** Forwards to a node's plain HTTP port, saying the request came over HTTPS (as nginx or Caddy would). */
function forwardTo(port: number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': req.socket.remoteAddress ?? '' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };
}

async function listen(server: Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

describe('federation: following by handle over HTTPS (PGlite)', function () {
  this.timeout(startLimitMs * 2 + 180_000);
  const servers: Server[] = [];
  after(async () => {
    await stopAllNodes();
    await closeServers(servers);
  });

  it('finds the group by @name@host through WebFinger and delivers over TLS both ways', async () => {
    const tls = throwawayCertificates();
    const [groupPort, homePort] = [await freePort(), await freePort()];
    const prepare = async (work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<unknown>) => {
      const dataDir = tempDataDir();
      const database = await openDatabase({ databaseUrl: null, dataDir });
      await migrateDatabase(database, null);
      await setUpNode(database.db);
      await work(database.db);
      await database.close();
      return dataDir;
    };
    const groupDir = await prepare(async (db) => {
      await makeUser(db, 'sini');
      await makeForum(db, 'avoin', 'public');
    });
    const homeDir = await prepare((db) => makeUser(db, 'bea'));
    const env = (dataDir: string, host: string, port: number) => ({
      DATA_DIR: dataDir,
      BASE_URL: `https://${host}:${port}/`,
      TRUST_PROXY: 'true',
      NODE_EXTRA_CA_CERTS: tls.ca,
      // 127.0.0.2 and .3 are loopback addresses: allowed in this test configuration only.
      FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true',
    });
    const group = await spawnNode(env(groupDir, '127.0.0.2', groupPort));
    const home = await spawnNode(env(homeDir, '127.0.0.3', homePort));
    const portOf = (url: string) => Number(new URL(url).port);
    for (const [host, port, node] of [['127.0.0.2', groupPort, group], ['127.0.0.3', homePort, home]] as const) {
      const server = createHttpsServer({ key: tls.key, cert: tls.cert }, forwardTo(portOf(node.url)));
      servers.push(server);
      await listen(server, host, port);
    }
    // The test itself speaks plain HTTP to each node through the same kind of proxy (it does not trust the CA).
    const plain = async (node: { url: string }) => {
      const server = createHttpServer(forwardTo(portOf(node.url)));
      servers.push(server);
      return `http://127.0.0.1:${await listen(server, '127.0.0.1')}`;
    };
    const bea = new Client(await plain(home));
    await bea.submit('/login', { login: 'bea', password });
    const sini = new Client(await plain(group));
    await sini.submit('/login', { login: 'sini', password });

    const followed = await bea.submit('/following', { address: `@avoin@127.0.0.2:${groupPort}` });
    assert.equal(followed.status, 200, followed.$('.error-summary').text());
    assert.match(followed.$('main').text(), /Forum avoin/);
    await until('the group accepted', async () => !/waiting for the group to answer/.test((await bea.get('/following')).$('main').text()), 60_000);

    const started = await sini.submit('/forums/avoin/new', { title: 'Salattu yhteys', body: 'Tämä kulkee TLS:n yli.' }, '/forums/avoin/threads');
    assert.equal(started.status, 200);
    await until('the thread at home', async () => /Salattu yhteys/.test((await bea.get('/following')).$('main').text()), 60_000);
  });
});
