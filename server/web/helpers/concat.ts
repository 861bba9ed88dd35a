/** {{t (concat "prefix." value)}}: builds a key from parts. */
export function concat(...parts: unknown[]): string {
  return parts.slice(0, -1).map(String).join('');
}
