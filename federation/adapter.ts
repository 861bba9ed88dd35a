// Express in front of Fedify: an ActivityPub, WebFinger or NodeInfo request goes to Fedify; any
// other falls through to the pages. Mounted before every body parser: Fedify reads the body itself.
import { Readable, Transform } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import type { Federation } from '@fedify/fedify';
import type { AppContext } from '../server/context.ts';
import { allowsHost, claimedSigner, fetchAllowed } from './policy.ts';

/** A small node needs no more; Fedify's own limit (16 MiB) is far too generous. */
export const maxBodyBytes = 1024 * 1024;

class TooLarge extends Error {}

/** Passes the body through, and fails it as soon as it grows past the limit (a chunked body has no length to check first). */
function limited(req: Request): Readable {
  let seen = 0;
  return req.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        done(seen > maxBodyBytes ? new TooLarge() : null, chunk);
      },
    }),
  );
}

/** The Express request as a WHATWG Request, its body streamed (and cut off past the limit). */
function toRequest(req: Request, origin: string): globalThis.Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.originalUrl, origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(limited(req)) as ReadableStream<Uint8Array>) : undefined,
    // Node's fetch needs this for a streamed body.
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

export function federationAdapter(federation: Federation<AppContext>, context: AppContext) {
  const origin = context.config.baseUrl.origin;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // Only federation's own addresses, and reads that ask for ActivityPub JSON, go to Fedify: a
    // form's body must reach the pages untouched.
    const federationPath = /^\/(ap\/|\.well-known\/|nodeinfo\/)/.test(req.path);
    const wantsActivityJson = /activity\+json|ld\+json/.test(req.headers.accept ?? '');
    if (!federationPath && !(req.method === 'GET' && wantsActivityJson)) return next();
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > maxBodyBytes) {
      res.status(413).type('text/plain').send('Payload too large');
      return;
    }
    let fellThrough = false;
    let response: globalThis.Response;
    try {
      const request = toRequest(req, origin);
      // The federation policy: an inbox takes nothing from a server it does not talk to, and (in
      // allowlist mode) documents are read only by partners. Actors' own documents, which hold the
      // keys every signature is checked with, and discovery stay readable.
      const signer = claimedSigner(req.headers);
      if (req.method === 'POST' && signer && !(await allowsHost(context.database.db, signer))) return void res.status(403).type('text/plain').send('Forbidden');
      if (req.method === 'GET' && !/^\/(\.well-known\/|nodeinfo\/|ap\/actors\/[^/]+$)/.test(req.path)) {
        const ctx = federation.createContext(request, context);
        if (!(await fetchAllowed(context.database.db, signer, async () => (await ctx.getSignedKey())?.id?.host))) return void res.status(403).type('text/plain').send('Forbidden');
      }
      response = await federation.fetch(request, {
        contextData: context,
        onNotFound: () => {
          fellThrough = true;
          return new Response(null, { status: 404 });
        },
        onNotAcceptable: () => {
          fellThrough = true;
          return new Response(null, { status: 406 });
        },
      });
    } catch (error) {
      if (error instanceof TooLarge || (error instanceof Error && error.cause instanceof TooLarge)) {
        if (!res.headersSent) res.status(413).type('text/plain').send('Payload too large');
        return;
      }
      // One malformed request (an unloadable @context, a broken body) must never stop the node.
      context.log(`federation: refused a request to ${req.path}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.status(400).type('text/plain').send('Bad request');
      return;
    }
    if (fellThrough) return next();
    res.status(response.status);
    response.headers.forEach((value, name) => res.setHeader(name, value));
    const body = await publicIriFixed(response);
    // The body may have grown (the full Public IRI): its length is the one we send.
    res.setHeader('content-length', body.length);
    res.end(body);
  };
}

/**
 * Fedify 2.3's object dispatchers still write the compact "as:Public"; Lemmy 0.19 rejects it, so
 * ActivityPub JSON leaves with the full IRI.
 */
export const withFullPublicIri = (json: string) => json.replaceAll('"as:Public"', '"https://www.w3.org/ns/activitystreams#Public"');

async function publicIriFixed(response: globalThis.Response): Promise<Buffer> {
  const body = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  if (!/activity\+json|ld\+json/.test(type)) return body;
  return Buffer.from(withFullPublicIri(body.toString('utf8')));
}
