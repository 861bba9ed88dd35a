import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { startSmtp } from '../support/smtp.ts';
import { groupMembers } from '../../server/groups/groups.tables.ts';
import { warnMember } from '../../server/moderation/moderation.service.ts';
import { unsubscribeUrl } from '../../server/notifications/email.compose.ts';
import { paths } from '../../server/paths.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { eq } from 'drizzle-orm';
import { apply } from '../../server/mentoring/mentoring.service.ts';
import { answerProposal } from '../../server/mentoring/pairs.service.ts';
import { mentorApplications, mentorPairs } from '../../server/mentoring/mentoring.tables.ts';

describe('in Chromium: a member’s day (home, "I’m coming", watching, e-mail choices, moderators’ messages, the look)', () => {
  let node: SetUpTestNode;
  let browser: Browser;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let thread: Thread;

  const signIn = (username: string): Promise<Page> => signedInPage(browser, node.url, username, password);

  before(async () => {
    smtp = await startSmtp();
    node = await startSetUpNode({
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'kohtaamo@example.org', MAIL_POLL_INTERVAL: '0.2' },
      people: [['sini', 'member', 'active', 'sini@example.org'], 'toinen', ['mari', 'moderator']],
    });
    const db = node.database.db;
    const group = await makeGroup(db, { name: 'Kävelyryhmä', slug: 'kavely', meetingCapacity: '8' }, [node.people.mari!]);
    await db.insert(groupMembers).values({ groupId: group.id, userId: node.people.sini!.id, role: 'participant', status: 'accepted', feedToken: 'feed-sini' });
    const forum = await makeForum(db, 'arki', 'members');
    thread = await makeThread(db, node.people.sini!, forum, 'Aamun askeleet', 'Lähdin kävelylle.');
    await makeReply(db, node.people.toinen!, forum, thread, 'Hienoa, @sini!');
    await warnMember(db, node.people.mari!, node.people.sini!, { message: 'Hei! Muistathan sisältövaroituksen raskaisiin aiheisiin.' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
    await smtp?.close();
  });

  it('marks "I’m coming" by keyboard from home, and every page of the day passes axe at both widths', async () => {
    const sini = await signIn('sini');
    await sini.goto(`${node.url}/`);
    assert.match(await sini.locator('.home-groups').innerText(), /Kävelyryhmä/);
    assert.match(await sini.locator('.thread-list').innerText(), /Aamun askeleet/);
    await assertAccessible(sini, 'home for a member');
    const coming = sini.locator('.home-groups .meeting-list button').first();
    await coming.focus();
    await sini.keyboard.press('Enter');
    await sini.waitForSelector('.home-groups .meeting-list li:first-child .tag');
    assert.match(await sini.locator('.home-groups .meeting-list li').first().innerText(), /You are coming/);

    for (const path of ['/groups/kavely', `${paths.thread(thread)}`, '/forums/arki', '/notifications', '/moderator-messages', '/draft']) {
      await sini.goto(`${node.url}${path}`);
      assert.equal(await sini.locator('h1').count(), 1, path);
      await assertAccessible(sini, path);
    }
    // Watching by keyboard, without JavaScript's help: a form's button.
    await sini.goto(`${node.url}/forums/arki`);
    await sini.getByRole('button', { name: 'Tell me about new conversations' }).press('Enter');
    await sini.waitForSelector('text=You get a notice of each new conversation in this forum.');

    // E-mail choices, and the answer to the moderators, with their errors.
    await sini.goto(`${node.url}/notifications`);
    await sini.getByLabel('replies to my conversations').check();
    await sini.getByRole('button', { name: 'Save' }).last().click();
    await sini.waitForSelector('text=Your e-mail choices are saved.');
    await sini.goto(`${node.url}/moderator-messages`);
    await sini.getByRole('button', { name: 'Send the answer' }).click();
    await sini.waitForSelector('.error-summary');
    await assertAccessible(sini, 'answer with an error');
    await sini.getByLabel('Your answer').fill('Kiitos, muistan.');
    await sini.getByRole('button', { name: 'Send the answer' }).click();
    await sini.waitForSelector('text=Your answer was sent to the moderators.');

    const link = new URL(unsubscribeUrl(node.config.baseUrl, node.config.sessionSecret, node.people.sini!.id, 'replies'));
    const visitor = await (await browser.newContext({ bypassCSP: true, locale: 'en-GB' })).newPage();
    await visitor.goto(`${node.url}${link.pathname}`);
    await assertAccessible(visitor, 'unsubscribe');
    await visitor.getByRole('button', { name: 'Stop these e-mails' }).click();
    await visitor.waitForSelector('text=You will get no more e-mails about replies to my conversations.');
    await assertAccessible(visitor, 'unsubscribed');
    await visitor.goto(`${node.url}/`);
    await assertAccessible(visitor, 'home for a visitor');
  });

  it('the moderators’ side, the figures and the look pass axe, and a colour too light is refused accessibly', async () => {
    const mari = await signIn('mari');
    for (const path of ['/', '/moderation/messages', '/moderation/members/sini']) {
      await mari.goto(`${node.url}${path}`);
      await assertAccessible(mari, `moderator ${path}`);
    }
    const admin = await signIn('admin_anna');
    await admin.goto(`${node.url}/admin/figures`);
    assert.equal(await admin.locator('table.figures tfoot th').innerText(), 'Total');
    await assertAccessible(admin, 'figures');
    await admin.goto(`${node.url}/admin/figures?from=2026-12-31&to=2026-01-01`);
    await assertAccessible(admin, 'figures with a refused period');
    await admin.goto(`${node.url}/admin/look`);
    await assertAccessible(admin, 'look');
    await admin.getByLabel('Use the built-in colour').uncheck();
    await admin.locator('#field-accentColor').fill('#e0b000');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.waitForSelector('.error-summary');
    assert.match(await admin.locator('.error-summary').innerText(), /contrast is only/);
    await assertAccessible(admin, 'look with a refused colour');
    await admin.locator('#field-accentColor').fill('#7a1f5c');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.waitForSelector('text=The look is saved.');
    await assertAccessible(admin, 'look with the association’s colour');
  });

  it('a peer leader builds a questionnaire and opens the start round; a member answers it by keyboard; every page passes axe', async () => {
    const mari = await signIn('mari');
    await mari.goto(`${node.url}/groups/kavely/questionnaires`);
    await assertAccessible(mari, 'questionnaires');
    await mari.getByLabel('Name of the questionnaire').fill('Syksyn ryhmä');
    await mari.getByLabel('Start and end questionnaire').check();
    await mari.getByRole('button', { name: 'Create the questionnaire' }).click();
    await mari.waitForSelector('text=The questionnaire was created.');
    await assertAccessible(mari, 'questionnaire builder');
    await mari.getByRole('button', { name: 'Add a question' }).click();
    await mari.waitForSelector('.error-summary');
    await assertAccessible(mari, 'questionnaire builder with errors');
    // Changing a question's words, by keyboard, and moving it.
    await mari.locator('.questionnaire-items a', { hasText: 'How are you feeling these days?' }).press('Enter');
    await mari.waitForSelector('h1:text("Change the question")');
    await assertAccessible(mari, 'changing a question');
    await mari.getByLabel('Question', { exact: true }).fill('How are you feeling this week?');
    await mari.getByRole('button', { name: 'Save the question' }).press('Enter');
    await mari.waitForSelector('text=The question was saved.');
    await mari.locator('.questionnaire-items button', { hasText: 'Move down: How are you feeling this week?' }).press('Enter');
    await mari.waitForSelector('.questionnaire-items > li:nth-child(2) >> text=How are you feeling this week?');
    await mari.getByText('Name, introduction or deleting').click();
    await assertAccessible(mari, 'the questionnaire’s name and introduction');
    await mari.getByRole('button', { name: 'Open the round' }).click();
    await mari.waitForSelector('text=The round is open: the participants can answer.');

    const sini = await signIn('sini');
    await sini.goto(`${node.url}/`);
    await sini.getByRole('link', { name: /A questionnaire is open for you/ }).click();
    await assertAccessible(sini, 'answering a questionnaire');
    await sini.locator('input[type="radio"][value="4"]').first().focus();
    await sini.keyboard.press('Space');
    await sini.getByRole('button', { name: 'Send my answers' }).press('Enter');
    await sini.waitForSelector('text=Thank you: your answers were saved.');
    // The question moved down: the first she answered is now the second of the template.
    assert.match(await sini.locator('.my-answers').innerText(), /I have people with whom I can share my experiences\. — 4\/5/);
    await assertAccessible(sini, 'my questionnaires');

    await mari.goto(`${mari.url().split('#')[0]}/results`);
    assert.match(await mari.locator('main').innerText(), /Fewer than 5 people answered this round/);
    await assertAccessible(mari, 'questionnaire results');
  });

  it('the mentor scheme: an admin switches it on, a member applies, a coordinator sees the lists; every page passes axe', async () => {
    const admin = await signIn('admin_anna');
    await admin.goto(`${node.url}/admin/mentoring`);
    await assertAccessible(admin, 'mentor scheme settings');
    await admin.getByRole('button', { name: 'Start using the scheme' }).click();
    await admin.waitForSelector('text=The scheme is in use.');
    await admin.getByLabel('Username').fill('mari');
    await admin.getByRole('button', { name: 'Add as coordinator' }).click();
    await admin.getByRole('textbox', { name: 'Interest' }).fill('Kävely');
    await admin.getByRole('button', { name: 'Add the interest' }).click();
    await admin.waitForSelector('#interests ~ ul li, #interests + ul li');
    await admin.locator('#interests ~ ul a', { hasText: 'Names in each language' }).first().press('Enter');
    await admin.waitForSelector('h1:text("Names of the interest")');
    await assertAccessible(admin, 'an interest’s names');
    await admin.getByLabel('Swedish').fill('Promenad');
    await admin.getByRole('button', { name: 'Save the names' }).press('Enter');
    await admin.waitForSelector('#interests ~ ul li:text("Promenad")');

    const sini = await signIn('sini');
    await sini.goto(`${node.url}/mentoring`);
    await assertAccessible(sini, 'mentor scheme');
    await sini.getByRole('button', { name: 'Send the application' }).click();
    await sini.waitForSelector('.error-summary');
    await assertAccessible(sini, 'mentor application with errors');
    await sini.getByLabel('Online suits me too').check();
    await sini.getByLabel('Tuesday').check();
    await sini.getByLabel('Kävely').check();
    await sini.getByRole('button', { name: 'Send the application' }).click();
    await sini.waitForSelector('text=You are number 1 among those waiting for a mentor.');
    await assertAccessible(sini, 'my mentor application');
    // She changes it by keyboard: the link, the form as she sent it, the button.
    await sini.getByRole('link', { name: /^Change the application/ }).press('Enter');
    await sini.waitForSelector('h1:text("Change your application")');
    assert.equal(await sini.getByLabel('Tuesday').isChecked(), true);
    await assertAccessible(sini, 'changing the application');
    await sini.getByLabel('Thursday').check();
    await sini.getByRole('button', { name: 'Save the changes' }).press('Enter');
    await sini.waitForSelector('text=Your application was changed.');

    // A trained mentor waits too; the coordinator proposes, both say yes, and the pair has its space.
    const db = node.database.db;
    await apply(db, node.people.toinen!, { kind: 'mentor', languages: 'en', remote: 'on', weekdays: '2' });
    await db.update(mentorApplications).set({ trainedOn: '2026-11-01' }).where(eq(mentorApplications.userId, node.people.toinen!.id));
    const mari = await signIn('mari');
    await mari.goto(`${node.url}/mentoring/applications`);
    assert.match(await mari.locator('#list-peers').locator('..').innerText(), /sini[\s\S]*Trained mentors who fit: @toinen/);
    await assertAccessible(mari, 'waiting lists');
    await mari.locator('details.propose summary').first().click();
    await mari.getByLabel('Message to both').fill('Teillä on yhteinen kieli ja tiistai.');
    await mari.getByRole('button', { name: 'Send the proposal' }).click();
    await mari.waitForSelector('text=The proposal was sent to both.');
    await assertAccessible(mari, 'pairs and proposals');

    await sini.goto(`${node.url}/mentoring`);
    await assertAccessible(sini, 'a proposal');
    await sini.getByRole('button', { name: "Yes, let's meet" }).click();
    await sini.waitForSelector('text=Thank you. The pair starts when the other says yes too.');
    await mari.goto(`${node.url}/mentoring/applications`);
    assert.match(await mari.locator('#pairs').locator('..').innerText(), /waiting for both to answer \(@sini said yes\)/);
    await assertAccessible(mari, 'a proposal half answered, with its withdraw button');
    const [pair] = await db.select().from(mentorPairs);
    await answerProposal(db, node.people.toinen!, pair!.id, true);
    await sini.goto(`${node.url}/mentoring`);
    await sini.getByRole('link', { name: 'Our conversation' }).click();
    await sini.getByLabel('Message').fill('Hei! Tiistaina?');
    await sini.getByRole('button', { name: 'Send', exact: true }).click();
    await sini.waitForSelector('.messages li');
    await assertAccessible(sini, 'the pair’s conversation');
    // Correcting her message by keyboard: the link, the filled-in field, the button.
    await sini.getByRole('link', { name: /^Edit\b/ }).focus();
    await sini.keyboard.press('Enter');
    await sini.waitForSelector('h1:text("Edit your message")');
    await assertAccessible(sini, 'correcting a message');
    await sini.getByLabel('Message').fill('Hei! Keskiviikkona?');
    await sini.getByRole('button', { name: 'Save changes' }).press('Enter');
    await sini.waitForSelector('text=Your message has been saved.');
    assert.match(await sini.locator('.messages li').first().innerText(), /edited[\s\S]*Keskiviikkona\?/);

    // The coordinator's hand on the running pair: a reason is needed to end it.
    await mari.goto(`${node.url}/mentoring/applications`);
    await mari.getByText('Change or end the pair').click();
    await assertAccessible(mari, 'a running pair’s forms');
    await mari.getByRole('button', { name: 'End the pair' }).click();
    await mari.waitForSelector('.error-summary');
    assert.match(await mari.locator('.field-error').first().innerText(), /why the pair ends/);
    await assertAccessible(mari, 'ending a pair without a reason');

    // The scheme's questionnaire, opened for the mentees: sini answers it from home.
    await mari.getByRole('link', { name: 'Questionnaires' }).click();
    await assertAccessible(mari, 'the scheme’s questionnaires');
    await mari.getByLabel('Name of the questionnaire').fill('Mentoroinnin alku');
    await mari.getByLabel('Start and end questionnaire').check();
    await mari.getByRole('button', { name: 'Create the questionnaire' }).click();
    await mari.waitForSelector('text=The questionnaire was created.');
    await mari.getByLabel('For whom').selectOption('peers');
    await assertAccessible(mari, 'the scheme’s questionnaire builder');
    await mari.getByRole('button', { name: 'Open the round' }).click();
    await mari.waitForSelector('text=Start · The mentees');
    await sini.goto(`${node.url}/`);
    await sini.getByRole('link', { name: /Mentoroinnin alku/ }).click();
    assert.match(await sini.locator('main').innerText(), /Peer-mentor scheme · Start/);
    await sini.getByRole('button', { name: 'Send my answers' }).press('Enter');
    await sini.waitForSelector('text=Thank you: your answers were saved.');

    await admin.goto(`${node.url}/admin/figures`);
    assert.match(await admin.locator('main').innerText(), /Mentoroinnin alku · Peer-mentor scheme/);
    await assertAccessible(admin, 'figures with questionnaires');

    // The coordinator ends the pair with a reason; sini finds its conversation among her earlier pairs.
    await mari.goto(`${node.url}/mentoring/applications`);
    await mari.getByText('Change or end the pair').click();
    await mari.getByLabel('Why the pair ends').fill('Sovittu yhdessä');
    await mari.getByRole('button', { name: 'End the pair' }).click();
    await mari.waitForSelector('text=The pair has been ended.');
    assert.match(await mari.locator('#ended').locator('..').innerText(), /ended early\s+Sovittu yhdessä/);
    await assertAccessible(mari, 'ended pairs');
    await sini.goto(`${node.url}/mentoring`);
    await assertAccessible(sini, 'earlier pairs');
    await sini.getByRole('link', { name: /Read our conversation/ }).click();
    assert.match(await sini.locator('main').innerText(), /Keskiviikkona\?[\s\S]*The pair ended on/);
    // She did not end it: she is asked how it went, and answers by keyboard.
    await assertAccessible(sini, 'how it went');
    await sini.locator('#closing-rating-4').press('Space');
    await sini.getByLabel(/Your feedback/).fill('Kiitos');
    await sini.locator('#closing').locator('..').getByRole('button', { name: 'Send', exact: true }).press('Enter');
    await sini.waitForSelector('text=Thank you.');
    assert.equal(await sini.locator('#closing').count(), 0);
  });
});
