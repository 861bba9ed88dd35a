import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../server/web/csv.ts';

describe('CSV for spreadsheets', () => {
  it('quotes what needs quoting and never lets a cell become a formula', () => {
    const csv = toCsv([['Ryhmä', 'Määrä'], ['Kävely, "ilta"', 3], ['=HYPERLINK("http://x")', '-2+3'], ['@SUM(A1)', 'rivi\nkaksi']]);
    assert.deepEqual(parse(csv), [
      ['Ryhmä', 'Määrä'],
      ['Kävely, "ilta"', '3'],
      ["'=HYPERLINK(\"http://x\")", "'-2+3"],
      ["'@SUM(A1)", 'rivi\nkaksi'],
    ]);
  });
});
