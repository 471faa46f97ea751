// Test support: Debian's Chromium driven by playwright-core, and screenshots kept as artifacts
// (test-artifacts/admin/) and, when MNEMO_UPDATE_SCREENSHOTS=1, as the README's docs/screenshots/.

import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { ROOT } from './processes';

const ARTIFACTS = path.join(ROOT, 'test-artifacts/admin');
const DOCS = path.join(ROOT, 'docs/screenshots');

/**
 * Flags that let Chromium run headless as root on a machine without network: no sandbox (root),
 * and no background connections (update checks, sync, QUIC), which a closed network refuses.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Saves a screenshot `<name>.png` (the full page unless told otherwise); returns its artifact path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  if (process.env.MNEMO_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
  return file;
}
