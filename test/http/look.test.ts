import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Client, errorsOf } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { signedIn } from '../support/fixtures.ts';
import { getSettings } from '../../server/admin/settings.service.ts';
import { lowestContrast } from '../../server/look/colour.ts';

/** A picture as a member's camera or drawing program would make it, with a comment in its metadata. */
async function picture(format: 'png' | 'jpeg' | 'webp', width = 800, height = 300): Promise<Uint8Array<ArrayBuffer>> {
  const made = await sharp({ create: { width, height, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 1 } } })
    .withMetadata({ exif: { IFD0: { ImageDescription: 'Kuvaajan oma kommentti' } } })
    .toFormat(format)
    .toBuffer();
  return new Uint8Array(made);
}

describe('the association’s look: logo, icons and accent colour', () => {
  let node: SetUpTestNode;
  let admin: Client;
  const db = () => node.database.db;
  const upload = async (file: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> } | null, fields: Record<string, string> = { defaultColour: 'on' }) => {
    const token = (await admin.get('/admin/look')).$('form[action="/admin/look"] input[name="_csrf"]').attr('value')!;
    const sent = await admin.postFile('/admin/look', { _csrf: token, ...fields }, file && { field: 'logo', ...file });
    return sent.status === 303 ? admin.get(sent.headers.get('location')!) : sent;
  };
  const served = async (path: string) => Buffer.from(await (await fetch(new URL(path, node.url))).arrayBuffer());

  before(async () => {
    node = await startSetUpNode({ people: ['sini'] });
    admin = await signedIn(node.url, 'admin_anna');
  });
  after(() => node.close());

  it('takes a PNG, a JPEG and a WebP, and keeps only a PNG the server made: resized, without metadata, with icons', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const bytes = await picture(format);
      const page = await upload({ name: `logo.${format}`, type: `image/${format}`, bytes });
      assert.equal(page.status, 200, format);
      assert.match(page.$('.notice').text(), /The look is saved/);
      const version = (await getSettings(db()))!.logoVersion;
      assert.ok(version > 0);
      const logo = await served(`/look/logo.png?v=${version}`);
      const meta = await sharp(logo).metadata();
      assert.equal(meta.format, 'png', format);
      assert.deepEqual([meta.width, meta.height], [533, 200], 'fits 600×200, its shape kept');
      assert.equal(meta.exif, undefined, 'no metadata kept');
      assert.ok(!logo.includes(Buffer.from('Kuvaajan oma kommentti')));
      const favicon = await sharp(await served('/look/favicon.png')).metadata();
      assert.deepEqual([favicon.width, favicon.height], [32, 32]);
      assert.equal((await fetch(new URL('/favicon.ico', node.url))).headers.get('content-type'), 'image/png');
    }
    const home = await new Client(node.url).get('/');
    assert.match(home.$('.site-name img.site-logo').attr('src') ?? '', /^\/look\/logo\.png\?v=\d+$/);
    assert.match(home.$('link[rel="icon"]').attr('href') ?? '', /^\/look\/favicon\.png/);
  });

  it('refuses an SVG, a renamed HTML file and a 20 MB file with a message, keeping the logo there was', async () => {
    const before = (await getSettings(db()))!.logoVersion;
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>');
    const html = new TextEncoder().encode('<!doctype html><html><body><script>alert(1)</script></body></html>');
    for (const file of [
      { name: 'logo.svg', type: 'image/svg+xml', bytes: svg },
      { name: 'logo.png', type: 'image/png', bytes: html },
    ]) {
      const refused = await upload(file);
      assert.equal(refused.status, 422, file.name);
      assert.match(errorsOf(refused), /Use a PNG, JPEG or WebP picture/);
    }
    const huge = new Uint8Array(20 * 1024 * 1024);
    huge.set(await picture('png', 10, 10));
    const tooLarge = await upload({ name: 'huge.png', type: 'image/png', bytes: huge });
    assert.equal(tooLarge.status, 422);
    assert.match(errorsOf(tooLarge), /larger than 5 MB/);
    assert.equal((await getSettings(db()))!.logoVersion, before, 'the logo is as it was');
  });

  it('refuses an accent colour below AA contrast, saying how far it is, and takes a readable one', async () => {
    assert.ok(lowestContrast('#e0b000') < 4.5);
    const refused = await upload(null, { accentColor: '#e0b000' });
    assert.equal(refused.status, 422);
    assert.match(errorsOf(refused), /contrast is only \d\.\d:1, and at least 4\.5:1 is needed/);
    assert.equal(refused.$('#field-accentColor').val(), '#e0b000', 'the chosen colour comes back');
    assert.equal((await getSettings(db()))!.accentColor, null);

    const saved = await upload(null, { accentColor: '#7A1F5C' });
    assert.equal(saved.status, 200);
    assert.equal((await getSettings(db()))!.accentColor, '#7a1f5c');
    assert.equal(saved.$('link[href="/look/theme.css"]').length, 1);
    assert.match((await served('/look/theme.css')).toString(), /--accent: #7a1f5c/);
    assert.ok((await getSettings(db()))!.logoVersion > 0, 'the logo stays when only the colour changes');

    await upload(null, { defaultColour: 'on', removeLogo: 'on' });
    const settings = (await getSettings(db()))!;
    assert.deepEqual([settings.accentColor, settings.logoVersion], [null, 0]);
    assert.equal((await fetch(new URL('/look/logo.png', node.url))).status, 404);
  });

  it('lets no one but an admin change the look', async () => {
    const sini = await signedIn(node.url, 'sini');
    const token = (await sini.get('/notifications')).$('input[name="_csrf"]').first().attr('value')!;
    const tried = await sini.postFile('/admin/look', { _csrf: token, accentColor: '#000000' }, { field: 'logo', name: 'x.png', type: 'image/png', bytes: await picture('png') });
    assert.equal(tried.status, 403);
    const visitor = await new Client(node.url).postFile('/admin/look', { accentColor: '#000000' }, null);
    assert.equal(visitor.status, 303);
    assert.match(visitor.headers.get('location') ?? '', /^\/login/);
    assert.equal((await getSettings(db()))!.accentColor, null);
  });
});
