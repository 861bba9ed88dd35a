import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** The widths every page is checked at: a laptop and a small phone. */
const widths = [1280, 375];

/** Runs axe-core on the page (WCAG 2.x A and AA, and best practices) at each width and fails on any violation. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const size = page.viewportSize();
  // The page's own CSP forbids inline scripts, so axe is added through the context's bypassCSP.
  await page.addScriptTag({ content: axeSource });
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: size?.height ?? 800 });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
      });
      assert.deepEqual(violations, [], `${label} at ${width} px: ${JSON.stringify(violations, null, 2)}`);
    }
  } finally {
    if (size) await page.setViewportSize(size);
  }
}

/** A signed-in page in a context of its own; bypassCSP lets axe in, and makes the XSS checks test the sanitiser, not the CSP. */
export async function signedInPage(browser: Browser, nodeUrl: string, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${nodeUrl}/login`);
  await page.getByLabel('Username or e-mail').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('button:has-text("Sign out")');
  return page;
}
