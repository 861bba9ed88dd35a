/**
 * A Map holding at most `max` entries: adding one more lets go of the oldest. For what a process
 * keeps because making it again is dear (formatted dates, texts, rendered Markdown, pages).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #max: number;

  constructor(max: number) {
    super();
    this.#max = max;
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.#max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }

  /** The value kept for `key`, made by `make` (and kept) the first time. */
  made(key: K, make: () => V): V {
    let value = this.get(key);
    if (value === undefined) this.set(key, (value = make()));
    return value;
  }
}
