// The safety fixes through real pages in Chromium: typed text survives a refusal, the crisis queue,
// quotes and the compact header at a phone's width, each page checked by axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { forums, threads } from '../../server/forums/forums.tables.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

const widths = [1280, 375] as const;

describe('in Chromium: safety', () => {
  let node: SetUpTestNode;
  let browser: Browser;
  let thread: Thread;
  const signIn = (username: string): Promise<Page> => signedInPage(browser, node.url, username, password);

  /** axe on the page as it is, at a desktop's and a phone's width. */
  const accessibleAtBothWidths = async (page: Page, label: string) => {
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await assertAccessible(page, `${label} at ${width} px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  before(async () => {
    node = await startSetUpNode({ people: [['moderaattori_maija', 'moderator'], 'sini', 'toinen'] });
    const db = node.database.db;
    const admin = node.admin;
    const sini = node.people.sini!;
    const toinen = node.people.toinen!;
    const forum = await makeForum(db, 'avoin', 'public');
    thread = await makeThread(db, sini, forum, 'Illan ajatuksia', 'Miten päivänne meni?');
    await makeReply(db, toinen, forum, thread, 'Ihan hyvin, kiitos.');
    await makeGroup(db, {}, [admin]);
    await makeGroup(db, { name: 'Suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed' }, [admin]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  it('keeps what was typed when a reply or a new conversation is refused meanwhile', async () => {
    const toinen = await signIn('toinen');
    await toinen.goto(`${node.url}${paths.thread(thread)}`);
    const long = 'Kirjoitin tätä pitkään ja huolella.\n\nToinen kappale, jota en halua menettää.';
    await toinen.getByLabel('Message').fill(long);
    // A moderator locks the conversation while the reply is being written.
    await node.database.db.update(threads).set({ locked: true }).where(eq(threads.id, thread.id));
    await toinen.getByRole('button', { name: 'Publish publicly' }).click();
    await toinen.waitForSelector('#refused');
    assert.match(await toinen.locator('#refused').innerText(), /locked/);
    assert.equal(await toinen.getByLabel('Message').inputValue(), long);
    await accessibleAtBothWidths(toinen, 'a refused reply');
    await node.database.db.update(threads).set({ locked: false }).where(eq(threads.id, thread.id));

    await toinen.goto(`${node.url}/forums/avoin/new`);
    await toinen.getByLabel('Title').fill('Uusi keskustelu');
    await toinen.getByLabel('Message').fill(long);
    await node.database.db.update(forums).set({ archived: true }).where(eq(forums.slug, 'avoin'));
    await toinen.getByRole('button', { name: 'Publish publicly' }).click();
    await toinen.waitForSelector('#refused');
    assert.equal(await toinen.getByLabel('Message').inputValue(), long);
    assert.equal(await toinen.getByLabel('Title').inputValue(), 'Uusi keskustelu');
    await node.database.db.update(forums).set({ archived: false }).where(eq(forums.slug, 'avoin'));
  });

  it('shows a quote from its source, and a crisis alert first in the queue, accessibly at both widths', async () => {
    const toinen = await signIn('toinen');
    await toinen.goto(`${node.url}${paths.thread(thread)}`);
    await toinen.locator('#post-1').getByRole('link', { name: 'Quote' }).click();
    assert.match(await toinen.locator('.quoted-post').innerText(), /Miten päivänne meni\?/);
    await accessibleAtBothWidths(toinen, 'the reply composer with a quote');
    await toinen.getByLabel('Message').fill('En jaksa enää elää tällaista, haluaisin vain nukkua pois');
    await toinen.getByRole('button', { name: 'Publish publicly' }).click();
    await toinen.waitForSelector('.crisis-box');
    assert.match(await toinen.locator('.crisis-box').innerText(), /112/);
    await accessibleAtBothWidths(toinen, 'the thread with a quote and the crisis box');

    const maija = await signIn('moderaattori_maija');
    await maija.goto(`${node.url}/forums`);
    assert.match(await maija.locator('header').innerText(), /crisis alert waiting/);
    await maija.goto(`${node.url}/moderation`);
    const first = maija.locator('.queue-item').first();
    assert.match((await first.getAttribute('class')) ?? '', /is-crisis/);
    assert.match(await first.innerText(), /written (this minute|\d+ minutes? ago)/);
    await accessibleAtBothWidths(maija, 'the queue with a crisis alert');
  });

  it('folds the header and the directory\'s filters on a phone, without JavaScript, and opens them by keyboard', async () => {
    const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false, viewport: { width: 375, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${node.url}/groups?kind=peer_support`);
    assert.ok(await page.getByRole('link', { name: 'Exit quickly' }).isVisible());
    assert.ok(await page.locator('.help-now-compact').isVisible(), 'Help now stays in sight');
    assert.equal(await page.getByRole('link', { name: 'Forums' }).isVisible(), false, 'the menu is folded');
    const headerHeight = await page.locator('header').evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(headerHeight < 180, `the header takes ${headerHeight} px`);
    assert.match(await page.locator('.filters-fold > summary').innerText(), /Filters \(1 on\)/);
    assert.equal(await page.locator('#filter-region').isVisible(), false);
    await page.locator('.menu > summary').focus();
    await page.keyboard.press('Enter');
    assert.ok(await page.getByRole('link', { name: 'Forums' }).isVisible(), 'Enter opens the menu');
    await page.locator('.filters-fold > summary').focus();
    await page.keyboard.press('Enter');
    assert.ok(await page.locator('#filter-region').isVisible());
    await context.close();

    // axe itself needs JavaScript: the same pages again in a context that runs it.
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 800 }, locale: 'en-GB' });
    const page2 = await axeContext.newPage();
    await page2.goto(`${node.url}/groups?kind=peer_support`);
    await assertAccessible(page2, 'the directory at 375 px');

    await page2.setViewportSize({ width: 1280, height: 900 });
    await page2.goto(`${node.url}/groups`);
    assert.ok(await page2.getByRole('link', { name: 'Forums' }).isVisible(), 'on a wide screen the menu is simply open');
    assert.ok(await page2.locator('#filter-region').isVisible(), 'and so are the filters');
    assert.equal(await page2.locator('.menu > summary').isVisible(), false);
    await assertAccessible(page2, 'the directory at 1280 px');
    await axeContext.close();
  });

  it('passes axe at both widths on the other pages this work changed', async () => {
    const admin = await signIn('admin_anna');
    for (const path of ['/admin/moderation', '/admin/groups', '/groups/suljettu', '/help', '/notifications', `${paths.thread(thread)}`, '/forums/%00']) {
      await admin.goto(`${node.url}${path}`);
      await accessibleAtBothWidths(admin, path);
    }
    await admin.goto(`${node.url}/language/sv?next=/forums`);
    assert.ok(await admin.locator('form[action="/language"]').isVisible(), 'the offer to save the language');
    await accessibleAtBothWidths(admin, 'the offer to save the language');
  });
});
