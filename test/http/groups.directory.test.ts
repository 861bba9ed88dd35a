import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { makeGroup } from '../support/groups.ts';
import { listTopics } from '../../server/groups/groups.service.ts';
import { audiences, groupKinds } from '../../server/groups/groups.tables.ts';

// Municipality → region, written out here so the test does not lean on the code it checks.
const places: Record<string, { region: string; name: string }> = {
  '091': { region: '01', name: 'Helsinki' },
  '049': { region: '01', name: 'Espoo' },
  '837': { region: '06', name: 'Tampere' },
  '853': { region: '02', name: 'Turku' },
  '564': { region: '17', name: 'Oulu' },
  '297': { region: '11', name: 'Kuopio' },
  '698': { region: '19', name: 'Rovaniemi' },
};
const codes = Object.keys(places);
const frequencies = ['weekly', 'biweekly', 'monthly'] as const;

type Spec = {
  slug: string; name: string; kind: string; municipality: string | null; inPerson: boolean; remote: boolean; policy: 'open' | 'closed';
  languages: string[]; audiences: string[]; topic: string; weekday: number; status: string;
};

describe('groups: the directory and its filters', () => {
  let node: SetUpTestNode;
  const specs: Spec[] = [];

  before(async () => {
    node = await startSetUpNode();
    const db = node.database.db;
    const topics = await listTopics(db);
    for (let i = 0; i < 56; i++) {
      const inPerson = i % 4 !== 3;
      const spec: Spec = {
        slug: `ryhma-${i}`,
        name: `${i % 8 === 0 ? 'Kävely' : i % 8 === 1 ? 'Käsityö' : 'Keskustelu'} ${i}`,
        kind: groupKinds[i % groupKinds.length]!,
        municipality: inPerson ? codes[i % codes.length]! : null,
        inPerson,
        remote: !inPerson || i % 3 === 0,
        policy: i % 5 === 0 ? 'closed' : 'open',
        languages: i % 6 === 0 ? ['sv'] : i % 6 === 1 ? ['fi', 'en'] : ['fi'],
        audiences: [audiences[i % audiences.length]!, ...(i % 7 === 0 ? ['close_ones'] : [])],
        topic: topics[i % 5]!.id,
        weekday: (i % 7) + 1,
        status: i % 11 === 10 ? 'ended' : i % 13 === 12 ? 'paused' : 'active',
      };
      specs.push(spec);
      await makeGroup(db, {
        name: spec.name,
        slug: spec.slug,
        summary: i === 5 ? 'Täällä puhutaan myös unettomuudesta.' : '',
        kind: spec.kind,
        inPerson: spec.inPerson ? 'on' : '',
        municipalityCode: spec.municipality ?? '',
        remote: spec.remote ? 'on' : '',
        videoUrl: spec.remote ? 'https://video.example/r' : '',
        joinPolicy: spec.policy,
        languages: spec.languages,
        audiences: [...new Set(spec.audiences)],
        topicIds: [spec.topic],
        weekday: String(spec.weekday),
        frequency: frequencies[i % 3]!,
        monthWeek: i % 3 === 2 ? '2' : '',
        startTime: `${String(9 + (i % 10)).padStart(2, '0')}:00`,
        status: spec.status,
      });
    }
  });
  after(() => node.close());

  /** Every group the directory lists for a query, following the pager like a reader would. */
  async function listed(query: string): Promise<{ slugs: string[]; starts: number[] }> {
    const client = new Client(node.url);
    const slugs: string[] = [];
    const starts: number[] = [];
    let path: string | undefined = `/groups${query ? `?${query}` : ''}`;
    while (path) {
      const page = await client.get(path);
      assert.equal(page.status, 200, path);
      page.$('.group-card').each((_, card) => {
        slugs.push(page.$(card).find('h3 a').attr('href')!.replace('/groups/', ''));
        const time = page.$(card).find('time').attr('datetime');
        starts.push(time ? Date.parse(time) : Infinity);
      });
      path = page.$('a[rel="next"]').attr('href');
    }
    return { slugs, starts };
  }

  const listedByDefault = (s: Spec) => s.status !== 'ended';
  const expect = (predicate: (s: Spec) => boolean) => specs.filter((s) => listedByDefault(s) && predicate(s)).map((s) => s.slug).sort();

  it('lists every group that has not ended, sorted by next meeting, 20 to a page', async () => {
    const { slugs, starts } = await listed('');
    assert.deepEqual([...slugs].sort(), expect(() => true));
    assert.ok(slugs.length > 40, 'the fixture is big enough to page');
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i - 1]! <= starts[i]!, `sorted by next meeting at ${i}`);
  });

  const cases: [string, string, (s: Spec) => boolean][] = [
    ['region', 'region=01', (s) => s.municipality !== null && places[s.municipality]!.region === '01'],
    ['municipality', 'municipality=837', (s) => s.municipality === '837'],
    ['kind', 'kind=sports', (s) => s.kind === 'sports'],
    ['language', 'language=sv', (s) => s.languages.includes('sv')],
    ['audience', 'audience=close_ones', (s) => s.audiences.includes('close_ones')],
    ['weekday', 'weekday=3', (s) => s.weekday === 3],
    ['in person', 'mode=in_person', (s) => s.inPerson],
    ['online', 'mode=remote', (s) => s.remote],
    ['open', 'policy=open', (s) => s.policy === 'open'],
    ['closed', 'policy=closed', (s) => s.policy === 'closed'],
    ['free text in the name', 'q=k%C3%A4vely', (s) => s.name.startsWith('Kävely')],
    ['free text in the summary', 'q=unettomuud', (s) => s.slug === 'ryhma-5'],
    ['free text naming a place', 'q=Tammerfors', (s) => s.municipality === '837'],
    ['combined: region, online and open', 'region=01&mode=remote&policy=open', (s) => s.municipality !== null && places[s.municipality]!.region === '01' && s.remote && s.policy === 'open'],
    ['combined: language, weekday and kind', 'language=fi&weekday=2&kind=activity', (s) => s.languages.includes('fi') && s.weekday === 2 && s.kind === 'activity'],
    ['combined: audience, in person and closed', 'audience=adults&mode=in_person&policy=closed', (s) => s.audiences.includes('adults') && s.inPerson && s.policy === 'closed'],
  ];

  for (const [what, query, predicate] of cases) {
    it(`filters by ${what}`, async () => {
      const { slugs } = await listed(query);
      const wanted = expect(predicate);
      assert.deepEqual([...slugs].sort(), wanted);
    });
  }

  it('filters by topic, alone and with a place', async () => {
    const topics = await listTopics(node.database.db);
    const topic = topics[2]!.id;
    assert.deepEqual([...(await listed(`topic=${topic}`)).slugs].sort(), expect((s) => s.topic === topic));
    assert.deepEqual([...(await listed(`topic=${topic}&municipality=091`)).slugs].sort(), expect((s) => s.topic === topic && s.municipality === '091'));
  });

  it('keeps the filters in the form and the pager links, so a filtered list can be shared', async () => {
    const page = await new Client(node.url).get('/groups?mode=in_person&language=fi');
    assert.equal(page.$('#filter-mode option[selected]').val(), 'in_person');
    assert.equal(page.$('#filter-language option[selected]').val(), 'fi');
    assert.match(page.$('a[rel="next"]').attr('href') ?? '', /^\/groups\?language=fi&mode=in_person&page=2$/);
  });

  it('says calmly when nothing matches, and ignores values the form could not send', async () => {
    const none = await new Client(node.url).get('/groups?q=ei-tallaista-ryhmaa');
    assert.match(none.html, /No groups match these choices/);
    const odd = await new Client(node.url).get('/groups?weekday=9&kind=%3Cscript%3E&topic=nope');
    assert.equal(odd.status, 200);
    assert.equal(odd.$('.group-card').length, 20);
  });
});
