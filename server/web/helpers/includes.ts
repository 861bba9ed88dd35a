/** {{#if (includes list value)}}: whether a list (or a single form value) holds the value, e.g. a ticked checkbox. */
export function includes(list: unknown, value: unknown): boolean {
  if (Array.isArray(list)) return list.map(String).includes(String(value));
  return list !== undefined && list !== null && String(list) === String(value);
}
