// The association's logo, made by the server: only PNG, JPEG and WebP are read (told by their
// first bytes, never by the name or the browser's word), and what is kept is a new PNG the server
// drew, with no metadata. SVG is never taken: it can carry scripts.
import sharp from 'sharp';

export const maxUploadBytes = 5 * 1024 * 1024;
/** A picture larger than this (in pixels) is refused before it is decoded in full. */
const maxPixels = 40_000_000;

export type Made = { logo: Buffer; favicon: Buffer; touchIcon: Buffer };
export type ImageRefusal = 'format' | 'unreadable';

function knownFormat(bytes: Buffer): 'png' | 'jpeg' | 'webp' | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

/** The logo (at most 600×200, its shape kept) and the icons made from it, or why not. */
export async function makeLogo(upload: Buffer): Promise<{ ok: true; made: Made } | { ok: false; reason: ImageRefusal }> {
  const format = knownFormat(upload);
  if (!format) return { ok: false, reason: 'format' };
  try {
    const source = () => sharp(upload, { limitInputPixels: maxPixels, failOn: 'error' });
    const metadata = await source().metadata();
    if (metadata.format !== format) return { ok: false, reason: 'format' };
    const logo = await source().rotate().resize({ width: 600, height: 200, fit: 'inside', withoutEnlargement: true }).png().toBuffer();
    const icon = (size: number) => source().rotate().resize({ width: size, height: size, fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
    return { ok: true, made: { logo, favicon: await icon(32), touchIcon: await icon(180) } };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}
