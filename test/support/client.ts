import * as cheerio from 'cheerio';

export type Fields = Record<string, string | string[]>;
export type Page = { status: number; url: string; headers: Headers; html: string; $: cheerio.CheerioAPI };

/** A cookie-keeping HTTP client that fills in forms the way a browser without JavaScript would. */
export class Client {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  lastPage: Page | undefined;

  constructor(base: string) {
    this.base = base;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  #remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const response = await fetch(new URL(path, this.base), {
      ...init,
      redirect: 'manual',
      headers: { cookie: this.#cookieHeader(), 'accept-language': 'en', ...(init.headers as Record<string, string>) },
    });
    this.#remember(response);
    const html = await response.text();
    const page = { status: response.status, url: response.url, headers: response.headers, html, $: cheerio.load(html) };
    if (response.headers.get('content-type')?.includes('text/html')) this.lastPage = page;
    return page;
  }

  /** GET, following redirects like a browser. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    let page = await this.request(path, { headers });
    for (let hops = 0; page.status >= 300 && page.status < 400 && hops < 5; hops++) {
      page = await this.request(page.headers.get('location')!, { headers });
    }
    return page;
  }

  /** POST a form as-is (no redirects followed), e.g. to test a forged or tokenless post. */
  async post(path: string, fields: Fields): Promise<Page> {
    // A list sends the name once per value, as ticked checkboxes do.
    const pairs = Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]]));
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(pairs),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** POST a multipart form, as a browser sends a file upload: the fields first, the file last. */
  async postFile(path: string, fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Uint8Array<ArrayBuffer> } | null): Promise<Page> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append(file.field, new Blob([file.bytes], { type: file.type }), file.name);
    return this.request(path, { method: 'POST', body: form });
  }

  /**
   * Opens `pagePath`, takes the CSRF token from its form (the one posting to `action` if given),
   * posts `fields`, and follows the redirect if there is one.
   */
  async submit(pagePath: string, fields: Fields, action?: string): Promise<Page> {
    const page = await this.get(pagePath);
    const form = action ? page.$(`form[action="${action}"]`).first() : page.$('form[method="post"]').last();
    const token = form.find('input[name="_csrf"]').attr('value') ?? page.$('input[name="_csrf"]').attr('value');
    const target = action ?? form.attr('action') ?? pagePath;
    const hidden: Record<string, string> = {};
    form.find('input[type="hidden"]').each((_, el) => {
      const name = page.$(el).attr('name');
      if (name) hidden[name] = page.$(el).attr('value') ?? '';
    });
    const result = await this.post(target, { ...hidden, _csrf: token ?? '', ...fields });
    if (result.status >= 300 && result.status < 400) return this.get(result.headers.get('location')!);
    return result;
  }
}

/** The text of the page's error summary and field errors, for assertions. */
export function errorsOf(page: Page): string {
  return page.$('.error-summary, .field-error').text().replace(/\s+/g, ' ').trim();
}
