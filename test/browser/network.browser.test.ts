// The network of associations in Chromium: the admin's network page, and a member finding a
// partner association's group in the directory by region and weekday, opening it, and finding
// how to join it on its own site. Accessible throughout.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { makeForum } from '../support/forums.ts';
import { makePartners } from '../support/partners.ts';
import { until } from '../support/until.ts';
import { groups } from '../../server/groups/groups.tables.ts';
import { remoteForums } from '../../federation/federation.tables.ts';

describe('in Chromium: the network of associations', function () {
  this.timeout(180_000);
  let a: SetUpTestNode;
  let b: SetUpTestNode;
  let browser: Browser;

  before(async () => {
    const env = { FEDERATION_ALLOW_PRIVATE_ADDRESS: 'true' };
    [a, b] = await Promise.all([startSetUpNode({ env, people: ['sini'] }), startSetUpNode({ env })]);
    // Lahti is in Päijät-Häme, Tampere in Pirkanmaa; the first meets on Tuesdays, the second on Wednesdays.
    const forum = await makeForum(b.database.db, 'lahden-ryhma', 'public', { replyPolicy: 'members_and_remote' });
    await makeGroup(b.database.db, { name: 'Lahden tiistairyhmä', slug: 'lahti', municipalityCode: '398', weekday: '2', forumId: forum.id });
    await makeGroup(b.database.db, { name: 'Tampereen keskiviikkoryhmä', slug: 'tampere', municipalityCode: '837', weekday: '3' });
    await makePartners(a, b);
    await until('B’s groups on A', async () => (await a.database.db.select().from(groups)).length === 2);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('shows the admin the partners and the policy, accessibly', async () => {
    const page = await signedInPage(browser, a.url, 'admin_anna', password);
    await page.goto(`${a.url}/admin/federation/network`);
    assert.match(await page.locator('main').innerText(), /Partners: following each other/);
    await assertAccessible(page, 'the network page');
    await page.getByLabel("Partner site's address").fill('not an address');
    await page.getByRole('button', { name: 'Add partner' }).click();
    await page.waitForSelector('.error-summary');
    await assertAccessible(page, 'the network page with an error');
    assert.equal(await page.getByLabel("Partner site's address").inputValue(), 'not an address');
  });

  it('lets a member filter the directory by region and weekday and open a partner’s group', async () => {
    const page = await signedInPage(browser, a.url, 'sini', password);
    await page.goto(`${a.url}/groups`);
    await assertAccessible(page, 'the directory with partners’ groups');
    await page.getByLabel('Region').selectOption({ label: 'Päijät-Häme' });
    await page.getByLabel('Day of the week').selectOption({ label: 'Tuesday' });
    await page.getByRole('button', { name: 'Show groups' }).click();
    await page.waitForURL(/region=07/);
    const results = await page.locator('main').innerText();
    assert.match(results, /Lahden tiistairyhmä/);
    assert.doesNotMatch(results, /Tampereen keskiviikkoryhmä/);
    assert.match(results, /From the network of associations/);

    await page.getByRole('link', { name: 'Lahden tiistairyhmä' }).click();
    await assertAccessible(page, 'a partner’s group');
    const link = page.getByRole('link', { name: 'See the group on their site' });
    assert.equal(await link.getAttribute('href'), `${b.url}/groups/lahti`);

    // Its public forum is followed from here, as any group elsewhere.
    await page.getByRole('button', { name: 'Follow its forum here' }).click();
    await page.waitForURL(/\/following$/);
    await until('the forum followed', async () => (await a.database.db.select().from(remoteForums))[0]?.state === 'accepted');
    await page.reload();
    assert.match(await page.locator('main').innerText(), /lahden-ryhma/i);
    await assertAccessible(page, 'following a partner group’s forum');
  });
});
