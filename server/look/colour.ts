// WCAG 2.2 contrast, for the association's accent colour: it is the colour of links and of
// buttons' backgrounds on the light pages, so it must read at AA (4.5:1) on each of them.

/** The light pages' backgrounds an accent colour is read on (public/css/site.css: background, surface, help, notice) and the buttons' text. */
const readOn = ['#fbfaf7', '#ffffff', '#eef3f7', '#e7f1ea'];
export const minimumContrast = 4.5;

export function isHexColour(value: string): boolean {
  return /^#[0-9a-f]{6}$/i.test(value);
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The lowest contrast the colour has on the pages, rounded down to a tenth (what the admin is told). */
export function lowestContrast(accent: string): number {
  return Math.floor(Math.min(...readOn.map((background) => contrast(accent, background))) * 10) / 10;
}
