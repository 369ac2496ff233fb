/**
 * Driving the admin console in Chromium: sign in, the welcome form, screenshots of each step
 * (under test-output/, ignored by git) and axe-core accessibility checks.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 800 };

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const outputRoot = resolve(import.meta.dirname, '../../test-output/screenshots');

/** Picks a value in a searchable Mantine select by typing and choosing the matching option. */
export async function pick(page: Page, label: string | RegExp, value: string) {
  const input = page.getByLabel(label).first();
  await input.click();
  await input.fill(value);
  await page.getByRole('option', { name: value, exact: true }).first().click();
}

/**
 * Signs in with the local identity provider and completes the welcome form when it shows. Sessions
 * are shared by the browser's tabs, so an earlier test's is dropped first.
 */
export async function signIn(page: Page, url: string, email: string, timeZone = 'Europe/Madrid') {
  await page.goto(url);
  if (await page.evaluate(() => localStorage.length > 0)) {
    await page.evaluate(() => localStorage.clear());
    await page.goto(url);
  }
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const welcome = page.getByRole('heading', { name: /Welcome/ });
  const console = page.getByRole('button', { name: /Account menu/ });
  await welcome.or(console).first().waitFor();
  if (await welcome.isVisible()) {
    await pick(page, 'Time zone', timeZone);
    await page.getByRole('button', { name: 'Save' }).click();
    await console.waitFor();
  }
}

/** Saves numbered screenshots of one test's steps under test-output/screenshots/<test>/. */
export function screenshots(test: string) {
  const dir = join(outputRoot, test);
  // A fresh folder per run: an earlier run's shots, numbered otherwise, would read as this one's.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return async (page: Page, name: string) => {
    step += 1;
    await page.screenshot({
      path: join(dir, `${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
  /** The theme the page was shown in when axe found it. */
  theme?: ColorScheme;
}

type ColorScheme = 'light' | 'dark';

/**
 * Shows the page in `scheme` whichever the profile or the system prefers: the system's preference
 * (what "system" follows) and Mantine's attribute, which chooses its colour variables (a profile's
 * own choice forces the attribute, so the media query alone would not change it).
 */
async function showScheme(page: Page, scheme: ColorScheme, attribute: string | null = scheme) {
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate((value) => {
    if (value) document.documentElement.setAttribute('data-mantine-color-scheme', value);
  }, attribute);
  await transitionsSettled(page);
}

/**
 * Serious and critical axe-core violations on the page as it stands, in the light theme and in the
 * dark one (each violation names its theme); the page is left in the theme it was shown in.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Colours are judged as they settle, not halfway through a fade-in.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const shown = await page.evaluate(() => ({
    system: matchMedia('(prefers-color-scheme: dark)').matches ? ('dark' as const) : ('light' as const),
    attribute: document.documentElement.getAttribute('data-mantine-color-scheme'),
  }));
  const found: AxeViolation[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await showScheme(page, theme);
    const violations = (await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }
      ).axe.run();
      return result.violations;
    })) as AxeViolation[];
    for (const v of violations) {
      if (v.impact === 'serious' || v.impact === 'critical') found.push({ ...v, theme });
    }
  }
  await showScheme(page, shown.system, shown.attribute);
  return found;
}

/**
 * What makes the page scroll sideways (the phone-size bar: it never should): empty when it does
 * not, else the elements reaching past the right edge, so a failure names its cause.
 */
export async function scrollsSideways(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width + 1) return [];
    const past = [...document.body.querySelectorAll('*')].filter(
      (e) => e.getBoundingClientRect().right > width + 1,
    );
    const described = past.map((e) => {
      const text = (e.textContent ?? '').trim().slice(0, 40);
      return `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') ?? ''}"> right=${Math.round(e.getBoundingClientRect().right)} "${text}"`;
    });
    return [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`, ...described.slice(0, 8)];
  });
}

/** Opens the org's `section` through its side navigation and waits for the section's heading. */
export async function openSection(page: Page, url: string, orgId: string, section: string): Promise<void> {
  await page.goto(`${url}/#/orgs/${orgId}`);
  await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { name: section, level: 1 }).waitFor();
}

/**
 * Waits for running CSS transitions to end (the navigation drawer sliding away after a resize, a
 * hover fading): the bars judge, and the screenshots show, the screen as it settles.
 */
export async function transitionsSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.getAnimations().some((a) => a instanceof CSSTransition && a.playState === 'running'),
    undefined,
    { timeout: 5_000 },
  );
}

/**
 * The bars every screen meets: no serious or critical axe violations and no sideways scrolling.
 * The pointer moves off the page first: a hovered control is its own, darker state, not the page's.
 */
export async function expectScreenBarsMet(page: Page, name = page.url()): Promise<void> {
  const size = page.viewportSize()!;
  await page.mouse.move(size.width - 2, size.height - 2);
  await transitionsSettled(page);
  expect(JSON.stringify(await seriousViolations(page), null, 1), name).toBe('[]');
  expect(await scrollsSideways(page), `${name} scrolls sideways`).toEqual([]);
}

/**
 * Checks the screen bars and saves a screenshot at the desktop size, then at the phone size, and
 * leaves the page at the desktop size: the step every console test takes after each change.
 */
export function atBothSizes(shot: ReturnType<typeof screenshots>) {
  return async (page: Page, name: string) => {
    await expectScreenBarsMet(page);
    await shot(page, `${name}-desktop`);
    await page.setViewportSize(phone);
    await expectScreenBarsMet(page);
    await shot(page, `${name}-phone`);
    await page.setViewportSize(desktop);
  };
}
