// The Following page and a followed group's conversation, in Chromium: accessible, by keyboard,
// with the typed address kept when it is wrong.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeForum, makeThread } from '../support/forums.ts';
import { until } from '../support/until.ts';
import { remoteForums } from '../../federation/federation.tables.ts';

describe('in Chromium: following a group on another site', function () {
  this.timeout(180_000);
  let group: SetUpTestNode;
  let home: SetUpTestNode;
  let browser: Browser;

  before(async () => {
    const env = { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
    [group, home] = await Promise.all([startSetUpNode({ env, people: ['sini'] }), startSetUpNode({ env, people: ['bea'] })]);
    await makeForum(group.database.db, 'avoin', 'public', { replyPolicy: 'members_and_remote' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([group?.close(), home?.close()]);
  });

  it('follows by address from the keyboard, reads the conversation at home and replies there', async () => {
    const page = await signedInPage(browser, home.url, 'bea', password);
    await page.goto(`${home.url}/forums`);
    await page.getByRole('link', { name: 'Groups you follow elsewhere' }).click();
    await assertAccessible(page, 'following, empty');

    await page.getByLabel("The group's address").fill('not an address');
    await page.getByLabel("The group's address").press('Enter');
    await page.waitForSelector('.error-summary');
    await assertAccessible(page, 'following with an error');
    assert.equal(await page.getByLabel("The group's address").inputValue(), 'not an address');

    await page.getByLabel("The group's address").fill(`${group.url}/ap/actors/avoin`);
    await page.getByLabel("The group's address").press('Enter');
    await page.waitForSelector('.notice');
    await until('the Accept', async () => (await home.database.db.select().from(remoteForums))[0]?.state === 'accepted');

    const forum = (await group.database.db.query.forums.findFirst({ where: (f, { eq }) => eq(f.slug, 'avoin') }))!;
    await makeThread(group.database.db, group.people.sini!, forum as never, 'Tervehdys verkostosta', 'Hei kaikki toisella sivustolla!');
    await until('the thread at home', async () => (await home.database.db.query.threads.findFirst({ where: (t, { eq }) => eq(t.title, 'Tervehdys verkostosta') })) !== undefined);
    await page.reload();
    await assertAccessible(page, 'following, with a group and a conversation');
    await page.getByRole('link', { name: 'Tervehdys verkostosta' }).click();
    await assertAccessible(page, 'a followed group’s conversation');
    assert.match(await page.locator('main').innerText(), /@sini@/);

    await page.getByLabel('Message').fill('Terveisiä takaisin!');
    await page.getByLabel('Message').press('Tab');
    await page.getByRole('button', { name: 'Publish publicly' }).click();
    await until('the reply on the group’s site', async () => (await group.database.db.query.posts.findFirst({ where: (p, { like }) => like(p.body, '%Terveisiä takaisin%') })) !== undefined);
  });
});
