import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeForum } from '../support/forums.ts';
import { xssPayloads } from '../support/xss.ts';

describe('in Chromium: the forums', () => {
  let node: SetUpTestNode;
  let browser: Browser;

  const signIn = (username: string): Promise<Page> => signedInPage(browser, node.url, username, password);

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'toinen'] });
    await makeForum(node.database.db, 'vertaistuki', 'members');
    await makeForum(node.database.db, 'avoin', 'public');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  it('start a thread, reply, quote, edit, send strength and follow a notification', async () => {
    const sini = await signIn('sini');
    await sini.getByRole('link', { name: 'Forums' }).first().click();
    await assertAccessible(sini, 'forum index');
    await sini.getByRole('link', { name: 'Forum vertaistuki' }).click();
    await assertAccessible(sini, 'forum page');
    await sini.getByRole('link', { name: 'Start a conversation' }).click();
    await assertAccessible(sini, 'composer');
    await sini.getByRole('button', { name: 'Publish for members' }).click();
    await sini.waitForSelector('.error-summary');
    await assertAccessible(sini, 'composer with errors');
    await sini.getByLabel('Title').fill('Miten jaksatte?');
    await sini.getByLabel('Message').fill('Minulla on ollut raskas viikko.\n\nMiten teillä menee?');
    await sini.getByLabel('Content warning').fill('väsymys');
    await sini.getByRole('button', { name: 'Publish for members' }).click();
    await sini.waitForSelector('h1:has-text("Miten jaksatte?")');
    assert.equal(await sini.locator('details.content-warning').getAttribute('open'), null, 'the warned post starts folded');
    await assertAccessible(sini, 'thread');
    const threadUrl = sini.url();

    const toinen = await signIn('toinen');
    await toinen.goto(threadUrl);
    await toinen.locator('details.content-warning summary').click();
    await toinen.getByRole('link', { name: 'Quote' }).first().click();
    // The quote is shown from its source (folded behind its warning), not copied into the text.
    assert.match((await toinen.locator('.quoted-post').textContent()) ?? '', /raskas viikko/);
    assert.equal(await toinen.getByLabel('Message').inputValue(), '');
    await toinen.getByLabel('Message').pressSequentially('Voimia sinulle, @sini.');
    await toinen.getByRole('button', { name: 'Send reply' }).click();
    await toinen.waitForSelector('.post >> nth=1');
    assert.equal(await toinen.locator('.post').nth(1).locator('.quote-link a').innerText(), 'Quotes post 1');
    await toinen.locator('.post').first().getByRole('button', { name: 'Sending strength' }).click();
    await toinen.waitForSelector('.post >> nth=0 >> button[aria-pressed="true"]');

    await toinen.locator('.post').nth(1).getByRole('link', { name: 'Edit' }).click();
    await toinen.getByLabel('Message').fill('Voimia sinulle, @sini. Olen ajatellut sinua.');
    await toinen.getByRole('button', { name: 'Save changes' }).click();
    await toinen.waitForSelector('text=Olen ajatellut sinua');
    assert.match(await toinen.locator('.post').nth(1).locator('.post-meta').innerText(), /edited/);

    await sini.goto(node.url);
    await sini.getByRole('link', { name: /Notifications/ }).click();
    await assertAccessible(sini, 'notifications');
    await sini.getByRole('link', { name: /toinen (quoted|mentioned) you in Miten jaksatte\?/ }).click();
    await sini.waitForURL(/\/threads\/.*#post-2$/);
    assert.match(await sini.locator('#post-2').innerText(), /Olen ajatellut sinua/);

    await sini.goto(`${node.url}/search?q=${encodeURIComponent('raskas')}`);
    assert.equal(await sini.locator('.search-results li').count(), 1);
    await assertAccessible(sini, 'search');
  });

  it('passes axe on the other pages members, moderators and admins use', async () => {
    const admin = await signIn('admin_anna');
    await admin.goto(`${node.url}/forums/vertaistuki`);
    await admin.locator('.thread-title a').first().click();
    const thread = admin.url().split('?')[0]!;
    const postId = (await admin.locator('form[action$="/support"]').first().getAttribute('action'))!.split('/')[2]!;
    const edited = (await admin.locator('a:has-text("Earlier versions")').first().getAttribute('href'))!;
    const forumEdit = await (async () => {
      await admin.goto(`${node.url}/admin/forums`);
      return (await admin.locator('a[href^="/admin/forums/"]').first().getAttribute('href'))!;
    })();
    for (const path of [
      '/admin/forums',
      forumEdit,
      `${new URL(thread).pathname}/reply?quote=${postId}`,
      `/posts/${postId}/edit`,
      `/posts/${postId}/delete`,
      `/posts/${postId}/support`,
      edited,
      '/members/sini',
      '/settings/delete',
      '/notifications',
    ]) {
      await admin.goto(`${node.url}${path}`);
      assert.equal(await admin.locator('h1').count(), 1, path);
      await assertAccessible(admin, path);
    }
    // The composer posted back with Preview: the text as it will look, above the filled form.
    await admin.goto(`${node.url}${new URL(thread).pathname}/reply`);
    await admin.locator('#field-body').fill('Esikatselu **toimii**');
    await admin.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await admin.locator('.preview .prose strong').innerText(), 'toimii');
    assert.equal(await admin.locator('#field-body').inputValue(), 'Esikatselu **toimii**');
    await assertAccessible(admin, 'reply preview');
  });

  it('keeps a reply typed while the session ended, and sends it after signing in again', async () => {
    const sini = await signIn('sini');
    await sini.goto(`${node.url}/forums/vertaistuki/new`);
    await sini.getByLabel('Title').fill('Istunto päättyy');
    await sini.getByLabel('Message').fill('Ensimmäinen viesti.');
    await sini.getByRole('button', { name: 'Publish for members' }).click();
    await sini.waitForSelector('h1:has-text("Istunto päättyy")');
    const text = 'Kirjoitin tätä pitkään,\nja sitten istunto päättyi.';
    await sini.getByLabel('Message').fill(text);
    // The session ends while the text is being written: the browser's cookie is gone.
    await sini.context().clearCookies();
    await sini.getByRole('button', { name: 'Send reply' }).click();
    await sini.waitForSelector('text=You had been signed out, so nothing was sent.');
    assert.equal(await sini.locator('#written-body').inputValue(), text);
    await assertAccessible(sini, 'refused form with the text shown back');
    await sini.getByRole('link', { name: 'Sign in to send your text' }).click();
    await sini.getByLabel('Username or e-mail').fill('sini');
    await sini.getByLabel('Password').fill(password);
    await sini.getByRole('button', { name: 'Sign in' }).click();
    await sini.waitForSelector('h1:has-text("Your text that was not sent")');
    assert.equal(await sini.getByLabel('Message').inputValue(), text);
    await assertAccessible(sini, 'kept text');
    await sini.getByRole('button', { name: 'Send', exact: true }).click();
    await sini.waitForSelector('.post >> nth=1');
    assert.match(await sini.locator('.post').nth(1).innerText(), /ja sitten istunto päättyi/);
  });

  it('runs no script from a post made of the XSS corpus', async () => {
    const page = await signIn('sini');
    let dialogs = 0;
    page.on('dialog', async (dialog) => {
      dialogs++;
      await dialog.dismiss();
    });
    await page.goto(`${node.url}/forums/avoin/new`);
    await page.getByLabel('Title').fill('<script>alert(1)</script> payloads');
    await page.getByLabel('Message').fill(xssPayloads().join('\n\n').slice(0, 19_000));
    await page.getByRole('button', { name: 'Publish publicly' }).click();
    await page.waitForSelector('.post');
    await page.mouse.move(200, 400);
    await page.keyboard.press('Tab');
    await page.waitForTimeout(500);
    const dangerous = await page.evaluate(() => {
      const found: string[] = [];
      for (const element of document.querySelectorAll('.post *')) {
        if (/^(SCRIPT|IFRAME|IMG|OBJECT|EMBED|SVG|MATH|STYLE|FORM|INPUT|BUTTON)$/i.test(element.tagName) && !element.closest('.post-actions')) found.push(element.tagName);
        for (const attribute of element.attributes) {
          if (/^on/i.test(attribute.name) || attribute.name === 'style') found.push(`${element.tagName}[${attribute.name}]`);
          if (attribute.name === 'href' && /^\s*(javascript|data|vbscript):/i.test(attribute.value)) found.push(attribute.value);
        }
      }
      return found;
    });
    assert.deepEqual(dangerous, []);
    assert.equal(dialogs, 0);
    assert.equal(await page.locator('h1').innerText(), '<script>alert(1)</script> payloads');
  });
});
