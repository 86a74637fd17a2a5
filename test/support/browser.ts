import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PORTAL_DIST } from '../../gateway/app';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A real browser for portal and end-to-end tests: Debian's Chromium driven by playwright-core, headless, with a
 * fresh profile per launch and nothing that phones home. CHROMIUM_PATH overrides the executable.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Why a browser test cannot run here, or undefined when it can. */
export function browserUnavailableReason(): string | undefined {
  return fs.existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (install chromium or set CHROMIUM_PATH)`;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far; a clean page has none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  /** Lets a phone-sized page report itself as a touch device. */
  isMobile?: boolean;
  locale?: string;
  timezoneId?: string;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    isMobile: options.isMobile,
    hasTouch: options.isMobile,
    locale: options.locale ?? 'bg-BG',
    timezoneId: options.timezoneId ?? 'Europe/Sofia',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer ("Failed to load resource"); expected ones, like 401 before login, are not bugs.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(message.text());
    }
  });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The page's visible text with every kind of space (NBSP, narrow NBSP) as a plain space, for assertions. */
export async function visibleText(page: Page, selector = 'body'): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
}

/**
 * Builds the portal when a source is newer than the build (a targeted test run after editing the portal; `npm test`
 * builds before jest). `alsoWatch`: more files or folders, relative to the repository, the portal compiles in.
 */
export function ensurePortalBuilt(...alsoWatch: string[]): void {
  const built = path.join(PORTAL_DIST, 'index.html');
  const sources = ['portal/src', ...alsoWatch].flatMap((relative) => {
    const full = path.join(ROOT, relative);
    if (!fs.statSync(full).isDirectory()) return [full];
    return fs.readdirSync(full, { recursive: true, encoding: 'utf8' }).map((file) => path.join(full, file));
  });
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (sources.some((file) => fs.statSync(file).mtimeMs > builtAt)) {
    execFileSync('npx', ['ng', 'build', 'portal', '--configuration', 'production'], {
      cwd: ROOT,
      env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
      stdio: 'ignore',
    });
  }
}
