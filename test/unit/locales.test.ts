import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { locales } from '../../server/config.ts';
import { keysOf, loadMessages } from '../../server/i18n/i18n.ts';

function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, extensions);
    return extensions.some((ext) => name.endsWith(ext)) ? [path] : [];
  });
}

/** Keys written literally in templates ({{t "a.b"}}, (t "a.b")) and code ('errors.x.y', `login.failed.…`). */
function keysUsed(): { literal: Set<string>; prefixes: Set<string> } {
  const literal = new Set<string>();
  const prefixes = new Set<string>();
  for (const file of filesUnder('views', ['.hbs'])) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\{\{|\()t "([a-zA-Z0-9_.]+)"/g)) literal.add(match[1]!);
    for (const match of text.matchAll(/concat "([a-zA-Z0-9_.]+\.)"/g)) prefixes.add(match[1]!);
  }
  const namespaces = Object.keys(loadMessages('en')).join('|');
  for (const file of filesUnder('server', ['.ts'])) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(new RegExp(`'((?:${namespaces})\\.[a-zA-Z0-9_.]+)'`, 'g'))) {
      if (!match[1]!.endsWith('.')) literal.add(match[1]!);
    }
    for (const match of text.matchAll(new RegExp(`\`((?:${namespaces})\\.[a-zA-Z.]+\\.)\\$\\{`, 'g'))) prefixes.add(match[1]!);
  }
  return { literal, prefixes };
}

describe('locales', () => {
  const english = new Set(keysOf(loadMessages('en')));

  for (const locale of locales) {
    it(`${locale} has exactly the keys English has`, () => {
      const keys = new Set(keysOf(loadMessages(locale)));
      assert.deepEqual([...english].filter((key) => !keys.has(key)), [], 'missing');
      assert.deepEqual([...keys].filter((key) => !english.has(key)), [], 'unknown');
      for (const key of keys) assert.notEqual(key, '', `${locale} has an empty key`);
    });

    it(`${locale} keeps every {{placeholder}} of the English text`, () => {
      const messages = loadMessages(locale);
      const en = loadMessages('en');
      const lookup = (tree: typeof en, key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], tree) as string;
      for (const key of english) {
        const wanted = [...lookup(en, key).matchAll(/\{\{\w+\}\}/g)].map((m) => m[0]).sort();
        const found = [...lookup(messages, key).matchAll(/\{\{\w+\}\}/g)].map((m) => m[0]).sort();
        assert.deepEqual(found, wanted, `${locale}: ${key}`);
      }
    });
  }

  it('has every key the templates and code use', () => {
    const { literal, prefixes } = keysUsed();
    assert.ok(literal.size > 150, `found ${literal.size} keys in use`);
    // i18next picks key_one/key_other (and the language's other plural forms) when given a count.
    const known = (key: string) => english.has(key) || english.has(`${key}_other`);
    assert.deepEqual([...literal].filter((key) => !known(key)), []);
    for (const prefix of prefixes) {
      assert.ok([...english].some((key) => key.startsWith(prefix)), `no keys under ${prefix}`);
    }
  });
});
