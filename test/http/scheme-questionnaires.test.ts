import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { writeSettings } from '../../server/admin/settings.service.ts';
import { addCoordinator } from '../../server/mentoring/mentoring.service.ts';
import { mentorApplications, mentorPairs } from '../../server/mentoring/mentoring.tables.ts';
import { questionnaireItems, questionnaireRounds } from '../../server/questionnaires/questionnaires.tables.ts';

const mentees = ['aino', 'bertta', 'cecilia', 'daniel'] as const;
const mentors = ['mikko', 'niilo', 'outi', 'pekka'] as const;

/**
 * The mentor scheme's questionnaires: built by a coordinator, opened for the people in the pairs
 * (everyone, the mentees or the mentors), answered once, and only ever shown as totals.
 */
describe('questionnaires for the mentor scheme’s pairs, and the coordinators’ hand on a running pair', () => {
  let node: SetUpTestNode;
  let kaisa: Client;
  let base = '';
  const db = () => node.database.db;
  const pairIds: string[] = [];
  const today = new Date().toISOString().slice(0, 10);

  before(async () => {
    node = await startSetUpNode({ people: ['kaisa', ...mentees, ...mentors, 'ulkopuolinen', 'ohjaaja', ['valvoja', 'moderator']] });
    await writeSettings(db(), { mentorScheme: true, smallNumberThreshold: 3 });
    assert.equal((await addCoordinator(db(), 'kaisa')).ok, true);
    await makeGroup(db(), { name: 'Kävely', slug: 'kavely' }, [node.people.ohjaaja!]);
    // Four running pairs, made as the scheme's pages make them (that is tested in mentoring.test.ts).
    for (let i = 0; i < mentees.length; i++) {
      const [peer] = await db().insert(mentorApplications).values({ userId: node.people[mentees[i]!]!.id, kind: 'peer', remote: true, weekdays: [2], status: 'matched' }).returning();
      const [mentor] = await db().insert(mentorApplications).values({ userId: node.people[mentors[i]!]!.id, kind: 'mentor', remote: true, weekdays: [2], status: 'matched', trainedOn: '2026-01-01' }).returning();
      const [pair] = await db()
        .insert(mentorPairs)
        .values({ peerApplicationId: peer!.id, mentorApplicationId: mentor!.id, status: 'active', peerAnswer: 'accepted', mentorAnswer: 'accepted', startsOn: today, endsOn: '2099-01-01' })
        .returning();
      pairIds.push(pair!.id);
    }
    kaisa = await signedIn(node.url, 'kaisa');
  });
  after(() => node.close());

  const openRound = async (fields: Record<string, string>) => {
    const page = await kaisa.submit(base, fields, `${base}/rounds`);
    const [round] = await db().select().from(questionnaireRounds).orderBy(questionnaireRounds.openedAt);
    return { page, round: round! };
  };
  const answer = async (name: string, roundId: string, value: string) => {
    const client = await signedIn(node.url, name);
    const [first] = await db().select().from(questionnaireItems).orderBy(questionnaireItems.position).limit(1);
    return client.submit(`/questionnaires/rounds/${roundId}`, { answer: '1', [`item-${first!.id}`]: value }, `/questionnaires/rounds/${roundId}`);
  };

  it('lets a coordinator build one from a template and open a round for the mentees, refusing an unknown audience', async () => {
    const lists = await kaisa.get('/mentoring/applications');
    assert.equal(lists.$('a[href="/mentoring/questionnaires"]').length, 1);
    const made = await kaisa.submit('/mentoring/questionnaires', { title: 'Mentoroinnin alku', template: 'life' });
    assert.match(made.$('.notice').text(), /The questionnaire was created/);
    base = new URL(made.url).pathname;
    assert.match(base, /^\/mentoring\/questionnaires\/[0-9a-f-]{36}$/);
    assert.equal(made.$('.questionnaire-items > li').length, 10);
    assert.match(made.$('.breadcrumb').text(), /Peer-mentor scheme/);

    const strange = await kaisa.submit(base, { name: 'start', audience: 'kaikki' }, `${base}/rounds`);
    assert.equal(strange.status, 422);
    assert.equal((await db().select().from(questionnaireRounds)).length, 0, 'nothing opened');
    const { page, round } = await openRound({ name: 'start', audience: 'peers' });
    assert.match(page.$('.notice').text(), /The round is open: the pairs it is for can answer/);
    assert.equal(round.audience, 'peers');
    assert.match(page.$('#rounds').parent().text(), /Start · The mentees/);
  });

  it('reaches the mentees of running pairs only: not their mentors, other members or a peer leader, by URL guessing too', async () => {
    const [round] = await db().select().from(questionnaireRounds);
    const aino = await signedIn(node.url, 'aino');
    assert.match((await aino.get('/questionnaires')).$('#waiting').parent().text(), /Mentoroinnin alku · Peer-mentor scheme · Start/);
    assert.match((await aino.get('/')).$('.home-tasks').text(), /Mentoroinnin alku/);
    // Switched off, the scheme's rounds are gone with its pages.
    await writeSettings(db(), { mentorScheme: false });
    assert.doesNotMatch((await aino.get('/questionnaires')).html, /Mentoroinnin alku/);
    assert.equal((await aino.request(`/questionnaires/rounds/${round!.id}`)).status, 404);
    await writeSettings(db(), { mentorScheme: true });
    for (const name of ['mikko', 'ulkopuolinen', 'ohjaaja', 'valvoja', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      assert.doesNotMatch((await client.get('/questionnaires')).html, /Mentoroinnin alku/, name);
      assert.equal((await client.request(`/questionnaires/rounds/${round!.id}`)).status, 404, name);
    }
    // The building pages are the coordinators' alone.
    for (const name of ['aino', 'mikko', 'ohjaaja', 'valvoja', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      for (const path of ['/mentoring/questionnaires', base, `${base}/results`, `${base}/results.csv`]) assert.equal((await client.request(path)).status, 404, `${name} ${path}`);
      const token = (await client.get('/questionnaires')).$('input[name="_csrf"]').first().attr('value')!;
      assert.equal((await client.post(`${base}/rounds/${round!.id}/close`, { _csrf: token })).status, 404, name);
    }
    assert.equal((await new Client(node.url).request('/mentoring/questionnaires')).status, 303, 'a visitor is asked to sign in');
    // A peer leader's questionnaire addresses do not reach the scheme's.
    const ohjaaja = await signedIn(node.url, 'ohjaaja');
    assert.equal((await ohjaaja.request(`/groups/kavely/questionnaires/${base.split('/').at(-1)}`)).status, 404);
  });

  it('takes each mentee’s answer once, shows totals only from the threshold, and lists the round in the association’s figures', async () => {
    const [round] = await db().select().from(questionnaireRounds);
    assert.match((await answer('aino', round!.id, '4')).$('.notice').text(), /Thank you/);
    const twice = await answer('aino', round!.id, '9');
    assert.equal(twice.status, 409);
    await answer('bertta', round!.id, '6');
    const few = await kaisa.get(`${base}/results`);
    assert.match(few.$('main').text(), /Fewer than 3 people answered this round, so nothing is shown/);
    assert.equal(few.$('.result-item').length, 0);
    await answer('cecilia', round!.id, '5');
    const shown = await kaisa.get(`${base}/results`);
    assert.match(shown.$('.result-item').first().text().replace(/\s+/g, ' '), /3 answers · mean 5\b/);
    assert.doesNotMatch(shown.html, /aino|bertta|cecilia/, 'nobody named');

    const admin = await signedIn(node.url, 'admin_anna');
    const figures = await admin.get(`/admin/figures?from=${today}&to=${today}`);
    assert.match(figures.$('main').text().replace(/\s+/g, ' '), /Mentoroinnin alku · Peer-mentor scheme Start: answered 3/);
    assert.doesNotMatch(figures.html, /aino|bertta|cecilia/, 'nobody named in the figures');
    const csv = parse((await admin.request(`/admin/figures.csv?from=${today}&to=${today}`)).html, { relax_column_count: true }) as string[][];
    assert.deepEqual(
      csv.find((row) => row[0] === 'Mentoroinnin alku'),
      ['Mentoroinnin alku', 'Peer-mentor scheme', 'Start', '3'],
    );
    const lastYear = await admin.get('/admin/figures?from=2025-01-01&to=2025-12-31');
    assert.doesNotMatch(lastYear.html, /Mentoroinnin alku/, 'a round opened outside the period is not counted');
  });

  it('lets an end round reach a pair that ends while it is open, and compares start and end over those who answered both', async () => {
    const [start] = await db().select().from(questionnaireRounds);
    await kaisa.submit(base, {}, `${base}/rounds/${start!.id}/close`);
    await kaisa.submit(base, { name: 'end', audience: 'everyone' }, `${base}/rounds`);
    const end = (await db().select().from(questionnaireRounds)).find((round) => round.name === 'end')!;
    // aino's pair ends now; she may still answer the end round, and so may her mentor.
    await db().update(mentorPairs).set({ status: 'ended', endedOn: today }).where(eq(mentorPairs.id, pairIds[0]!));
    for (const [name, value] of [['aino', '7'], ['bertta', '8'], ['cecilia', '8'], ['mikko', '9']] as const) assert.match((await answer(name, end.id, value)).$('.notice').text(), /Thank you/, name);
    const results = await kaisa.get(`${base}/results`);
    // Start 4, 6, 5 → end 7, 8, 8 for the three who answered both (mikko answered only the end).
    assert.match(results.$('#change').parent().text(), /Over the 3 people who answered both/);
    const rows = results.$('#change').parent().find('tbody tr').map((_, tr) => [results.$(tr).find('th, td').map((__, cell) => results.$(cell).text().trim()).get()]).get() as string[][];
    assert.deepEqual(rows.map((row) => row.slice(1)), [['5', '7.7', '2.7']]);
    // A pair that ended before a round opened is not asked.
    await db().update(mentorPairs).set({ endedOn: '2026-01-01' }).where(eq(mentorPairs.id, pairIds[0]!));
    const niilo = await signedIn(node.url, 'niilo');
    assert.match((await niilo.get('/questionnaires')).$('#waiting').parent().text(), /Mentoroinnin alku/);
    const ainoNow = await signedIn(node.url, 'aino');
    assert.equal((await ainoNow.request(`/questionnaires/rounds/${end.id}`)).status, 404);
  });

  it('lets a coordinator change how long a pair runs, or end it with a reason; bad input changes nothing', async () => {
    const pair = pairIds[1]!;
    const tooLong = await kaisa.submit('/mentoring/applications', { months: '30' }, `/mentoring/pairs/${pair}/months`);
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.$(`#error-pair-months-${pair}`).text(), /from 1 to 24/);
    assert.equal(tooLong.$(`#pair-months-${pair}`).val(), '30', 'the typed number comes back');
    assert.equal((await db().query.mentorPairs.findFirst({ where: eq(mentorPairs.id, pair) }))!.endsOn, '2099-01-01');
    const changed = await kaisa.submit('/mentoring/applications', { months: '9' }, `/mentoring/pairs/${pair}/months`);
    assert.match(changed.$('.notice').text(), /length has been changed/);
    const after = (await db().query.mentorPairs.findFirst({ where: eq(mentorPairs.id, pair) }))!;
    assert.equal(after.months, 9);
    assert.equal(Number(after.endsOn!.slice(5, 7)), ((Number(today.slice(5, 7)) + 8) % 12) + 1, 'nine months from the start');

    const noReason = await kaisa.submit('/mentoring/applications', { reason: ' ' }, `/mentoring/pairs/${pair}/close`);
    assert.equal(noReason.status, 422);
    assert.match(noReason.$(`#error-pair-reason-${pair}`).text(), /why the pair ends/);
    const closed = await kaisa.submit('/mentoring/applications', { reason: 'Mentori muutti pois' }, `/mentoring/pairs/${pair}/close`);
    assert.match(closed.$('.notice').text(), /The pair has been ended/);
    const ended = (await db().query.mentorPairs.findFirst({ where: eq(mentorPairs.id, pair) }))!;
    assert.deepEqual([ended.status, ended.endedOn, ended.endReason], ['ended', today, 'Mentori muutti pois']);
    // Both of the pair hear of each change, never the reason; nobody else.
    for (const name of ['bertta', 'niilo']) {
      const told = (await (await signedIn(node.url, name)).get('/notifications')).$('.notification-list').text();
      assert.match(told, /The coordinators changed how long your mentor pair runs/, name);
      assert.match(told, /Your mentor pair has ended/, name);
      assert.doesNotMatch(told, /muutti pois/, name);
    }
    assert.doesNotMatch((await (await signedIn(node.url, 'cecilia')).get('/notifications')).$('main').text(), /has ended|changed how long/);

    for (const name of ['bertta', 'niilo', 'valvoja', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      const token = (await client.get('/questionnaires')).$('input[name="_csrf"]').first().attr('value')!;
      assert.equal((await client.post(`/mentoring/pairs/${pairIds[2]}/close`, { _csrf: token, reason: 'x' })).status, 404, name);
      assert.equal((await client.post(`/mentoring/pairs/${pairIds[2]}/months`, { _csrf: token, months: '2' })).status, 404, name);
    }
    assert.equal((await db().query.mentorPairs.findFirst({ where: eq(mentorPairs.id, pairIds[2]!) }))!.status, 'active');
  });
});
