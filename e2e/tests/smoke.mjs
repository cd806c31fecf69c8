// Smoke tests for the page shell: it loads, offers the command input, and stays on its own origin.
import assert from 'node:assert/strict';

/** The page renders the title and a usable text input named "Command". */
export async function loadsWithCommandInput(page, t) {
  await page.goto(t.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok(await input.isEnabled(), 'the Command input is disabled');
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'smtplab');
  await input.fill('EHLO client.example');
  assert.equal(await input.inputValue(), 'EHLO client.example');
  assert.deepEqual(t.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(t.consoleErrors, [], 'errors in the console');
}

/** Every request the browser makes goes to the page's own origin (data: URLs never leave it). */
export async function requestsOnlyItsOwnOrigin(page, t) {
  await page.goto(t.url, { waitUntil: 'networkidle' });
  await page.getByRole('textbox', { name: 'Command' }).waitFor({ state: 'visible', timeout: 10_000 });
  // Give late fetches (prefetch, icons, fonts) a moment to show up.
  await page.waitForTimeout(500);
  const foreign = t.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== t.origin);
  assert.deepEqual(foreign, [], 'requests to other origins');
  // The recording itself works: the page, its JS and its wasm were all seen.
  assert.ok(t.requests.includes(t.url), `index not among ${t.requests}`);
  assert.ok(t.requests.some((u) => u.endsWith('.js')), `no .js among ${t.requests}`);
  assert.ok(t.requests.some((u) => u.endsWith('.wasm')), `no .wasm among ${t.requests}`);
}
