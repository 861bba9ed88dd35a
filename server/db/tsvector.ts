import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL's full-text document type; written only through SQL expressions (server/markup/search-text.ts). */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
