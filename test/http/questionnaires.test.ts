import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { Client, errorsOf, type Page } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { join } from '../../server/groups/membership.service.ts';
import { questionnaireItems, questionnaireResponses } from '../../server/questionnaires/questionnaires.tables.ts';
import { writeSettings } from '../../server/admin/settings.service.ts';

const participants = ['aino', 'bertta', 'cecilia', 'daniel', 'eino', 'fanni'] as const;

describe('questionnaires: built by a peer leader, answered once or skipped, results only as totals', () => {
  let node: SetUpTestNode;
  let oona: Client;
  let base = '';
  const db = () => node.database.db;
  const items = async () => db().select().from(questionnaireItems).orderBy(questionnaireItems.position);
  /** Answers a round as the member would: the values by question number (1-based), or skip. */
  const answer = async (name: string, roundId: string, values: Record<number, string> | 'skip'): Promise<Page> => {
    const client = await signedIn(node.url, name);
    const all = await items();
    const fields: Record<string, string> = values === 'skip' ? { skip: '1' } : { answer: '1', ...Object.fromEntries(Object.entries(values).map(([n, v]) => [`item-${all[Number(n) - 1]!.id}`, v])) };
    return client.submit(`/questionnaires/rounds/${roundId}`, fields, `/questionnaires/rounds/${roundId}`);
  };
  const openRound = async (name: string) => {
    await oona.submit(base, { name }, `${base}/rounds`);
    const page = await oona.get(base);
    return page.$(`form[action^="${base}/rounds/"][action$="/close"]`).attr('action')!.split('/').at(-2)!;
  };

  before(async () => {
    node = await startSetUpNode({ people: ['oona', ...participants, 'ulkopuolinen', ['valvoja', 'moderator']] });
    const group = await makeGroup(db(), { name: 'Kävely', slug: 'kavely' }, [node.people.oona!]);
    for (const name of participants) assert.equal((await join(db(), node.people[name]!, group)).ok, true);
    oona = await signedIn(node.url, 'oona');
  });
  after(() => node.close());

  it('builds from a template, refuses a bad question with a message and the form filled back, and adds a good one', async () => {
    const made = await oona.submit('/groups/kavely/questionnaires', { title: 'Syksy 2026', template: 'startEnd' });
    assert.match(made.$('.notice').text(), /The questionnaire was created/);
    base = new URL(made.url).pathname;
    assert.equal(made.$('.questionnaire-items > li').length, 5);
    assert.match(made.$('.questionnaire-items').text(), /I have people with whom I can share my experiences/);

    const noLabels = await oona.submit(base, { kind: 'scale', prompt: 'Jaksaminen', scaleMax: '5', lowLabel: '', highLabel: '' }, `${base}/items`);
    assert.equal(noLabels.status, 422);
    assert.match(errorsOf(noLabels), /A scale needs words at both ends/);
    assert.equal(noLabels.$('#field-prompt').text(), 'Jaksaminen', 'the question comes back');
    const oneChoice = await oona.submit(base, { kind: 'choice', prompt: 'Mistä kuulit?', choices: 'Ystävältä' }, `${base}/items`);
    assert.equal(oneChoice.status, 422);
    assert.match(errorsOf(oneChoice), /from 2 to 12 different options/);
    assert.equal((await items()).length, 5, 'nothing saved');
    const added = await oona.submit(base, { kind: 'choice', prompt: 'Mistä kuulit ryhmästä?', choices: 'Ystävältä\nAmmattilaiselta\nNetistä' }, `${base}/items`);
    assert.equal(added.$('.questionnaire-items > li').length, 6);

    // Until a round opens, everything is theirs to change: a question's words and options, the order, the name and introduction.
    const question = (await items()).at(-1)!;
    const editPath = `${base}/items/${question.id}/edit`;
    const editing = await oona.get(editPath);
    assert.equal(editing.$('#field-choices').text(), 'Ystävältä\nAmmattilaiselta\nNetistä', 'the form holds the question as it is');
    const emptied = await oona.submit(editPath, { kind: 'choice', prompt: ' ', choices: 'Ystävältä\nNetistä' }, editPath);
    assert.equal(emptied.status, 422);
    assert.match(errorsOf(emptied), /Write the question/);
    assert.equal(emptied.$('#field-choices').text(), 'Ystävältä\nNetistä', 'what was typed comes back');
    const changed = await oona.submit(editPath, { kind: 'choice', prompt: 'Mistä kuulit ryhmästä?', choices: 'Ystävältä\nAmmattilaiselta\nNetistä\nMuualta' }, editPath);
    assert.match(changed.$('.notice').text(), /The question was saved/);
    assert.deepEqual((await items()).at(-1)!.choices, ['Ystävältä', 'Ammattilaiselta', 'Netistä', 'Muualta']);
    const prompts = async () => (await items()).map((item) => item.prompt);
    const before = await prompts();
    await oona.submit(base, { direction: 'up' }, `${base}/items/${question.id}/move`);
    assert.deepEqual(await prompts(), [...before.slice(0, 4), before[5], before[4]], 'one place up');
    await oona.submit(base, { direction: 'down' }, `${base}/items/${question.id}/move`);
    assert.deepEqual(await prompts(), before, 'and back down');
    const noName = await oona.submit(base, { title: '', intro: 'Kerro, miten menee.' }, `${base}/about`);
    assert.equal(noName.status, 422);
    assert.match(errorsOf(noName), /Give the questionnaire a name/);
    assert.equal(noName.$('#field-intro').text(), 'Kerro, miten menee.');
    const renamed = await oona.submit(base, { title: 'Syksy 2026', intro: 'Kerro, miten menee.' }, `${base}/about`);
    assert.match(renamed.$('h1 + p').text(), /Kerro, miten menee\./);
    // A questionnaire nobody was asked yet can go.
    const spare = await oona.submit('/groups/kavely/questionnaires', { title: 'Ylimääräinen', template: '' });
    const spareBase = new URL(spare.url).pathname;
    const gone = await oona.submit(spareBase, {}, `${spareBase}/delete`);
    assert.match(gone.$('.notice').text(), /The questionnaire was deleted/);
    assert.doesNotMatch(gone.$('main').text(), /Ylimääräinen/);
    assert.equal((await oona.request(spareBase)).status, 404);
  });

  it('keeps every questionnaire page from anyone but the peer leaders, by URL guessing too', async () => {
    const roundId = await openRound('start');
    const leaderPages = ['/groups/kavely/questionnaires', base, `${base}/results`, `${base}/results.csv`];
    for (const name of ['valvoja', 'ulkopuolinen', 'aino']) {
      const client = await signedIn(node.url, name);
      for (const path of leaderPages) assert.equal((await client.request(path)).status, 404, `${name} ${path}`);
    }
    const outsider = await signedIn(node.url, 'ulkopuolinen');
    assert.equal((await outsider.request(`/questionnaires/rounds/${roundId}`)).status, 404, 'not in the group');
    assert.equal((await oona.request(`/questionnaires/rounds/${roundId}`)).status, 404, 'peer leaders do not answer');
    const visitor = await new Client(node.url).request(`${base}/results`);
    assert.equal(visitor.status, 303);
    assert.equal((await oona.submit(base, { kind: 'text', prompt: 'Myöhäinen' }, `${base}/items`)).status, 409, 'questions are fixed once a round is open');
    const first = (await items())[0]!;
    assert.equal((await oona.request(`${base}/items/${first.id}/edit`)).status, 404, 'nor can one be changed');
    assert.equal((await oona.submit(base, { direction: 'down' }, `${base}/items/${first.id}/move`)).status, 409, 'or moved');
    assert.equal((await oona.submit(base, {}, `${base}/delete`)).status, 409, 'and the questionnaire stays with its answers');
    for (const name of ['valvoja', 'aino']) {
      const client = await signedIn(node.url, name);
      const token = (await client.get('/')).$('input[name="_csrf"]').first().attr('value')!;
      for (const action of ['about', 'delete', `items/${first.id}/move`, `items/${first.id}/edit`]) assert.equal((await client.post(`${base}/${action}`, { _csrf: token, title: 'Kaapattu' })).status, 404, `${name} ${action}`);
    }
  });

  it('takes each answer once, lets anyone skip, and shows totals only from five answers, free text without names', async () => {
    const roundId = (await oona.get(base)).$(`form[action$="/close"]`).attr('action')!.split('/').at(-2)!;
    const wrong = await answer('aino', roundId, { 1: '7' });
    assert.equal(wrong.status, 422);
    assert.match(errorsOf(wrong), /Choose one of the options shown/);
    await answer('aino', roundId, { 1: '2', 2: '3', 5: 'Vertaistukea', 6: 'Ystävältä' });
    await answer('bertta', roundId, { 1: '3', 2: '2', 5: 'Arkeen rytmiä' });
    await answer('cecilia', roundId, { 1: '4', 6: 'Netistä' });
    await answer('daniel', roundId, { 1: '2', 2: '4' });
    assert.match((await answer('fanni', roundId, 'skip')).$('.notice').text(), /Skipped/);
    const again = await answer('aino', roundId, { 1: '5' });
    assert.equal(again.status, 409);
    assert.match(again.$('main').text(), /already answered this round/);

    const few = await oona.get(`${base}/results`);
    assert.match(few.$('main').text(), /4 answered · 1 skipped/);
    assert.match(few.$('main').text(), /Fewer than 5 people answered this round, so nothing is shown/);
    assert.doesNotMatch(few.html, /Vertaistukea|mean/);

    await answer('eino', roundId, { 1: '4', 2: '5', 5: 'Ajan kanssa' });
    const page = await oona.get(`${base}/results`);
    const text = page.$('main').text().replace(/\s+/g, ' ');
    // Feeling: 2, 3, 4, 2, 4 → mean 3.0; shared: 3, 2, 4, 5 → 3.5.
    assert.match(text, /How are you feeling these days\? 5 answers · mean 3 /);
    // Four gave this one a value: a mean over fewer than five is not shown, even in a round five answered.
    assert.match(text, /I have people with whom I can share my experiences\. 4 answers: fewer than 5, so nothing of them is shown/);
    assert.doesNotMatch(text, /mean 3\.5/);
    assert.deepEqual(page.$('.free-texts').first().find('li').map((_, li) => page.$(li).text()).get(), ['Ajan kanssa', 'Arkeen rytmiä', 'Vertaistukea'], 'alphabetical, not as given');
    for (const name of participants) assert.doesNotMatch(page.html, new RegExp(name), `${name} is nowhere`);

    const csv = parse((await oona.request(`${base}/results.csv`)).html) as string[][];
    assert.deepEqual(csv[0], ['Round', 'Question', 'Answered', 'Mean', 'Answer', 'How many']);
    assert.deepEqual(csv.find((row) => row[1] === 'How are you feeling these days?' && row[4] === '4'), ['Start', 'How are you feeling these days?', '5', '3', '4', '2']);
    assert.ok(!csv.some((row) => row[1] === 'Mistä kuulit ryhmästä?' || row[1] === 'I have people with whom I can share my experiences.'), 'what fewer than five answered is not in the CSV either');
    assert.ok(csv.every((row) => participants.every((name) => !row.join(' ').includes(name))));

    // She finds her own answers from her settings.
    const ainoClient = await signedIn(node.url, 'aino');
    assert.equal((await ainoClient.get('/settings')).$('a[href="/questionnaires"]').text(), 'My answers to questionnaires');
    const mine = await ainoClient.get('/questionnaires');
    assert.match(mine.$('.my-answers').text(), /Syksy 2026 · Start .*How are you feeling these days\? — 2\/5/);
  });

  it('compares start and end only over the people who answered both, and only from the threshold', async () => {
    const start = (await oona.get(base)).$(`form[action$="/close"]`).attr('action')!;
    await oona.submit(base, {}, start);
    const endId = await openRound('end');
    // fanni skipped the start; the other four of the start answer the end.
    for (const [name, feeling] of [['aino', '4'], ['bertta', '4'], ['cecilia', '5'], ['daniel', '3'], ['fanni', '1']] as const) await answer(name, endId, { 1: feeling });
    const hidden = await oona.get(`${base}/results`);
    assert.match(hidden.$('#change').parent().text(), /Fewer than 5 people answered both/);
    await writeSettings(db(), { smallNumberThreshold: 3 });
    const shown = await oona.get(`${base}/results`);
    const row = shown.$('#change').parent().find('tbody tr').first().find('th, td').map((_, cell) => shown.$(cell).text()).get();
    // aino 2→4, bertta 3→4, cecilia 4→5, daniel 2→3: start 2.8, end 4, change 1.3 (rounded each).
    assert.deepEqual(row, ['How are you feeling these days?', '2.8', '4', '1.3']);
    assert.match(shown.$('#change').parent().text(), /Over the 4 people who answered both/);
    const csv = parse((await oona.request(`${base}/results.csv`)).html, { relax_column_count: true }) as string[][];
    const compared = csv.findIndex((line) => line[0] === 'Question' && line[1] === 'Answered both');
    assert.ok(compared > 0, 'the comparison is in the CSV too');
    assert.deepEqual(csv[compared + 1], ['How are you feeling these days?', '4', '2.8', '4', '1.3']);
    await writeSettings(db(), { smallNumberThreshold: 5 });
  });

  it('puts a member’s answers in their data export and takes them with their account', async () => {
    const aino = await signedIn(node.url, 'aino');
    const exported = JSON.parse((await aino.request('/settings/export')).html) as { questionnaireAnswers: { prompt: string | null; value: number | null }[] };
    assert.ok(exported.questionnaireAnswers.some((a) => a.value === 2 && /feeling/.test(a.prompt ?? '')));
    const before = (await db().select().from(questionnaireResponses).where(eq(questionnaireResponses.userId, node.people.aino!.id))).length;
    assert.equal(before, 2);
    await aino.submit('/settings/delete', { password: 'correct horse battery' });
    assert.equal((await db().select().from(questionnaireResponses).where(eq(questionnaireResponses.userId, node.people.aino!.id))).length, 0);
  });
});
