// Everything the nodes of an in-process test send to one another, as text: each request's address
// and body, and each answer's body. Fedify delivers and fetches through the global fetch, so
// wrapping it sees every byte that leaves a node.

export interface Wiretap {
  /** Every request and answer seen so far, one string each. */
  readonly seen: string[];
  /** The recorded texts that contain a word (case-insensitive). */
  find(word: string): string[];
  stop(): void;
}

export function wiretap(): Wiretap {
  const original = globalThis.fetch;
  const seen: string[] = [];
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(`${request.method} ${request.url}\n${request.body ? await request.clone().text() : ''}`);
    const response = await original(request);
    seen.push(`answer from ${request.url}\n${await response.clone().text()}`);
    return response;
  };
  return {
    seen,
    find: (word) => seen.filter((text) => text.toLowerCase().includes(word.toLowerCase())),
    stop: () => {
      globalThis.fetch = original;
    },
  };
}
