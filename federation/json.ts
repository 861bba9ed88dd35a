// Reading JSON that came from another server as it is, for what Fedify's vocabulary does not read
// (Lemmy's Lock, our directory listings).

export type Json = Record<string, unknown>;

/** The value as a JSON object, or undefined for anything else (a string, an array, nothing). */
export const asJson = (value: unknown): Json | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined);
