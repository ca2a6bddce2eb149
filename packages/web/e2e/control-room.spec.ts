// The web control room end to end: Debian's chromium (playwright-core) against `shotline demo
// --serve` (the demo's simulated lab on a temp SQLite file, the server on an ephemeral port).
// Every wait polls for a condition with a generous timeout; screenshots are kept as artefacts.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser, logIn, screenshot } from './browser.js';
import { type DemoServer, startDemoServer } from './demo-server.js';

const WAIT = { timeout: 60_000 };

let server: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`,
    );
  }
  server = await startDemoServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 180_000);

afterEach(async (context) => {
  // A failed test leaves a picture of the page as it was.
  if (context.task.result?.state === 'fail' && page) {
    await screenshot(page, `failed-${context.task.name.replace(/\W+/g, '-')}`).catch(
      () => undefined,
    );
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

/** Fills a field and commits it (Enter), as a user types. */
async function type(selector: string, text: string): Promise<void> {
  const field = page.locator(selector);
  await field.fill(text);
  await field.press('Enter');
}

describe('the web control room on the demo lab', () => {
  it('refuses a wrong token and logs in with the right one', { timeout: 120_000 }, async () => {
    await page.goto(`${server.url}/`);
    await page.fill('input[name=token]', 'slt_0000000000000000.wrong');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]:has-text("refused this token")', WAIT);
    await screenshot(page, '1-login');
    await logIn(page, server.url, server.token);
    await page.waitForSelector('[data-path="\\\\demo\\\\scan"]', WAIT);
    await screenshot(page, '2-sequences');
  });

  it(
    'creates a folder and a sequence with 3 steps and 4 lanes by clicking and typing',
    { timeout: 180_000 },
    async () => {
      await page.click('button:has-text("New folder")');
      await type('form[aria-label="New folder"] input[name=name]', 'web');
      await page.waitForSelector('[data-path="\\\\web"]', WAIT);
      await page.click('button:has-text("New sequence")');
      await type('form[aria-label="New sequence"] input[name=name]', 'e2e');
      await page.waitForSelector('[data-path="\\\\web\\\\e2e"] [data-state=draft]', WAIT);
      await page.click('a:has-text("Edit")');
      await page.waitForSelector('.lanes-grid', WAIT);

      // The iteration: angle = 0°, then 5 detunings, one shot each.
      await page.click('.iteration-tree > li:last-child button:has-text("declare")');
      await page.click('.iteration-tree > li:last-child button:has-text("linspace")');
      await page.click('.iteration-tree > li[data-step="0"] button[title=remove]');
      await page.fill('li[data-step="0"] input[aria-label=variable]', 'angle');
      await page.fill('li[data-step="0"] input[aria-label=value]', '0°');
      await page.fill('li[data-step="1"] input[aria-label=variable]', 'detuning');
      await page.fill('li[data-step="1"] input[aria-label=start]', '-10 MHz');
      await page.fill('li[data-step="1"] input[aria-label=stop]', '10 MHz');
      await page.fill('li[data-step="1"] input[aria-label=num]', '5');

      // Three steps.
      await page.click('button:has-text("Add step")');
      await page.click('button:has-text("Add step")');
      const steps: [string, string][] = [
        ['load', '20 ms'],
        ['image', '1 ms'],
        ['readout', '4 ms'],
      ];
      for (const [i, [name, duration]] of steps.entries()) {
        await type(`input[aria-label="name of step ${i}"]`, name);
        await type(`input[aria-label="duration of step ${i}"]`, duration);
      }

      // Four lanes.
      for (const [name, kind] of [
        ['mot shutter', 'digital'],
        ['mot coil', 'analog'],
        ['camera', 'camera'],
        ['probe', 'digital'],
      ] as const) {
        await page.fill('input[aria-label="new lane name"]', name);
        await page.selectOption('select[aria-label="new lane type"]', kind);
        await page.click('button:has-text("Add lane")');
        await page.waitForSelector(`tr[data-lane="${name}"]`, WAIT);
      }
      await page.click('button[data-lane="mot shutter"][data-col="0"]');
      await page.waitForSelector(
        'button[data-lane="mot shutter"][data-col="0"][aria-pressed=true]',
        WAIT,
      );
      await type('input[data-lane="mot coil"][data-col="0"]', '2 V');
      await type('input[data-lane="mot coil"][data-col="1"]', 'ramp');
      await type('input[data-lane="camera"][data-col="1"]', 'atoms');
      await page.click('button[data-lane="probe"][data-col="1"]');
      await page.waitForSelector('[data-testid=check-state]:has-text("no errors")', WAIT);
    },
  );

  it(
    'shows a located error on its cell as it is typed, and clears it when fixed',
    { timeout: 120_000 },
    async () => {
      await type('input[data-lane="mot coil"][data-col="0"]', '2 V +');
      await type('input[aria-label="duration of step 1"]', '1 ms *');
      const cell = 'input[data-lane="mot coil"][data-col="0"][aria-invalid=true]';
      await page.waitForSelector(cell, WAIT);
      await page.waitForSelector('.step-head[data-step="1"] .cell-error', WAIT);
      expect(await page.textContent('.step-head[data-step="1"] .cell-error')).toMatch(
        /duration|step 1|missing/,
      );
      await page.waitForSelector('[data-testid=check-state]:has-text("2 errors")', WAIT);
      await screenshot(page, '3-editor-errors');

      await type('input[data-lane="mot coil"][data-col="0"]', '2 V');
      await type('input[aria-label="duration of step 1"]', '1 ms');
      await page.waitForSelector('[data-testid=check-state]:has-text("no errors")', WAIT);
      expect(await page.locator('[aria-invalid=true]').count()).toBe(0);

      // The demo's sequencer drives no "probe" lane: the engine refuses unused lanes, so it goes.
      expect(await page.locator('tr[data-lane]').count()).toBe(4);
      await page.click('button[aria-label="remove lane probe"]');
      await page.waitForSelector('tr[data-lane="probe"]', { state: 'detached', ...WAIT });
      await page.click('button:has-text("Save")');
      await page.waitForSelector('[data-testid=save-state]:has-text("saved")', WAIT);
      await screenshot(page, '4-editor');
    },
  );

  it(
    'runs it on the demo lab and follows the progress to the end',
    { timeout: 240_000 },
    async () => {
      await page.click('a:has-text("Run…")');
      await page.waitForSelector('[data-testid=run-status]', WAIT);
      await page.click('button:has-text("Submit to queue")');
      const ended = await page.waitForSelector(
        '[data-testid=run-status] :is([data-state=finished], [data-state=crashed], [data-state=interrupted])',
        { timeout: 180_000 },
      );
      const state = await ended.getAttribute('data-state');
      if (state !== 'finished') {
        const why = await page.textContent('[data-testid=run-status]');
        throw new Error(`the run ended ${state}: ${why}\nserver output:\n${server.output()}`);
      }
      expect(await page.textContent('[data-testid=shots]')).toMatch(/^5 \/ 5/);
      await screenshot(page, '5-run');
    },
  );

  it(
    'shows the last picture and a plot with one point per shot',
    { timeout: 120_000 },
    async () => {
      await page.click('a:has-text("Live view")');
      await page.waitForSelector('canvas[data-testid=picture][data-shot="4"]', WAIT);
      await page.waitForSelector('[data-testid=scan-plot][data-points="5"]', WAIT);
      await page.selectOption('select[name=x]', 'detuning');
      await page.waitForSelector('[data-testid=scan-plot][data-points="5"]', WAIT);
      // The picture was painted: its pixels are not all the same colour.
      const distinct = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid=picture]')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4)
          colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return colours.size;
      });
      expect(distinct).toBeGreaterThan(10);
      expect(await page.locator('[data-testid=shots-table] tbody tr').count()).toBe(5);
      await screenshot(page, '6-live');
    },
  );

  it('detects concurrent edits of one sequence in two browsers', { timeout: 180_000 }, async () => {
    const contexts = [await browser.newContext(), await browser.newContext()];
    try {
      const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
      const editor = `${server.url}/#/edit/${encodeURIComponent('\\demo\\scan')}`;
      for (const p of [a!, b!]) {
        await logIn(p, server.url, server.token);
        await p.goto(editor);
        await p.waitForSelector('input[aria-label="duration of step 0"]', WAIT);
      }
      const edit = async (p: Page, duration: string) => {
        const field = p.locator('input[aria-label="duration of step 0"]');
        await field.fill(duration);
        await field.press('Enter');
        await p.click('button:has-text("Save")');
      };
      await edit(a!, '21 ms');
      await a!.waitForSelector('[data-testid=save-state]:has-text("saved")', WAIT);
      await edit(b!, '22 ms');
      await b!.waitForSelector('[data-testid=conflict]:has-text("changed by someone else")', WAIT);
      await screenshot(b!, '7-conflict');
      // Nothing was overwritten: A's version is the stored one; B reloads and sees it.
      await b!.click('button:has-text("Reload")');
      await b!.waitForFunction(
        () =>
          document.querySelector<HTMLInputElement>('input[aria-label="duration of step 0"]')
            ?.value === '21 ms',
        null,
        WAIT,
      );
    } finally {
      for (const c of contexts) await c.close();
    }
  });
});
