import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

describe('in Chromium: reporting and moderating', () => {
  let node: SetUpTestNode;
  let browser: Browser;
  let thread: Thread;
  const signIn = (username: string): Promise<Page> => signedInPage(browser, node.url, username, password);

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'sini', 'toinen'] });
    const db = node.database.db;
    const sini = node.people.sini!;
    const toinen = node.people.toinen!;
    const forum = await makeForum(db, 'avoin', 'public');
    await makeForum(db, 'muut', 'members');
    thread = await makeThread(db, sini, forum, 'Illan ajatuksia', 'Miten päivänne meni?');
    await makeReply(db, toinen, forum, thread, 'Ilkeä vastaus, joka raportoidaan');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  it('a member reports a post, a moderator removes it from the queue, and the log shows it', async () => {
    const sini = await signIn('sini');
    await sini.goto(`${node.url}${paths.thread(thread)}`);
    await sini.locator('#post-2').getByRole('link', { name: 'Report' }).click();
    await assertAccessible(sini, 'report form');
    await sini.getByRole('button', { name: 'Send the report' }).click();
    await sini.waitForSelector('.error-summary');
    await assertAccessible(sini, 'report form with an error');
    await sini.getByLabel('It hurts or harasses someone').check();
    await sini.getByLabel(/Anything the moderators should know/).fill('Tämä tuntui pahalta.');
    await sini.getByRole('button', { name: 'Send the report' }).click();
    await sini.waitForSelector('text=The moderators will look at it');

    const maija = await signIn('moderaattori_maija');
    await maija.getByRole('link', { name: 'Moderation' }).first().click();
    await maija.waitForSelector('text=Tämä tuntui pahalta.');
    await assertAccessible(maija, 'queue');
    const item = maija.locator('.queue-item', { hasText: 'Ilkeä vastaus' });
    await item.getByLabel('Reason for removing (the writer sees it)').fill('Loukkaava sävy toista kohtaan');
    await item.getByRole('button', { name: 'Remove' }).click();
    await maija.waitForSelector('text=The post was removed');
    assert.equal(await maija.locator('.queue-item', { hasText: 'Ilkeä vastaus' }).count(), 0);

    await maija.getByRole('link', { name: 'Moderation log' }).click();
    await maija.waitForSelector('td:has-text("Loukkaava sävy toista kohtaan")');
    assert.match(await maija.locator('tbody tr').first().textContent() ?? '', /Post removed.*@moderaattori_maija.*@toinen/s);
    await assertAccessible(maija, 'log');

    await sini.goto(`${node.url}${paths.thread(thread)}`);
    assert.equal(await sini.getByText('Ilkeä vastaus').count(), 0);
    assert.equal(await sini.getByText('Removed by the moderators').count(), 1);
  });

  it('passes axe on the crisis help, the member page, the move page, the admin page and the messages', async () => {
    const visitor = await browser.newPage({ bypassCSP: true, locale: 'fi-FI' });
    await visitor.goto(`${node.url}/help`);
    await visitor.waitForSelector('text=MIELI Kriisipuhelin');
    await assertAccessible(visitor, 'crisis help');

    const maija = await signIn('moderaattori_maija');
    await maija.goto(`${node.url}/moderation/members/toinen`);
    await assertAccessible(maija, 'member page');
    await maija.getByLabel('Message', { exact: true }).fill('Muistathan ystävällisyyden.');
    await maija.getByRole('button', { name: 'Send the message' }).click();
    await maija.waitForSelector('text=The message was sent');
    await maija.goto(`${node.url}/moderation/threads/${thread.id}/move`);
    await assertAccessible(maija, 'move page');
    await maija.goto(`${node.url}${paths.thread(thread)}`);
    await maija.locator('#post-1 summary', { hasText: 'Moderate' }).click();
    await assertAccessible(maija, 'thread with moderation tools open');

    const toinen = await signIn('toinen');
    await toinen.goto(`${node.url}/moderator-messages`);
    await toinen.waitForSelector('text=Muistathan ystävällisyyden.');
    await assertAccessible(toinen, 'messages from the moderators');

    const admin = await signIn('admin_anna');
    await admin.goto(`${node.url}/admin/moderation`);
    await assertAccessible(admin, 'moderation settings');
  });

  it('shows the crisis box after a post with crisis wording, and it passes axe', async () => {
    const sini = await signIn('sini');
    await sini.goto(`${node.url}${paths.thread(thread)}`);
    await sini.getByLabel('Message', { exact: true }).fill('Joskus tuntuu, että haluan kuolla.');
    await sini.getByRole('button', { name: 'Publish publicly' }).click();
    await sini.waitForSelector('.crisis-box');
    assert.match(await sini.locator('.crisis-box').textContent() ?? '', /09 2525 0116/);
    await assertAccessible(sini, 'crisis box');
  });
});
