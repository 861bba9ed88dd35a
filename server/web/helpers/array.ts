/** {{#each (array "a" "b")}}: a literal list in a template. */
export function array(...items: unknown[]): unknown[] {
  return items.slice(0, -1);
}
