import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startNode, type TestNode } from '../support/node.ts';
import { assertAccessible, assertAccessible as checkAccessible, launchBrowser } from '../support/browser.ts';

describe('in Chromium: setup, registration and sign-in through the real pages', () => {
  let node: TestNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => {
    const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', ...options });
    contexts.push(context);
    return context.newPage();
  };

  before(async () => {
    node = await startNode();
    browser = await launchBrowser();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await node?.close();
  });

  it('sets up the node and lets the admin choose open registration', async () => {
    const page = await newPage();
    await page.goto(node.url);
    assert.equal(new URL(page.url()).pathname, '/setup');
    await assertAccessible(page, 'setup');

    await page.getByRole('button', { name: 'Create the site' }).click();
    await page.waitForSelector('.error-summary');
    await assertAccessible(page, 'setup with errors');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary', 'focus moves to the error summary');

    await page.getByLabel("Association's name").fill('Kaisla ry');
    await page.getByLabel('Username').fill('kaisla_admin');
    await page.getByLabel('Password').fill('a calm and long password');
    await page.getByRole('button', { name: 'Create the site' }).click();
    await page.waitForURL(`${node.url}/admin`);
    assert.equal(await page.title(), 'Site settings – Kaisla ry');
    await assertAccessible(page, 'admin settings');
    for (const path of ['/admin/members', '/admin/invites', '/admin/approvals', '/admin/federation', '/admin/backups']) {
      await page.goto(`${node.url}${path}`);
      await assertAccessible(page, path);
    }
    await page.goto(`${node.url}/admin`);
    await page.getByLabel('Anyone can create an account').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('.notice');
    assert.equal(await page.getByLabel('Anyone can create an account').isChecked(), true);
  });

  it('registers a member, who signs out and in again, without JavaScript too', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const username = javaScriptEnabled ? 'kaisa' : 'ilman_js';
      const page = await newPage({ javaScriptEnabled });
      // axe itself needs JavaScript; the same pages were checked in the first round.
      const assertAccessible = javaScriptEnabled ? checkAccessible : async () => {};
      await page.goto(node.url);
      await assertAccessible(page, 'home for a visitor');
      await page.getByRole('link', { name: 'Create account' }).first().click();
      await assertAccessible(page, 'register');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForSelector('.error-summary');
      await assertAccessible(page, 'register with errors');
      assert.equal(await page.getByLabel('Username').inputValue(), username, 'what was typed comes back');

      await page.getByLabel('Password').fill('kaisla reeds by the lake');
      await page.getByLabel('I have read the rules').check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForSelector('.notice');
      assert.match(await page.locator('.notice').innerText(), /Your account is ready/);
      await assertAccessible(page, 'home for a member');

      await page.goto(`${node.url}/settings`);
      await assertAccessible(page, 'settings');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in' }).first().click();
      await assertAccessible(page, 'sign in');
      await page.getByLabel('Username or e-mail').fill(username);
      await page.getByLabel('Password').fill('kaisla reeds by the lake');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForSelector('button:has-text("Sign out")');
    }
  });

  it('puts the skip link, then quick exit, first in keyboard order', async () => {
    const page = await newPage();
    await page.goto(`${node.url}/login`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'quick-exit');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#main');
  });

  it('passes axe on the public pages in every language', async () => {
    const page = await newPage();
    for (const locale of ['fi', 'sv', 'en', 'da']) {
      await page.goto(`${node.url}/language/${locale}?next=/help`);
      assert.equal(await page.getAttribute('html', 'lang'), locale);
      await assertAccessible(page, `help (${locale})`);
    }
    for (const path of ['/rules', '/help/quick-exit', '/password/forgot', '/no-such-page']) {
      await page.goto(`${node.url}${path}`);
      await assertAccessible(page, path);
    }
  });
});
