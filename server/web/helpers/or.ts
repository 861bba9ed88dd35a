/** {{or a b}}: the first argument that is set, like JavaScript's ||; also works in {{#if (or a b)}}. */
export function or(...values: unknown[]): unknown {
  const args = values.slice(0, -1);
  return args.find(Boolean) ?? args.at(-1);
}
