import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { assertAccessible, launchBrowser, signedInPage } from '../support/browser.ts';
import { password } from '../support/fixtures.ts';
import { makeGroup } from '../support/groups.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';
import { makeThread } from '../support/forums.ts';

describe('in Chromium: finding and joining a group', () => {
  let node: SetUpTestNode;
  let browser: Browser;

  const signIn = (username: string): Promise<Page> => signedInPage(browser, node.url, username, password);

  before(async () => {
    node = await startSetUpNode({ people: ['ohjaaja_oona', 'sini'] });
    const db = node.database.db;
    const oona = node.people.ohjaaja_oona!;
    const closed = await makeGroup(db, { name: 'Kuopion iltaryhmä', slug: 'kuopion-ilta', joinPolicy: 'closed', municipalityCode: '297', address: 'Puijonkatu 12', weekday: '3', summary: 'Suljettu ryhmä masennuksesta toipuville.' }, [oona]);
    await makeGroup(db, { name: 'Tampereen kävely', slug: 'tampereen-kavely' });
    await makeGroup(db, { name: 'Etäryhmä', slug: 'etaryhma', inPerson: '', municipalityCode: '', remote: 'on', videoUrl: 'https://video.example/eta' });
    const space = await spaceOf(db, closed.id);
    await makeThread(db, oona, { ...space!, inGroup: true }, 'Tervetuloa ryhmään', 'Tässä keskustelemme tapaamisten välillä.');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  it('find a group with filters, ask to join, be accepted, and read the closed space', async () => {
    const sini = await signIn('sini');
    await sini.getByRole('link', { name: 'Groups' }).first().click();
    await assertAccessible(sini, 'directory');
    await sini.getByLabel('Region').selectOption({ label: 'North Savo' });
    await sini.getByLabel('Open or closed').selectOption('closed');
    await sini.getByRole('button', { name: 'Show groups' }).click();
    await sini.waitForURL(/region=11/);
    assert.deepEqual(await sini.locator('.group-card h3').allTextContents(), ['Kuopion iltaryhmä']);
    await assertAccessible(sini, 'filtered directory');
    await sini.getByRole('link', { name: 'Kuopion iltaryhmä' }).click();
    assert.equal(await sini.getByText('Puijonkatu 12').count(), 0, 'the address waits for acceptance');
    await assertAccessible(sini, 'group page');
    await sini.getByLabel('Message to the peer leader').fill('Kävin aiemmin Kuopion päiväryhmässä.');
    await sini.getByRole('button', { name: 'Ask to join' }).click();
    await sini.waitForSelector('text=Your request was sent');

    const oona = await signIn('ohjaaja_oona');
    await oona.goto(`${node.url}/notifications`);
    await oona.getByRole('link', { name: /sini asked to join Kuopion iltaryhmä/ }).click();
    await oona.waitForSelector('h1:has-text("Participants and requests")');
    await assertAccessible(oona, 'requests page');
    await oona.getByLabel('Your reply').fill('Tervetuloa, nähdään keskiviikkona.');
    await oona.getByRole('button', { name: 'Accept sini' }).click();
    await oona.waitForSelector('text=Accepted. The person was told.');
    await oona.goto(`${node.url}/groups/kuopion-ilta/edit`);
    await assertAccessible(oona, 'group edit page');

    await sini.goto(`${node.url}/groups/kuopion-ilta`);
    await sini.waitForSelector('text=Puijonkatu 12');
    await sini.getByRole('link', { name: "Go to the group's discussion" }).click();
    await sini.getByRole('link', { name: 'Tervetuloa ryhmään' }).click();
    await sini.waitForSelector('text=Tässä keskustelemme tapaamisten välillä.');
    await assertAccessible(sini, 'closed space thread');
  });

  it('the directory, filters and joining work without JavaScript', async () => {
    const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${node.url}/groups`);
    await page.getByLabel('In person or online').selectOption('remote');
    await page.getByRole('button', { name: 'Show groups' }).click();
    assert.deepEqual(await page.locator('.group-card h3').allTextContents(), ['Etäryhmä']);
  });
});
