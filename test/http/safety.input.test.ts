// Hostile input and what leaves the node: control characters in every form field and address,
// feeds and calendars read by real parsers after hostile titles and names, no parameter values in
// the log, no caching of members' pages, a 413 page in the reader's language.
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ICAL from 'ical.js';
import { Client, type Fields, type Page } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { makeForum, makeReply, makeThread } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import { threads } from '../../server/forums/forums.tables.ts';
import { groups } from '../../server/groups/groups.tables.ts';
import type { Thread } from '../../server/forums/threads.service.ts';
import { paths } from '../../server/paths.ts';

const controls = { NUL: '\u0000', BEL: '\u0007', ESC: '\u001b' };
const textTypes = new Set(['text', 'email', 'password', 'search', 'url', 'tel', undefined]);

/** Every row of every table people's actions change (sessions and read positions move on any visit). */
async function snapshot(node: SetUpTestNode): Promise<string> {
  const tables = ['users', 'posts', 'threads', 'post_revisions', 'forums', 'categories', 'groups', 'group_members', 'group_topics', 'group_meeting_changes', 'reports', 'word_rules', 'moderation_log', 'moderator_messages', 'mutes', 'node_settings', 'notifications', 'notification_settings', 'invites', 'password_resets', 'reactions'];
  const parts: string[] = [];
  for (const table of tables) {
    const result = await node.database.db.execute(sql.raw(`select coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '') as digest from "${table}" t`));
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { digest: string }[];
    parts.push(`${table}:${rows[0]!.digest}`);
  }
  return parts.join('\n');
}

/** The fields a browser would send for this form, as it stands. */
function formFields(page: Page, form: ReturnType<Page['$']>): Fields {
  const fields: Fields = {};
  form.find('input, textarea, select').each((_, el) => {
    const field = page.$(el);
    const name = field.attr('name');
    if (!name) return;
    const type = field.attr('type');
    if ((type === 'checkbox' || type === 'radio') && field.attr('checked') === undefined) return;
    const value = el.tagName === 'textarea' ? field.text() : el.tagName === 'select' ? (field.find('option[selected]').attr('value') ?? field.find('option').first().attr('value') ?? '') : (field.attr('value') ?? '');
    fields[name] = value;
  });
  return fields;
}

describe('safety: hostile input, feeds, calendars and the log', function () {
  this.timeout(240_000);
  let node: SetUpTestNode;
  let thread: Thread;
  let admin: Client;
  let member: Client;

  before(async () => {
    node = await startSetUpNode({ people: ['sini', 'pekka'] });
    const db = node.database.db;
    const anna = node.admin;
    const sini = node.people.sini!;
    const forum = await makeForum(db, 'avoin', 'public');
    thread = await makeThread(db, sini, forum, 'Arkea', 'Tavallinen päivä');
    await makeReply(db, sini, forum, thread, 'Vastaus');
    await makeGroup(db, { name: 'Suljettu ryhmä', slug: 'suljettu', joinPolicy: 'closed' }, [anna]);
    admin = await signedIn(node.url, 'admin_anna');
    member = await signedIn(node.url, 'pekka');
  });
  after(() => node?.close());

  it('refuses NUL, BEL and ESC in every text field of every form with a clear 400, and changes nothing', async () => {
    const post = (await node.database.db.query.posts.findFirst({ where: (p, { eq: is }) => is(p.threadId, thread.id) }))!;
    const pages: [Client, string][] = [
      [new Client(node.url), '/login'],
      [new Client(node.url), '/register'],
      [new Client(node.url), '/password/forgot'],
      [member, '/settings'],
      [member, '/forums/avoin/new'],
      [member, `${paths.thread(thread)}`],
      [member, `/posts/${post.id}/report`],
      [member, '/members/sini/report'],
      [member, '/groups/suljettu'],
      [admin, `${paths.thread(thread)}`],
      [admin, `/posts/${post.id}/edit`],
      [admin, `/moderation/threads/${thread.id}/move`],
      [admin, '/moderation/members/sini'],
      [admin, '/groups/suljettu/edit'],
      [admin, '/groups/suljettu/meetings'],
      [admin, '/admin'],
      [admin, '/admin/forums'],
      [admin, '/admin/groups'],
      [admin, '/admin/groups/new'],
      [admin, '/admin/moderation'],
      [admin, '/admin/invites'],
    ];
    const before = await snapshot(node);
    let tried = 0;
    for (const [client, path] of pages) {
      const page = await client.get(path);
      assert.equal(page.status, 200, path);
      const forms = page.$('form[method="post"]').toArray();
      for (const element of forms) {
        const form = page.$(element);
        const action = form.attr('action') ?? path;
        if (action === '/logout' || action.startsWith('/language')) continue;
        const fields = formFields(page, form);
        const textNames = form
          .find('input, textarea')
          .toArray()
          .filter((el) => el.tagName === 'textarea' || textTypes.has(page.$(el).attr('type')))
          .map((el) => page.$(el).attr('name'))
          .filter((name): name is string => Boolean(name) && name !== '_csrf');
        for (const name of textNames) {
          for (const [label, char] of Object.entries(controls)) {
            const answer = await client.post(action, { ...fields, [name]: `Hyvä${char}teksti` });
            assert.equal(answer.status, 400, `${label} in ${name} of ${action} (from ${path})`);
            assert.match(answer.$('main').text(), /control characters/, 'the page says what was wrong');
            tried++;
          }
        }
      }
    }
    assert.ok(tried > 100, `every text field was tried (${tried} posts)`);
    assert.equal(await snapshot(node), before, 'nothing changed');
  });

  it('refuses control characters in addresses and search boxes as well', async () => {
    for (const path of ['/forums/%00', '/groups/a%07b', '/search?q=ryhm%00', '/groups?q=%1b', '/moderation/log?member=%00', `${paths.thread(thread)}?page=%00`]) {
      const page = await admin.get(path);
      assert.equal(page.status, 400, path);
    }
    assert.equal(node.logs.filter((line) => /error on/.test(line)).length, 0, 'nothing reached the log as a server error');
  });

  it('keeps the Atom feed well-formed, with hostile titles and warnings as text', async () => {
    const db = node.database.db;
    const forum = await makeForum(db, 'syote', 'public');
    const writer = (await db.query.users.findFirst({ where: eq(users.username, 'sini') }))!;
    const hostile = [
      'a]]>b]]><link rel="alternate" href="https://evil.example/"/><title>x',
      '<script>alert(1)</script> & "quotes" \'single\'',
      'Ends in half a CDATA ]]',
    ];
    for (const title of hostile) await makeThread(db, writer, forum, title, 'Body ]]> with <b>nothing</b> bold');
    await makeThread(db, writer, forum, 'Varoitettu', 'Piilotettu sisältö', `${'ä]]>'.repeat(24)}<x`);
    const xml = (await new Client(node.url).get('/forums/syote/feed.atom')).html;
    assert.equal(XMLValidator.validate(xml), true, 'a strict XML parser reads it');
    const feed = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(xml).feed;
    const entries = [feed.entry].flat();
    assert.equal(entries.length, 4);
    // type="html": the text is HTML, which a reader decodes back to exactly what the member typed.
    const decoded = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const titles = entries.map((entry: { title: { '#text': string } }) => decoded(String(entry.title['#text'])));
    for (const title of hostile) assert.ok(titles.includes(title), `title kept as text: ${title}`);
    const links = [feed.link].flat().map((link: Record<string, string>) => link['@_href']);
    assert.ok(!links.some((href) => String(href).includes('evil.example')), 'no forged link');
    assert.doesNotMatch(xml, /Piilotettu sisältö/, 'a warned post shows only its warning');
  });

  it('escapes line breaks, semicolons and commas in every calendar field, so no event can be forged', async () => {
    const db = node.database.db;
    const leader = (await db.query.users.findFirst({ where: eq(users.username, 'admin_anna') }))!;
    // Through the form, a name with a line break is refused: one-line fields hold one line.
    const refused = await admin.submit('/admin/groups/new', { name: 'Ryhmä\r\nBEGIN:VEVENT' }, '/admin/groups');
    assert.equal(refused.status, 422);
    // A name already stored with line breaks (written before the check) still cannot forge anything.
    const group = await makeGroup(db, { name: 'Kävely', slug: 'kavely', summary: 'Yksi; kaksi, kolme\r\nEND:VEVENT', address: 'Katu 1;\nBEGIN:VEVENT', contact: 'x' }, [leader]);
    await db.update(groups).set({ name: 'Kävely\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Forged;, event' }).where(eq(groups.id, group.id));
    const text = (await new Client(node.url).get('/groups/kavely/calendar.ics')).html;
    const calendar = new ICAL.Component(ICAL.parse(text));
    assert.equal(calendar.name, 'vcalendar');
    // ical.js leaves an X- property's text escaped: unescaped, it is the whole name, on one line of the file.
    const calname = String(calendar.getFirstPropertyValue('x-wr-calname')).replace(/\\n/g, '\n').replace(/\\([;,\\])/g, '$1');
    assert.equal(calname, 'Kävely\nEND:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Forged;, event – Testiyhdistys');
    const events = calendar.getAllSubcomponents('vevent');
    assert.ok(events.length > 0);
    for (const event of events) {
      assert.match(String(event.getFirstPropertyValue('summary')), /^Kävely\nEND:VCALENDAR/, 'the name is one value, not new lines');
      assert.match(String(event.getFirstPropertyValue('description')), /Yksi; kaksi, kolme\r?\nEND:VEVENT/);
    }
    assert.equal(text.match(/^BEGIN:VEVENT/gm)?.length, events.length, 'no line of the file starts an event of its own making');
    assert.ok(!/^SUMMARY:Forged/m.test(text));
  });

  it('logs a failed query with its name and code, never its parameter values', async () => {
    const db = node.database.db;
    const token = (await admin.get('/admin/moderation')).$('form[action="/admin/moderation/rules"] input[name="_csrf"]').attr('value') ?? '';
    const before = node.logs.length;
    // The table goes away for one request, so the insert of what the admin typed fails.
    await db.execute(sql`alter table word_rules rename to word_rules_away`);
    const failed = await admin.post('/admin/moderation/rules', { _csrf: token, pattern: 'salasanasana', locale: 'fi', action: 'refuse', message: 'SALAINEN VIESTI 0401234567' });
    await db.execute(sql`alter table word_rules_away rename to word_rules`);
    assert.equal(failed.status, 500);
    const lines = node.logs.slice(before).join('\n');
    assert.match(lines, /error on POST \/admin\/moderation\/rules: database query failed \(code 42P01/);
    assert.match(lines, /insert into "word_rules"/);
    assert.doesNotMatch(lines, /salasanasana|SALAINEN|0401234567/, 'no typed value reaches the log');
  });

  it('tells browsers not to keep members\' pages or their data export, and answers a too-large form in the reader\'s language', async () => {
    for (const path of ['/settings', '/notifications', `${paths.thread(thread)}`, '/settings/export']) {
      const page = await member.request(path);
      assert.equal(page.headers.get('cache-control'), 'no-store', path);
    }
    assert.notEqual((await new Client(node.url).request(`${paths.thread(thread)}`)).headers.get('cache-control'), 'no-store', 'visitors\' pages may be cached');
    const finnish = new Client(node.url);
    const token = (await finnish.get('/login', { 'accept-language': 'fi' })).$('input[name="_csrf"]').attr('value') ?? '';
    const tooLarge = await finnish.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token, login: 'x', password: 'y'.repeat(300_000) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fi' },
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.$('html').attr('lang'), 'fi');
    assert.match(tooLarge.$('main').text(), /liian pitkä/);
    assert.equal((await node.database.db.query.threads.findFirst({ where: eq(threads.title, 'never') })), undefined);
  });
});
