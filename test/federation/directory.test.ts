// The regional network's shared directory between running nodes: A and B are partners, C is
// not. B's groups appear on A's directory with B's name, follow B's changes (a new meeting time,
// a pause, an ending), never carry a closed group's place; when B is down A keeps them marked
// unconfirmed and then hides them, and shows them again when B is back. A hostile partner's
// listings are checked like a form typed here.
import assert from 'node:assert/strict';
import { eq, like } from 'drizzle-orm';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeGroup, listing } from '../support/groups.ts';
import { signedIn } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import { wiretap, type Wiretap } from '../support/wiretap.ts';
import { makePartners } from '../support/partners.ts';
import { startForeignPeer, contexts, type ForeignPeer } from '../support/foreign-peer.ts';
import { groups } from '../../server/groups/groups.tables.ts';
import { saveGroup } from '../../server/groups/groups.service.ts';
import { nodeSettings } from '../../server/admin/settings.tables.ts';
import { forgetSettings } from '../../server/admin/settings.service.ts';

describe('federation: the shared group directory of partner nodes', function () {
  this.timeout(240_000);
  const env = { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
  let a: SetUpTestNode;
  let b: SetUpTestNode;
  let c: SetUpTestNode;
  let wire: Wiretap;

  const copyAt = async (node: SetUpTestNode, name: string) => (await node.database.db.select().from(groups).where(like(groups.name, name)))[0];
  const directoryOf = async (node: SetUpTestNode, query = '') => (await fetch(`${node.url}/groups${query}`)).text();
  before(async () => {
    wire = wiretap();
    [a, b, c] = await Promise.all([
      // A reads its partners' directories every 2 s, and hides a listing not confirmed for 30 s.
      startSetUpNode({ env: { ...env, NETWORK_SYNC_INTERVAL: '2', NETWORK_LISTING_MAX_AGE: '30' } }),
      startSetUpNode({ env }),
      startSetUpNode({ env }),
    ]);
    await b.database.db.update(nodeSettings).set({ name: 'Bee-yhdistys' });
    forgetSettings();
    // B has groups before the partnership: they come with it.
    await makeGroup(b.database.db, { name: 'Been kävelyryhmä', slug: 'kavely', municipalityCode: '398' });
    await makeGroup(c.database.db, { name: 'Ceen ryhmä', slug: 'ceen-ryhma' });
    await makePartners(a, b);
  });
  after(async () => {
    wire?.stop();
    await Promise.all([a, b, c].map((node) => node?.close()));
  });

  it('shows the partner’s groups with its name beside A’s own, never a non-partner’s', async () => {
    await makeGroup(a.database.db, { name: 'Aan oma ryhmä', slug: 'oma' });
    await until('B’s group on A', async () => (await copyAt(a, 'Been kävelyryhmä')) !== undefined);
    const page = await directoryOf(a);
    assert.match(page, /Been kävelyryhmä/);
    assert.match(page, /Aan oma ryhmä/);
    assert.match(page, /Yhdistysten verkostosta: Bee-yhdistys/);
    assert.doesNotMatch(page, /Ceen ryhmä/);
    // The listing as other software reads it: an ordinary Group, the schedule also as iCalendar text.
    const copyRow = (await copyAt(a, 'Been kävelyryhmä'))!;
    const doc = (await (await fetch(copyRow.iri!, { headers: { accept: 'application/activity+json' } })).json()) as { type: string; listing: { rrule: string } };
    assert.equal(doc.type, 'Group');
    assert.match(doc.listing.rrule, /FREQ=WEEKLY;.*BYDAY=TU/);
    // Filters work on partners' listings as on ours: Lahti (398) is in Päijät-Häme (07).
    assert.match(await directoryOf(a, '?region=07'), /Been kävelyryhmä/);
    assert.doesNotMatch(await directoryOf(a, '?region=07'), /Aan oma ryhmä/);
    assert.match(await directoryOf(a, '?weekday=2'), /Been kävelyryhmä/);
    assert.doesNotMatch(await directoryOf(a, '?weekday=3'), /Been kävelyryhmä/);
    // Its page on A: the listing, its meetings, and joining on B's site; no join form here.
    const copy = (await copyAt(a, 'Been kävelyryhmä'))!;
    const groupPage = await fetch(`${a.url}/groups/${encodeURIComponent(copy.slug)}`);
    assert.equal(groupPage.status, 200);
    const html = await groupPage.text();
    assert.match(html, /ryhmään liitytään sen sivustolla/);
    assert.match(html, new RegExp(`href="${b.url}/groups/kavely"`));
    assert.doesNotMatch(html, /action="[^"]*\/join"/);
    // Managing and joining it here are not possible.
    const adminA = await signedIn(a.url, 'admin_anna');
    assert.equal((await adminA.get(`/groups/${encodeURIComponent(copy.slug)}/edit`)).status, 404);
    assert.doesNotMatch((await adminA.get('/admin/groups')).html, /Been kävelyryhmä/);
  });

  it('follows B’s changes: a new meeting time, a pause, an ending', async () => {
    const group = (await copyAt(b, 'Been kävelyryhmä'))!;
    assert.ok((await saveGroup(b.database.db, group.id, listing({ name: 'Been kävelyryhmä', slug: 'kavely', municipalityCode: '398', startTime: '19:30' }))).ok);
    await until('the new time on A', async () => (await copyAt(a, 'Been kävelyryhmä'))?.startTime === '19:30');
    assert.ok((await saveGroup(b.database.db, group.id, listing({ name: 'Been kävelyryhmä', slug: 'kavely', municipalityCode: '398', startTime: '19:30', status: 'paused' }))).ok);
    await until('paused on A', async () => (await copyAt(a, 'Been kävelyryhmä'))?.status === 'paused');
    assert.match(await directoryOf(a), /Been kävelyryhmä[\s\S]*?Tauolla/);
    assert.ok((await saveGroup(b.database.db, group.id, listing({ name: 'Been kävelyryhmä', slug: 'kavely', municipalityCode: '398', status: 'ended' }))).ok);
    await until('gone from A', async () => (await copyAt(a, 'Been kävelyryhmä')) === undefined);
    assert.doesNotMatch(await directoryOf(a), /Been kävelyryhmä/);
  });

  it('never carries a closed group’s address or video link', async () => {
    await makeGroup(b.database.db, { name: 'Been suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed', remote: 'on', address: 'Salaisenkatu 5 B', videoUrl: 'https://video.example/salainen-huone' });
    await until('the closed group on A', async () => (await copyAt(a, 'Been suljettu ryhmä')) !== undefined);
    const copy = (await copyAt(a, 'Been suljettu ryhmä'))!;
    assert.equal(copy.address, '');
    assert.equal(copy.videoUrl, '');
    for (const word of ['Salaisenkatu', 'salainen-huone']) assert.deepEqual(wire.find(word), [], `"${word}" left B`);
  });

  it('keeps a partner’s listings while it is down, marked unconfirmed, hides them after the set time, and refreshes them when it is back', async () => {
    await makeGroup(b.database.db, { name: 'Been iltaryhmä', slug: 'ilta' });
    await until('on A', async () => (await copyAt(a, 'Been iltaryhmä')) !== undefined);
    b.setDown(true);
    await until('marked unconfirmed', async () => /Been iltaryhmä[\s\S]*?ei ole vahvistanut/.test(await directoryOf(a)));
    await until('hidden after the set time', async () => !/Been iltaryhmä/.test(await directoryOf(a)), 90_000);
    assert.ok(await copyAt(a, 'Been iltaryhmä'), 'the last known listing is kept, only not shown');
    b.setDown(false);
    await until('shown again', async () => /Been iltaryhmä/.test(await directoryOf(a)), 60_000);
    await until('confirmed again', async () => !/ei ole vahvistanut/.test(await directoryOf(a)));
  });
});

describe('federation: a hostile partner’s listings', function () {
  this.timeout(120_000);
  let node: SetUpTestNode;
  let peer: ForeignPeer;

  before(async () => {
    node = await startSetUpNode({ env: { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' } });
    peer = await startForeignPeer();
  });
  after(async () => {
    await peer?.close();
    await node?.close();
  });

  it('keeps what passes the same checks as a listing typed here, stripped of markup, and the directory still renders', async () => {
    const actor = peer.actor('node', 'Application', { name: 'Vihamielinen yhdistys' });
    const valid = (n: number, fields: Record<string, unknown>) => ({
      id: `${peer.url}/ap/groups/${n}`,
      type: 'Group',
      url: `${peer.url}/groups/${n}`,
      listing: { ...listing({ slug: `ryhma-${n}`, name: `Vieras ryhmä ${n}` }), inPerson: true, remote: false, ...fields },
    });
    peer.documents.set('/ap/directory', {
      '@context': contexts,
      id: `${peer.url}/ap/directory`,
      type: 'OrderedCollection',
      orderedItems: [
        valid(1, {}),
        valid(2, { name: '<script>alert(1)</script>Skriptiryhmä', summary: '<img src=x onerror=alert(1)>Kuvaus', description: '<script>alert(2)</script>**Lihava**' }),
        valid(3, { name: 'Huono päivä', startsOn: '2026-02-30' }),
        valid(4, { name: 'Liian pitkä', description: 'x'.repeat(50_000) }),
        valid(5, { name: 'Väärä aika', startTime: '25:99' }),
        { ...valid(6, { name: 'Toisen palvelimen' }), id: 'http://127.0.0.9/ap/groups/6' },
        'not even an object',
        // The directory is read in order: once this last one is kept, every item before it was weighed.
        valid(8, { name: 'Viimeinen ryhmä' }),
      ],
    });
    const admin = await signedIn(node.url, 'admin_anna');
    const added = await admin.submit('/admin/federation/network', { address: actor.id }, '/admin/federation/network/partners');
    assert.ok(added.status < 400, `add: ${added.status} ${added.html.slice(0, 200)}`);
    await until('the Follow reached the peer', () => peer.deliveries.some((d) => d.activity.type === 'Follow' && d.verified));
    const follow = peer.deliveries.find((d) => d.activity.type === 'Follow')!;
    await peer.send(`${node.url}/ap/inbox`, { '@context': contexts, id: `${peer.url}/accept/1`, type: 'Accept', actor: actor.id, object: follow.activity }, actor);
    await until('the whole directory weighed', async () => (await node.database.db.select().from(groups).where(eq(groups.name, 'Viimeinen ryhmä'))).length === 1);
    const kept = (await node.database.db.select({ name: groups.name }).from(groups)).map((g) => g.name).sort();
    assert.deepEqual(kept, ['Skriptiryhmä', 'Vieras ryhmä 1', 'Viimeinen ryhmä']);
    const page = await fetch(`${node.url}/groups`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Skriptiryhmä/);
    assert.doesNotMatch(html, /<script>alert|onerror=/);
    const [hostile] = await node.database.db.select().from(groups).where(eq(groups.name, 'Skriptiryhmä'));
    const detail = await (await fetch(`${node.url}/groups/${encodeURIComponent(hostile!.slug)}`)).text();
    assert.doesNotMatch(detail, /<script>alert|<img src=x/);
    assert.match(detail, /<strong>Lihava<\/strong>/);
  });
});
