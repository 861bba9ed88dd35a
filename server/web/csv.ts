import { stringify } from 'csv-stringify/sync';

/**
 * Rows as CSV a spreadsheet reads as they are: a cell starting with =, +, -, @ or a control
 * character is quoted away, so a name typed by someone can never become a formula.
 */
export function toCsv(rows: (string | number)[][]): string {
  return stringify(rows, { cast: { string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value) } });
}
