import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

// A small association's node should fit a small server: 32 MB of shared buffers (PostgreSQL's
// page cache) instead of PGlite's 128 MB; the files themselves stay in the operating system's cache.
export const pgliteOptions: PGliteOptions = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] };
