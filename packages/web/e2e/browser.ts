import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's chromium, headless, never reaching the internet. */
export const CHROMIUM = '/usr/bin/chromium';

/** Starts the browser (no sandbox: CI runs as root; no background traffic). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where the screenshots of a test run go (gitignored test artefacts). */
export const SCREENSHOTS = resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

/** Saves a full-page screenshot as a test artefact. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs in with a token on the page served at `url`. */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=feed-status]:has-text("live")');
}
