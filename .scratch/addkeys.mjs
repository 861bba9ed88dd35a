// usage: node .scratch/addkeys.mjs file.json  — file maps locale -> nested object to merge
import fs from 'node:fs';
const add = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
function merge(a, b) { for (const [k, v] of Object.entries(b)) { if (v && typeof v === 'object' && !Array.isArray(v)) { a[k] ??= {}; merge(a[k], v); } else a[k] = v; } }
for (const [locale, obj] of Object.entries(add)) {
  const p = `server/i18n/locales/${locale}.json`;
  const data = JSON.parse(fs.readFileSync(p, 'utf8'));
  merge(data, obj);
  fs.writeFileSync(p, JSON.stringify(data, null, 2) + '\n');
}
