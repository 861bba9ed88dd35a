import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { mentorApplications, mentorInterests, mentorPairCheckins, mentorPairMessages, mentorPairs } from '../../server/mentoring/mentoring.tables.ts';
import { makeGroup } from '../support/groups.ts';
import { join } from '../../server/groups/membership.service.ts';
import { getSettings } from '../../server/admin/settings.service.ts';
import { closeFinishedPairs, remindDueCheckins } from '../../server/mentoring/pairs.service.ts';
import { reports } from '../../server/moderation/moderation.tables.ts';

describe('the peer-mentor scheme: applying, waiting lists and who sees them', () => {
  let node: SetUpTestNode;
  const db = () => node.database.db;
  const applications = () => db().select().from(mentorApplications);

  before(async () => {
    node = await startSetUpNode({ people: ['kaisa', 'aino', 'bertta', 'mikko', 'ville', 'tuula', ['valvoja', 'moderator']] });
  });
  after(() => node.close());

  it('has no pages while the scheme is off; an admin switches it on and names a coordinator and interests', async () => {
    const aino = await signedIn(node.url, 'aino');
    assert.equal((await aino.request('/mentoring')).status, 404);
    const admin = await signedIn(node.url, 'admin_anna');
    await admin.submit('/admin/mentoring', {}, '/admin/mentoring/scheme');
    const unknown = await admin.submit('/admin/mentoring', { username: 'ei_ketaan' }, '/admin/mentoring/coordinators');
    assert.equal(unknown.status, 422);
    assert.equal(unknown.$('#field-username').val(), 'ei_ketaan');
    await admin.submit('/admin/mentoring', { username: 'kaisa' }, '/admin/mentoring/coordinators');
    for (const name of ['Kävely', 'Kokkaus', 'Jalkapallo']) await admin.submit('/admin/mentoring', { name }, '/admin/mentoring/interests');
    const page = await admin.get('/admin/mentoring');
    assert.match(page.$('#coordinators').parent().text(), /@kaisa/);
    assert.equal(page.$('#interests').parent().find('li').length, 3);
    // Named in the admin's language; the names in the others on the interest's own page.
    const [football] = await db().select().from(mentorInterests).where(eq(mentorInterests.position, 2));
    const namesPath = `/admin/mentoring/interests/${football!.id}`;
    assert.equal((await admin.get(namesPath)).$('#field-name_en').val(), 'Jalkapallo');
    const noName = await admin.submit(namesPath, { name_fi: '', name_sv: ' ', name_en: '', name_da: '' }, namesPath);
    assert.equal(noName.status, 422);
    assert.match(errorsOf(noName), /a name in at least one language/);
    await admin.submit(namesPath, { name_fi: 'Jalkapallo', name_sv: 'Fotboll', name_en: 'Football', name_da: '' }, namesPath);
    assert.match((await admin.get('/admin/mentoring')).$('#interests').parent().text(), /Jalkapallo · Fotboll · Football/);
    const swedish = await signedIn(node.url, 'valvoja');
    await swedish.get('/language/sv?next=/mentoring');
    const inSwedish = (await swedish.get('/mentoring')).$('#field-interestIds').text();
    assert.match(inSwedish, /Fotboll/);
    assert.doesNotMatch(inSwedish, /Jalkapallo|Football/);
    for (const name of ['kaisa', 'valvoja']) assert.equal((await (await signedIn(node.url, name)).request(namesPath)).status, 403, `${name}: admins only`);

    // The training course is held in a group of ours.
    const course = await makeGroup(db(), { name: 'Mentorikoulutus', slug: 'mentorikoulutus' });
    const strange = await admin.submit('/admin/mentoring', { groupId: 'ei-ryhma' }, '/admin/mentoring/training');
    assert.equal(strange.status, 422);
    assert.match(errorsOf(strange), /Choose one of the association's groups/);
    assert.equal((await getSettings(db()))?.mentorTrainingGroupId, null, 'nothing saved');
    await admin.submit('/admin/mentoring', { groupId: course.id }, '/admin/mentoring/training');
    assert.equal((await admin.get('/admin/mentoring')).$('#field-groupId option:checked').text(), 'Mentorikoulutus');
  });

  it('takes an application with a clear message for bad input, and shows the applicant their place and an honest word on the wait', async () => {
    const [walk] = await db().select().from(mentorInterests).where(eq(mentorInterests.position, 0));
    const aino = await signedIn(node.url, 'aino');
    const noPlace = await aino.submit('/mentoring', { kind: 'peer', languages: 'fi', weekdays: ['2', '4'], note: 'Toivon liikkumista' }, '/mentoring/apply');
    assert.equal(noPlace.status, 422);
    assert.match(errorsOf(noPlace), /Choose a municipality, or tick online/);
    assert.equal(noPlace.$('#field-note').text(), 'Toivon liikkumista', 'the note comes back');
    const strange = await aino.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on', weekdays: '2', interestIds: '00000000-0000-4000-8000-000000000000' }, '/mentoring/apply');
    assert.equal(strange.status, 422);
    assert.match(errorsOf(strange), /Choose from the interests shown/);
    const noDays = await aino.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on' }, '/mentoring/apply');
    assert.match(errorsOf(noDays), /Choose at least one day/);
    assert.equal((await applications()).length, 0, 'nothing saved');

    const sent = await aino.submit('/mentoring', { kind: 'peer', languages: ['fi', 'sv'], municipalityCode: '837', weekdays: ['2', '4'], interestIds: walk!.id, note: 'Iltapäivät' }, '/mentoring/apply');
    assert.match(sent.$('.notice').text(), /Your application was sent/);
    assert.match(sent.$('.applications').text(), /You are number 1 among those waiting for a mentor/);
    assert.match(sent.$('.applications').text(), /too few pairs to tell/);
    const bertta = await signedIn(node.url, 'bertta');
    const second = await bertta.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on', weekdays: '5' }, '/mentoring/apply');
    assert.match(second.$('.applications').text(), /You are number 2/);
    const twice = await bertta.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on', weekdays: '5' }, '/mentoring/apply');
    assert.equal(twice.$('form[action="/mentoring/apply"] input[value="peer"]').length, 0, 'no second waiting application of a kind');
    // She changes what her application says; it keeps its place.
    const change = await bertta.get('/mentoring/change/peer');
    assert.equal(change.$('#weekdays-5').attr('checked'), 'checked', 'the form holds what she sent');
    const noDay = await bertta.submit('/mentoring/change/peer', { languages: 'fi', remote: 'on', note: 'Viikonloput' }, '/mentoring/change/peer');
    assert.equal(noDay.status, 422);
    assert.match(errorsOf(noDay), /Choose at least one day/);
    assert.equal(noDay.$('#field-note').text(), 'Viikonloput', 'the note comes back');
    const changed = await bertta.submit('/mentoring/change/peer', { languages: 'fi', remote: 'on', weekdays: ['5', '6'], note: 'Viikonloput' }, '/mentoring/change/peer');
    assert.match(changed.$('.notice').text(), /Your application was changed/);
    assert.match(changed.$('.applications').text(), /You are number 2/);
    const [berttas] = await db().select().from(mentorApplications).where(eq(mentorApplications.userId, node.people.bertta!.id));
    assert.deepEqual([berttas!.weekdays, berttas!.note], [[5, 6], 'Viikonloput']);
    assert.equal((await bertta.request('/mentoring/change/mentor')).status, 404, 'no mentor application of hers to change');
    const valvoja = await signedIn(node.url, 'valvoja');
    const token = (await valvoja.get('/mentoring')).$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await valvoja.post('/mentoring/change/peer', { _csrf: token, languages: 'fi', remote: 'on', weekdays: '1' })).status, 404, 'nor anyone else’s');

    // The coordinators hear that someone waits: one notice, however many come before they look.
    const kaisa = await signedIn(node.url, 'kaisa');
    const kaisaNotices = await kaisa.get('/notifications');
    const toldOfApplications = kaisaNotices.$('.notification-list li').filter((_, li) => /A new application to the mentor scheme is waiting/.test(kaisaNotices.$(li).text()));
    assert.equal(toldOfApplications.length, 1);
    assert.equal((await kaisa.request(toldOfApplications.find('a').attr('href')!)).headers.get('location'), '/mentoring/applications');
    assert.doesNotMatch((await bertta.get('/notifications')).$('main').text(), /new application/, 'only the coordinators');

    const mikko = await signedIn(node.url, 'mikko');
    const mentor = await mikko.submit('/mentoring', { kind: 'mentor', languages: 'fi', municipalityCode: '837', remote: 'on', weekdays: ['2', '3'], interestIds: walk!.id }, '/mentoring/apply');
    assert.match(mentor.$('.applications').text(), /In training The course is held in the group Mentorikoulutus/);
    assert.equal(mentor.$('.applications a[href="/groups/mentorikoulutus"]').length, 1);
  });

  it('shows the waiting lists side by side only to coordinators, who record a mentor’s training; 404 for anyone else, by URL guessing too', async () => {
    const kaisa = await signedIn(node.url, 'kaisa');
    const lists = await kaisa.get('/mentoring/applications');
    assert.deepEqual(lists.$('#list-peers').parent().find('.applications > li > p:first-child strong').map((_, el) => lists.$(el).text()).get(), ['aino', 'bertta']);
    assert.match(lists.$('#list-peers').parent().text(), /Finnish, Swedish[\s\S]*Tampere[\s\S]*Kävely[\s\S]*Tuesday, Thursday[\s\S]*Iltapäivät/);
    assert.match(lists.$('#list-mentors').parent().text(), /mikko[\s\S]*In training/);
    assert.doesNotMatch(lists.$('#list-mentors').parent().text(), /In the course group/);
    const course = (await db().query.groups.findFirst({ where: (g, { eq }) => eq(g.slug, 'mentorikoulutus') }))!;
    assert.equal((await join(db(), node.people.mikko!, course)).ok, true);
    assert.match((await kaisa.get('/mentoring/applications')).$('#list-mentors').parent().text(), /mikko[\s\S]*In training\s*In the course group/);
    const mikko = (await applications()).find((a) => a.kind === 'mentor')!;
    const ahead = await kaisa.submit('/mentoring/applications', { trainedOn: '2099-01-01' }, `/mentoring/applications/${mikko.id}/training`);
    assert.equal(ahead.status, 422);
    assert.match(ahead.$(`#error-trained-${mikko.id}`).text(), /cannot be in the future/);
    assert.equal(ahead.$(`#trained-${mikko.id}`).attr('value'), '2099-01-01', 'the date comes back');
    const notADay = await kaisa.submit('/mentoring/applications', { trainedOn: '2026-02-30' }, `/mentoring/applications/${mikko.id}/training`);
    assert.match(notADay.$(`#error-trained-${mikko.id}`).text(), /a day of the calendar/);
    assert.equal((await db().query.mentorApplications.findFirst({ where: eq(mentorApplications.id, mikko.id) }))!.trainedOn, null, 'nothing saved');
    await kaisa.submit('/mentoring/applications', { trainedOn: '2026-11-30' }, `/mentoring/applications/${mikko.id}/training`);
    assert.equal((await db().query.mentorApplications.findFirst({ where: eq(mentorApplications.id, mikko.id) }))!.trainedOn, '2026-11-30');
    // Trained now, mikko fits aino (Finnish, Tampere, walking, Tuesday) and bertta (Finnish, both online, no shared day: not a fit).
    const fitted = await kaisa.get('/mentoring/applications');
    const fits = fitted.$('#list-peers').parent().find('.applications > li').map((_, li) => fitted.$(li).text().replace(/\s+/g, ' ')).get();
    assert.match(fits[0]!, /Trained mentors who fit: @mikko \(Finnish, Tampere, Kävely, Tuesday\)/);
    assert.match(fits[1]!, /Trained mentors who fit: none yet/);

    for (const name of ['valvoja', 'aino', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      assert.equal((await client.request('/mentoring/applications')).status, 404, name);
      const token = (await client.get('/mentoring')).$('input[name="_csrf"]').first().attr('value')!;
      assert.equal((await client.post(`/mentoring/applications/${mikko.id}/training`, { _csrf: token, trainedOn: '2026-01-01' })).status, 404, name);
    }
    assert.equal((await new Client(node.url).request('/mentoring/applications')).status, 303, 'a visitor is asked to sign in');
    assert.doesNotMatch((await (await signedIn(node.url, 'bertta')).get('/mentoring')).html, /aino|Iltapäivät/, 'an applicant sees only their own');
  });

  it('proposes a pair with a message; a no returns both to their places, two yeses make a pair for its months', async () => {
    const kaisa = await signedIn(node.url, 'kaisa');
    const aino = (await applications()).find((a) => a.kind === 'peer' && a.userId === node.people.aino!.id)!;
    const mikko = (await applications()).find((a) => a.kind === 'mentor')!;
    const action = `/mentoring/applications/${aino.id}/propose`;
    const tooLong = await kaisa.submit('/mentoring/applications', { mentorApplicationId: mikko.id, months: '30', message: 'Teillä on yhteistä kävely.' }, action);
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.$(`#error-months-${aino.id}`).text(), /from 1 to 24/);
    assert.equal(tooLong.$(`#message-${aino.id}`).text(), 'Teillä on yhteistä kävely.', 'the message comes back');
    assert.equal((await db().select().from(mentorPairs)).length, 0);

    await kaisa.submit('/mentoring/applications', { mentorApplicationId: mikko.id, months: '6', message: 'Teillä on yhteistä kävely.' }, action);
    const ainoClient = await signedIn(node.url, 'aino');
    assert.match((await ainoClient.get('/')).$('.home-tasks').text(), /A mentor pair is proposed to you/);
    const proposal = await ainoClient.get('/mentoring');
    assert.match(proposal.$('#pairs').parent().text(), /proposes mikko as your peer mentor · for 6 months[\s\S]*Teillä on yhteistä kävely/);
    const lists = await kaisa.get('/mentoring/applications');
    assert.doesNotMatch(lists.$('#list-peers').parent().text(), /aino/, 'a proposed mentee is not on the waiting list');
    const told = await ainoClient.get('/notifications');
    assert.match(told.$('.notification-list').text(), /A mentor pair is proposed to you/);
    const opened = await ainoClient.request(`/notifications/${told.$('.notification-list a').first().attr('href')!.split('/').at(-1)}`);
    assert.equal(opened.headers.get('location'), '/mentoring#pairs');

    const pairAction = proposal.$('form[action$="/answer"]').attr('action')!;
    const bertta = await signedIn(node.url, 'bertta');
    const token = (await bertta.get('/mentoring')).$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await bertta.post(pairAction, { _csrf: token, answer: 'yes' })).status, 404, 'not theirs to answer');

    const declined = await ainoClient.submit('/mentoring', { answer: 'no' }, pairAction);
    assert.match(declined.$('.notice').text(), /back on the waiting list, at the place you had/);
    assert.match(declined.$('.applications').text(), /You are number 1 among those waiting for a mentor/);
    // The other and the coordinators hear it will not go ahead, never who said no.
    const mikkoClient = await signedIn(node.url, 'mikko');
    const mikkoHearsNo = (await mikkoClient.get('/notifications')).$('.notification-list').text();
    assert.match(mikkoHearsNo, /A proposed mentor pair will not go ahead\. You are back on the waiting list/);
    assert.doesNotMatch(mikkoHearsNo, /aino/);
    const kaisaTold = await kaisa.get('/notifications');
    const notAhead = kaisaTold.$('.notification-list a').filter((_, a) => /will not go ahead: both are back on the waiting lists/.test(kaisaTold.$(a).text()));
    assert.equal(notAhead.length, 1);
    assert.equal((await kaisa.request(notAhead.attr('href')!)).headers.get('location'), '/mentoring/applications');

    await kaisa.submit('/mentoring/applications', { mentorApplicationId: mikko.id, months: '6', message: '' }, action);
    const again = (await ainoClient.get('/mentoring')).$('form[action$="/answer"]').attr('action')!;
    assert.match((await ainoClient.submit('/mentoring', { answer: 'yes' }, again)).$('.notice').text(), /starts when the other says yes too/);
    assert.match((await kaisa.get('/mentoring/applications')).$('#pairs').parent().text(), /waiting for both to answer \(@aino said yes\) · proposed/);
    assert.match((await mikkoClient.submit('/mentoring', { answer: 'yes' }, again)).$('.notice').text(), /You are a pair now/);
    assert.match((await ainoClient.get('/notifications')).$('.notification-list').text(), /Both said yes: your mentor pair has started/, 'the one who said yes first hears it started');
    assert.doesNotMatch((await mikkoClient.get('/notifications')).$('.notification-list').text(), /has started/, 'not the one who made it start');
    const [pair] = await db().select().from(mentorPairs).where(eq(mentorPairs.status, 'active'));
    assert.ok(pair?.startsOn && pair.endsOn);
    assert.equal(Number(pair.endsOn.slice(5, 7)), ((Number(pair.startsOn.slice(5, 7)) + 5) % 12) + 1, 'six months');
    assert.match((await ainoClient.get('/mentoring')).$('#pairs').parent().text(), /Your peer mentor is mikko/);
    assert.match((await kaisa.get('/mentoring/applications')).$('#pairs').parent().text(), /@aino \+ @mikko · from/);
    assert.ok((await applications()).filter((a) => a.status === 'matched').every((a) => a.matchedAt));

    // Their own conversation: the two, the coordinators once invited, nobody else; never in search.
    const space = `/mentoring/pairs/${pair.id}`;
    await ainoClient.submit(space, { body: 'Hei mikko, lähdetäänkö **tiistaina** kävelylle?' }, `${space}/messages`);
    await ainoClient.submit(space, { body: 'Tai torstaina?' }, `${space}/messages`);
    // mikko is told once while he has not read it, never with the words; reading the conversation reads the notice.
    const mikkoTold = await mikkoClient.get('/notifications');
    assert.deepEqual(mikkoTold.$('.notification-list li.is-new a').map((_, a) => mikkoTold.$(a).text()).get().filter((line) => /conversation/.test(line)), ["aino wrote in your pair's conversation"]);
    assert.doesNotMatch(mikkoTold.$('.notification-list').text(), /tiistaina|torstaina/);
    assert.doesNotMatch((await ainoClient.get('/notifications')).$('.notification-list').text(), /wrote in your pair/, 'not told of one’s own message');
    assert.match((await mikkoClient.get(space)).$('.messages').text(), /lähdetäänkö tiistaina kävelylle/);
    assert.equal((await mikkoClient.get('/notifications')).$('.notification-list li.is-new').text().includes('conversation'), false, 'read with the conversation');
    assert.doesNotMatch((await (await signedIn(node.url, 'bertta')).get('/notifications')).$('main').text(), /pair/, 'nobody else is told');
    const empty = await mikkoClient.submit(space, { body: '  ' }, `${space}/messages`);
    assert.equal(empty.status, 422);
    assert.match(errorsOf(empty), /The message is empty/);
    for (const name of ['kaisa', 'bertta', 'valvoja', 'admin_anna']) assert.equal((await (await signedIn(node.url, name)).request(space)).status, 404, `${name} before any invitation`);
    assert.equal((await new Client(node.url).request(space)).status, 303);
    assert.equal((await (await signedIn(node.url, 'valvoja')).get('/search?q=tiistaina')).$('.search-results li').length, 0, 'never in search');
    // A message of one's own can be taken back; someone else's cannot.
    await ainoClient.submit(space, { body: 'Liian henkilökohtainen, poistan tämän' }, `${space}/messages`);
    const mikkoSees = await mikkoClient.get(space);
    const hers = await ainoClient.get(space);
    const removeAction = hers.$('.messages li').last().find('form[action$="/remove"]').attr('action')!;
    assert.equal(mikkoSees.$(`form[action="${removeAction}"]`).length, 0, 'no remove button on another’s message');
    assert.equal((await mikkoClient.post(removeAction, { _csrf: mikkoSees.$('input[name="_csrf"]').first().attr('value')! })).status, 404);
    const removed = await ainoClient.submit(space, {}, removeAction);
    assert.match(removed.$('.notice').text(), /Your message has been removed/);
    assert.doesNotMatch((await mikkoClient.get(space)).$('.messages').text(), /Liian henkilökohtainen/);
    // A message of one's own can be corrected while the pair runs, and shows as edited; someone else's cannot.
    const editPath = hers.$('.messages li').first().find('a[href$="/edit"]').attr('href')!;
    assert.match(editPath, new RegExp(`^${space}/messages/[0-9a-f-]{36}/edit$`));
    assert.equal(mikkoSees.$(`a[href="${editPath}"]`).length, 0, 'no edit link on another’s message');
    assert.equal((await mikkoClient.request(editPath)).status, 404);
    for (const name of ['kaisa', 'bertta', 'valvoja', 'admin_anna']) assert.equal((await (await signedIn(node.url, name)).request(editPath)).status, 404, `${name} cannot open it`);
    assert.equal((await mikkoClient.post(editPath, { _csrf: mikkoSees.$('input[name="_csrf"]').first().attr('value')!, body: 'Mikon sanat' })).status, 404);
    const editing = await ainoClient.get(editPath);
    assert.equal(editing.$('textarea[name="body"]').text(), 'Hei mikko, lähdetäänkö **tiistaina** kävelylle?');
    const emptied = await ainoClient.submit(editPath, { body: ' ' }, editPath);
    assert.equal(emptied.status, 422);
    assert.match(errorsOf(emptied), /The message is empty/);
    assert.equal(emptied.$('textarea[name="body"]').text(), ' ', 'what was typed comes back');
    assert.match((await mikkoClient.get(space)).$('.messages').text(), /lähdetäänkö tiistaina kävelylle/, 'a refused correction changes nothing');
    const unreadBefore = (await mikkoClient.get('/notifications')).$('.notification-list li.is-new').length;
    const corrected = await ainoClient.submit(editPath, { body: 'Hei mikko, lähdetäänkö **keskiviikkona** kävelylle?' }, editPath);
    assert.match(corrected.$('.notice').text(), /Your message has been saved/);
    const correctedMessage = (await mikkoClient.get(space)).$('.messages li').first();
    assert.match(correctedMessage.find('.prose').text(), /lähdetäänkö keskiviikkona kävelylle/);
    assert.doesNotMatch(correctedMessage.text(), /tiistaina/);
    assert.match(correctedMessage.find('.meta').text(), /edited/);
    assert.equal((await mikkoClient.get('/notifications')).$('.notification-list li.is-new').length, unreadBefore, 'a correction tells nobody again');

    assert.equal((await kaisa.get('/mentoring/applications')).$('#pairs').parent().find(`a[href="${space}"]`).length, 0, 'no way in before they ask');
    const invited = await ainoClient.submit(space, {}, `${space}/invite`);
    assert.match(invited.$('.notice').text(), /aino asked the coordinators into this conversation/);
    const coordinatorTold = await kaisa.get('/notifications');
    assert.match(coordinatorTold.$('.notification-list').text(), /aino asked the coordinators into a mentor pair's conversation/);
    const goesTo = await kaisa.request(`/notifications/${coordinatorTold.$('.notification-list a').first().attr('href')!.split('/').at(-1)}`);
    assert.equal(goesTo.headers.get('location'), space);
    assert.equal((await kaisa.get('/mentoring/applications')).$('#pairs').parent().find(`a[href="${space}"]`).length, 1, 'the coordinators find the conversation from their page too');
    const coordinatorView = await kaisa.get(space);
    assert.equal(coordinatorView.status, 200);
    assert.match(coordinatorView.$('.messages').text(), /kävelylle/);
    assert.match(coordinatorView.$('.notice').text(), /aino asked the coordinators/);
    for (const name of ['bertta', 'valvoja', 'admin_anna']) assert.equal((await (await signedIn(node.url, name)).request(space)).status, 404, `${name} after the invitation`);

    // The light meeting log: a day and what they did; counts in the association's figures.
    const logAction = `/mentoring/pairs/${pair.id}/meetings`;
    const future = await mikkoClient.submit('/mentoring', { on: '2099-01-01', activity: 'sports' }, logAction);
    assert.equal(future.status, 422);
    assert.match(errorsOf(future), /not in the future/);
    const today = new Date().toISOString().slice(0, 10);
    const logged = await mikkoClient.submit('/mentoring', { on: today, activity: 'sports' }, logAction);
    assert.match(logged.$('.meeting-log').text(), /sports/);
    const berttaToken = (await bertta.get('/mentoring')).$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await bertta.post(logAction, { _csrf: berttaToken, on: today, activity: 'leisure' })).status, 404, 'only the pair logs');

    // A month on: each is asked how it goes, answers once or skips.
    const started = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    await db().update(mentorPairs).set({ startsOn: started }).where(eq(mentorPairs.id, pair.id));
    assert.match((await ainoClient.get('/')).$('.home-tasks').text(), /Your mentor pair after 1 month: tell how it is going/);
    // The hourly look tells each of the two once that the check-in has come.
    assert.equal(await remindDueCheckins(db()), 2);
    assert.equal(await remindDueCheckins(db()), 0, 'once');
    const reminded = await ainoClient.get('/notifications');
    const reminder = reminded.$('.notification-list a').filter((_, a) => /Time to tell how your mentor pair is going/.test(reminded.$(a).text()));
    assert.equal(reminder.length, 1);
    assert.equal((await ainoClient.request(reminder.attr('href')!)).headers.get('location'), `${space}#checkin`);
    const asked = await ainoClient.get(space);
    assert.match(asked.$('#checkin').parent().text(), /After 1 month: how is your time together going\?/);
    await ainoClient.submit(space, { rating: '4', note: 'Hyvä alku' }, `${space}/checkins/1`);
    await mikkoClient.submit(space, { skip: '1' }, `${space}/checkins/1`);
    assert.equal((await ainoClient.get(space)).$('#checkin').length, 0, 'answered: not asked again');
    assert.doesNotMatch((await ainoClient.get('/')).$('main').text(), /tell how it is going/, 'nor on the home page');
    const spaceToken = (await ainoClient.get(space)).$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await ainoClient.post(`${space}/checkins/1`, { _csrf: spaceToken, rating: '2' })).status, 404, 'once');
    assert.equal((await db().select().from(mentorPairCheckins)).length, 2);

    // Ending early needs a reason; the feedback stays as the closing check-in.
    const noReason = await ainoClient.submit(space, { rating: '5', feedback: 'Kiitos kaikesta' }, `${space}/end`);
    assert.equal(noReason.status, 422);
    assert.match(errorsOf(noReason), /why you end the pair early/);
    assert.equal(noReason.$('#field-feedback').text(), 'Kiitos kaikesta');
    const ended = await ainoClient.submit(space, { reason: 'Muutan toiselle paikkakunnalle', rating: '5', feedback: 'Kiitos kaikesta' }, `${space}/end`);
    assert.match(ended.$('.notice').text(), /The pair has ended/);
    const [after] = await db().select().from(mentorPairs).where(eq(mentorPairs.id, pair.id));
    assert.deepEqual([after!.status, after!.endedOn, after!.endReason], ['ended', today, 'Muutan toiselle paikkakunnalle']);
    const mikkoHears = (await mikkoClient.get('/notifications')).$('.notification-list');
    assert.match(mikkoHears.find('li.is-new').text(), /Your mentor pair has ended/);
    assert.equal((await ainoClient.get('/notifications')).$('.notification-list').text().includes('has ended'), false, 'not told of one’s own ending');
    const mikkoAfter = (await mikkoClient.get(space)).$('main').text();
    assert.match(mikkoAfter, /The pair ended on/);
    assert.doesNotMatch(mikkoAfter, /Muutan/, 'the reason is for the coordinators, not the other');
    // He did not end it: he is asked how it went, once; she said it as she ended it.
    assert.match((await mikkoClient.get(space)).$('#closing').parent().text(), /You can tell the coordinators how it went, or skip this/);
    assert.equal((await ainoClient.get(space)).$('#closing').length, 0);
    const badRating = await mikkoClient.submit(space, { rating: '9', feedback: 'Hyvä kokemus' }, `${space}/closing`);
    assert.equal(badRating.status, 422);
    assert.equal(badRating.$('#field-feedback').text(), 'Hyvä kokemus', 'the words come back');
    assert.match((await mikkoClient.submit(space, { rating: '4', feedback: 'Hyvä kokemus' }, `${space}/closing`)).$('.notice').text(), /Thank you/);
    assert.equal((await mikkoClient.get(space)).$('#closing').length, 0, 'asked once');
    const closingToken = (await mikkoClient.get(space)).$('input[name="_csrf"]').first().attr('value')!;
    assert.equal((await mikkoClient.post(`${space}/closing`, { _csrf: closingToken, rating: '1' })).status, 404, 'once');
    assert.deepEqual(
      (await db().select().from(mentorPairCheckins).where(and(eq(mentorPairCheckins.pairId, pair.id), eq(mentorPairCheckins.atMonths, 0)))).map((c) => [c.userId, c.rating, c.note]).sort(),
      [[node.people.aino!.id, 5, 'Kiitos kaikesta'], [node.people.mikko!.id, 4, 'Hyvä kokemus']].sort(),
    );
    // The coordinators see the ending and why, to follow up.
    const endings = (await kaisa.get('/mentoring/applications')).$('#ended').parent();
    assert.match(endings.text().replace(/\s+/g, ' '), /@aino \+ @mikko · from .* · ended early Muutan toiselle paikkakunnalle/);
    assert.equal((await ainoClient.request(editPath)).status, 404, 'an ended pair’s conversation is kept as it was');
    const earlierPairs = (await ainoClient.get('/mentoring')).$('#earlier').parent();
    assert.match(earlierPairs.text(), /Your peer mentor was mikko/);
    assert.equal(earlierPairs.find(`a[href="${space}"]`).length, 1, 'she finds the conversation again');
    assert.equal((await bertta.request(space)).status, 404, 'still only theirs');
    // Continuous intake: a mentor whose pair has ended can support someone again, and is still trained.
    const mentorAgain = await mikkoClient.submit('/mentoring', { kind: 'mentor', languages: 'fi', remote: 'on', weekdays: ['2'] }, '/mentoring/apply');
    assert.match(mentorAgain.$('.applications').text(), /Training completed/);
    assert.doesNotMatch(mentorAgain.$('.applications').text(), /In training/);
    await mikkoClient.submit('/mentoring', { kind: 'mentor' }, '/mentoring/withdraw');

    // The coordinators see how pairs go only as totals, and nothing of so few answers.
    const going = (await kaisa.get('/mentoring/applications')).$('#going').parent().text().replace(/\s+/g, ' ');
    assert.match(going, /After 1 month: 1 answered · fewer than 5: nothing shown/);
    assert.doesNotMatch(going, /Hyvä alku|Kiitos kaikesta|aino|mikko/);

    const admin = await signedIn(node.url, 'admin_anna');
    const figures = await admin.get(`/admin/figures?from=${started}&to=${today}`);
    assert.match(figures.$('.pair-figures').text().replace(/\s+/g, ' '), /Pairs started ?fewer than 5 .*Pairs whose time ended ?fewer than 5 .*Meetings the pairs logged ?1/);
  });

  it('takes an application back, and keeps applications in the export and out of a deleted account', async () => {
    const bertta = await signedIn(node.url, 'bertta');
    await bertta.submit('/mentoring', { kind: 'peer' }, '/mentoring/withdraw');
    assert.equal((await bertta.get('/mentoring')).$('.applications').length, 0, 'nothing waiting');
    const aino = await signedIn(node.url, 'aino');
    type Exported = { mentorApplications: { kind: string; note: string; interests: Record<string, string>[] }[]; mentorPairs: { as: string; status: string; endReason: string; meetingsLogged: { activity: string }[]; messagesWritten: { body: string; editedAt: string | null }[] }[]; mentorPairCheckins: { note: string }[] };
    const exported = JSON.parse((await aino.request('/settings/export')).html) as Exported;
    assert.deepEqual(exported.mentorApplications.map((a) => [a.kind, a.note, a.interests.flatMap((names) => Object.values(names))]), [['peer', 'Iltapäivät', ['Kävely']]]);
    assert.deepEqual(exported.mentorPairs.map((p) => p.status).sort(), ['declined', 'ended'], 'the proposal she said no to, and the pair');
    assert.deepEqual(
      exported.mentorPairs.filter((p) => p.status === 'ended').map((p) => [p.as, p.endReason, p.meetingsLogged.map((m) => m.activity)]),
      [['peer', 'Muutan toiselle paikkakunnalle', ['sports']]],
    );
    assert.deepEqual(
      exported.mentorPairs.flatMap((p) => p.messagesWritten.map((m) => [m.body, Boolean(m.editedAt)])),
      [['Hei mikko, lähdetäänkö **keskiviikkona** kävelylle?', true], ['Tai torstaina?', false]],
      'her own messages as they stand, none of his',
    );
    const hisExport = JSON.parse((await (await signedIn(node.url, 'mikko')).request('/settings/export')).html) as Exported;
    const hisEnded = hisExport.mentorPairs.filter((p) => p.status === 'ended');
    assert.deepEqual(hisEnded.map((p) => [p.as, p.endReason]), [['mentor', '']], 'why she ended it is hers and the coordinators’, not in his export');
    assert.deepEqual(exported.mentorPairCheckins.map((c) => c.note).sort(), ['Hyvä alku', 'Kiitos kaikesta']);

    const admin = await signedIn(node.url, 'admin_anna');
    const today = new Date().toISOString().slice(0, 10);
    const figuresBefore = (await admin.get(`/admin/figures?from=2026-01-01&to=${today}`)).$('.pair-figures').text();
    await aino.submit('/settings/delete', { password: 'correct horse battery' });
    // What she wrote is gone; the pair that ran stays as a nameless count, with its log.
    const left = (await applications()).filter((a) => a.userId === node.people.aino!.id);
    assert.deepEqual(left.map((a) => [a.status, a.note, a.languages, a.municipalityCode, a.interestIds, a.weekdays]), [['matched', '', [], null, [], []]]);
    assert.equal((await db().select().from(mentorPairCheckins).where(eq(mentorPairCheckins.userId, node.people.aino!.id))).length, 0);
    assert.equal((await db().select().from(mentorPairMessages).where(eq(mentorPairMessages.authorId, node.people.aino!.id))).length, 0);
    assert.equal((await admin.get(`/admin/figures?from=2026-01-01&to=${today}`)).$('.pair-figures').text(), figuresBefore, 'the figures keep their counts');
    assert.doesNotMatch((await (await signedIn(node.url, 'kaisa')).get('/mentoring/applications')).html, /Iltapäivät|@aino|Muutan toiselle/, 'nor why she ended it');
  });

  it('ends a running pair and withdraws a proposal when one of them deletes their account; the other keeps their place', async () => {
    const [mentor] = await db().select().from(mentorApplications).where(eq(mentorApplications.userId, node.people.mikko!.id));
    // mikko mentors again: a running pair with bertta, and a proposal to a mentee who has not answered.
    const bertta = await signedIn(node.url, 'bertta');
    await bertta.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on', weekdays: '2' }, '/mentoring/apply');
    const [berttaApplication] = await db().select().from(mentorApplications).where(and(eq(mentorApplications.userId, node.people.bertta!.id), eq(mentorApplications.status, 'waiting')));
    const [running] = await db().insert(mentorPairs).values({ peerApplicationId: berttaApplication!.id, mentorApplicationId: mentor!.id, status: 'active', startsOn: '2026-11-01', endsOn: '2027-05-01' }).returning();
    await db().update(mentorApplications).set({ status: 'matched' }).where(eq(mentorApplications.id, berttaApplication!.id));
    const kaisa = await signedIn(node.url, 'kaisa');
    await kaisa.submit('/mentoring', { kind: 'peer', languages: 'fi', remote: 'on', weekdays: '2' }, '/mentoring/apply');
    const [kaisaApplication] = await db().select().from(mentorApplications).where(eq(mentorApplications.userId, node.people.kaisa!.id));
    const [mikkoAgain] = await db().insert(mentorApplications).values({ userId: node.people.mikko!.id, kind: 'mentor', status: 'proposed', trainedOn: '2026-11-30', weekdays: [2] }).returning();
    await db().insert(mentorPairs).values({ peerApplicationId: kaisaApplication!.id, mentorApplicationId: mikkoAgain!.id });
    await db().update(mentorApplications).set({ status: 'proposed' }).where(eq(mentorApplications.id, kaisaApplication!.id));

    // Crisis wording in the pair's conversation: the writer is shown where help answers, once;
    // nobody else is told (no alert, nothing for moderators, nothing on the other's page).
    const runningSpace = `/mentoring/pairs/${running!.id}`;
    const heavy = await bertta.submit(runningSpace, { body: 'Some nights I want to die.' }, `${runningSpace}/messages`);
    assert.match(heavy.$('.crisis-box').text(), /Thank you for writing[\s\S]*very heavy right now[\s\S]*MIELI Crisis Helpline[\s\S]*112/);
    assert.equal((await bertta.get(runningSpace)).$('.crisis-box').length, 0, 'once');
    assert.equal((await db().select().from(reports)).length, 0, 'no alert: moderators have no place here');
    const mikko = await signedIn(node.url, 'mikko');
    const mikkoReads = await mikko.get(runningSpace);
    assert.match(mikkoReads.$('.messages').text(), /Some nights/);
    assert.equal(mikkoReads.$('.crisis-box').length, 0);
    await mikko.submit('/settings/delete', { password: 'correct horse battery' });
    const after = (await db().query.mentorPairs.findFirst({ where: eq(mentorPairs.id, running!.id) }))!;
    assert.deepEqual([after.status, after.endReason], ['ended', ''], 'the running pair ended, without a reason to tell');
    assert.equal((await db().query.mentorApplications.findFirst({ where: eq(mentorApplications.id, kaisaApplication!.id) }))!.status, 'waiting', 'the mentee is back on the list');
    assert.equal((await db().select().from(mentorPairs).where(eq(mentorPairs.peerApplicationId, kaisaApplication!.id))).length, 0, 'the proposal is gone');
    assert.match((await kaisa.get('/mentoring')).$('.applications').text(), /You are number 1 among those waiting for a mentor/);
    // bertta keeps the conversation of the pair that ended, the other named as deleted, not by their old name.
    const earlier = (await bertta.get('/mentoring')).$('#earlier').parent();
    assert.match(earlier.text(), /Your peer mentor was deleted member/);
    assert.doesNotMatch(earlier.text(), /mikko/);
    const kept = await bertta.get(earlier.find('a').attr('href')!);
    assert.equal(kept.status, 200);
    assert.match(kept.$('main').text(), /The pair ended on/);
    assert.doesNotMatch(kept.$('h1').text() + kept.$('title').text(), /mikko/);
    assert.match((await bertta.get('/notifications')).$('.notification-list').text(), /Your mentor pair has ended/, 'the other hears the pair ended with the account');
    const forCoordinators = (await kaisa.get('/mentoring/applications')).$('#ended').parent().text().replace(/\s+/g, ' ');
    assert.match(forCoordinators, /@bertta \+ deleted member · from .* · ended early/);
  });

  it('lets a coordinator withdraw a proposal, never pairs one with themself, and closes a pair past its time, asking each how it went', async () => {
    const kaisa = await signedIn(node.url, 'kaisa');
    const ville = await signedIn(node.url, 'ville');
    const tuula = await signedIn(node.url, 'tuula');
    const fields = { languages: 'fi', remote: 'on', weekdays: '3' };
    await ville.submit('/mentoring', { kind: 'mentor', ...fields }, '/mentoring/apply');
    await ville.submit('/mentoring', { kind: 'peer', ...fields }, '/mentoring/apply');
    await tuula.submit('/mentoring', { kind: 'peer', ...fields }, '/mentoring/apply');
    const waiting = (await applications()).filter((a) => a.status === 'waiting');
    const villeMentor = waiting.find((a) => a.userId === node.people.ville!.id && a.kind === 'mentor')!;
    const villePeer = waiting.find((a) => a.userId === node.people.ville!.id && a.kind === 'peer')!;
    const tuulaPeer = waiting.find((a) => a.userId === node.people.tuula!.id)!;
    await kaisa.submit('/mentoring/applications', { trainedOn: '2026-11-30' }, `/mentoring/applications/${villeMentor.id}/training`);
    const lists = await kaisa.get('/mentoring/applications');
    const villeAsMentee = lists.$('#list-peers').parent().find('.applications > li').filter((_, li) => /ville/.test(lists.$(li).find('strong').first().text()));
    assert.doesNotMatch(villeAsMentee.text(), /fit: @ville/, 'not offered as his own mentor');
    const self = await kaisa.submit('/mentoring/applications', { mentorApplicationId: villeMentor.id, months: '6' }, `/mentoring/applications/${villePeer.id}/propose`);
    assert.match(self.$('.notice').text(), /cannot be the same person/);
    assert.equal((await db().select().from(mentorPairs).where(eq(mentorPairs.mentorApplicationId, villeMentor.id))).length, 0);

    // A proposal one of them does not answer: the coordinator takes it back.
    await kaisa.submit('/mentoring/applications', { mentorApplicationId: villeMentor.id, months: '6' }, `/mentoring/applications/${tuulaPeer.id}/propose`);
    const [proposal] = await db().select().from(mentorPairs).where(and(eq(mentorPairs.mentorApplicationId, villeMentor.id), eq(mentorPairs.status, 'proposed')));
    const withdraw = `/mentoring/pairs/${proposal!.id}/withdraw`;
    for (const name of ['tuula', 'valvoja', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      const token = (await client.get('/mentoring')).$('input[name="_csrf"]').first().attr('value')!;
      assert.equal((await client.post(withdraw, { _csrf: token })).status, 404, name);
    }
    const withdrawn = await kaisa.submit('/mentoring/applications', {}, withdraw);
    assert.match(withdrawn.$('.notice').text(), /The proposal was withdrawn/);
    const back = (await applications()).filter((a) => [tuulaPeer.id, villeMentor.id].includes(a.id)).map((a) => a.status);
    assert.deepEqual(back, ['waiting', 'waiting']);
    const tuulaTold = await tuula.get('/notifications');
    const notGoing = tuulaTold.$('.notification-list a').filter((_, a) => /A proposed mentor pair will not go ahead/.test(tuulaTold.$(a).text()));
    assert.equal((await tuula.request(notGoing.attr('href')!)).headers.get('location'), '/mentoring#mine', 'to her application and its place');
    assert.match((await tuula.get('/mentoring')).$('.applications').text(), /among those waiting for a mentor/);
    assert.equal((await kaisa.post(withdraw, { _csrf: (await kaisa.get('/mentoring/applications')).$('input[name="_csrf"]').first().attr('value')! })).status, 404, 'only a proposal waiting for answers');

    // Both say yes; the pair runs to its end day and two weeks past it, then closes by itself.
    await kaisa.submit('/mentoring/applications', { mentorApplicationId: villeMentor.id, months: '6' }, `/mentoring/applications/${tuulaPeer.id}/propose`);
    const answer = (await tuula.get('/mentoring')).$('form[action$="/answer"]').attr('action')!;
    await tuula.submit('/mentoring', { answer: 'yes' }, answer);
    await ville.submit('/mentoring', { answer: 'yes' }, answer);
    const [pair] = await db().select().from(mentorPairs).where(and(eq(mentorPairs.mentorApplicationId, villeMentor.id), eq(mentorPairs.status, 'active')));
    const space = `/mentoring/pairs/${pair!.id}`;
    await db().update(mentorPairs).set({ startsOn: '2026-05-01', endsOn: '2026-11-01' }).where(eq(mentorPairs.id, pair!.id));
    assert.match((await tuula.get(space)).$('#end').parent().text(), /Your time together is over[\s\S]*closes by itself on Sun 15 Nov/);
    assert.equal(await closeFinishedPairs(db(), '2026-11-14'), 0, 'not before two weeks past its end');
    assert.equal(await closeFinishedPairs(db(), '2026-11-15'), 1);
    assert.equal(await closeFinishedPairs(db(), '2026-11-15'), 0, 'once');
    const [closed] = await db().select().from(mentorPairs).where(eq(mentorPairs.id, pair!.id));
    assert.deepEqual([closed!.status, closed!.endedOn, closed!.endReason, closed!.endedBy], ['ended', '2026-11-01', '', null], 'ended on its end day, by nobody');
    for (const client of [tuula, ville]) {
      const told = await client.get('/notifications');
      const ended = told.$('.notification-list a').filter((_, a) => /Your mentor pair has ended/.test(told.$(a).text()));
      assert.equal(ended.length, 1);
      assert.equal((await client.request(ended.attr('href')!)).headers.get('location'), `${space}#closing`);
      assert.equal((await client.get(space)).$('#closing').length, 1, 'asked how it went');
    }
    for (const name of ['bertta', 'kaisa', 'valvoja', 'admin_anna']) {
      const client = await signedIn(node.url, name);
      const token = (await client.get('/')).$('input[name="_csrf"]').first().attr('value')!;
      assert.equal((await client.post(`${space}/closing`, { _csrf: token, rating: '1', feedback: 'Kaapattu' })).status, 404, `${name}: not theirs to answer`);
    }
    await tuula.submit(space, { rating: '5', feedback: 'Parasta oli kävely' }, `${space}/closing`);
    await ville.submit(space, { skip: '1' }, `${space}/closing`);
    assert.deepEqual(
      (await db().select().from(mentorPairCheckins).where(eq(mentorPairCheckins.pairId, pair!.id))).map((c) => [c.atMonths, c.skipped, c.rating, c.note]).sort(),
      [[0, false, 5, 'Parasta oli kävely'], [0, true, null, '']].sort(),
    );
    assert.equal((await ville.get(space)).$('#closing').length, 0);
    assert.match((await tuula.get('/mentoring')).$('#earlier').parent().text(), /Your peer mentor was ville/);
  });
});
