// Mobilizon (and older Pleroma) name the LitePub JSON-LD context at a fixed address that is often
// unreachable; Fedify preloads Mastodon's and Lemmy's contexts but not this one, and an activity
// whose context cannot be loaded is refused before its handler runs. A bundled copy is added to
// the preloaded contexts (a custom loader cannot be combined with allowPrivateAddress in tests).
import { readFileSync } from 'node:fs';
import { preloadedContexts } from '@fedify/vocab-runtime';

const litepub = JSON.parse(readFileSync(new URL('./litepub-context.json', import.meta.url), 'utf8')) as Record<string, unknown>;

export const litepubContexts = ['https://litepub.social/litepub/context.jsonld', 'http://litepub.social/litepub/context.jsonld'];

for (const url of litepubContexts) preloadedContexts[url] = litepub;
