// One page for learning: the sandbox's first download carries no lessons
// and no network; the Lessons tab, a network command or a lesson link
// loads the full app (dist/full/) into the same page with the session
// carried over; lessons.html redirects; a failed load keeps the sandbox.
import assert from 'node:assert/strict';
import path from 'node:path';

function input(page) {
  return page.getByRole('textbox', { name: 'Command' });
}

async function open(page, url) {
  await page.goto(url);
  await input(page).waitFor({ state: 'visible', timeout: 10_000 });
}

async function send(page, line) {
  await input(page).fill(line);
  await input(page).press('Enter');
}

function log(page) {
  return page.getByRole('log', { name: 'Transcript' });
}

async function shown(page, pattern) {
  await log(page).getByText(pattern).first().waitFor();
}

const fullAppRequests = (t) => t.requests.filter((url) => url.includes('/full/'));

/** The sandbox loads nothing of the full app until the Lessons tab is pressed; then the typed session comes along. */
export async function lessonsTabLoadsTheFullAppWithTheSession(page, t) {
  await open(page, t.url);
  await send(page, 'telnet localhost smtp');
  await shown(page, /^220 mail\.example\.com/);
  await send(page, 'HELO pc.example');
  await shown(page, /^250 mail\.example\.com/);
  assert.deepEqual(fullAppRequests(t), [], 'the first download carries no lessons');
  const tabs = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab');
  assert.equal(await tabs.first().textContent(), 'Lessons', 'Lessons is the first tab');
  await page.getByRole('tab', { name: 'Lessons' }).click();
  // The full app's lesson list, in the same page.
  await page.getByRole('button', { name: /Your first message/ }).first().waitFor({ timeout: 15_000 });
  assert.ok(fullAppRequests(t).some((url) => url.endsWith('.wasm')), 'the full app was fetched');
  assert.equal(await page.getByRole('tab', { name: 'Lessons' }).getAttribute('aria-selected'), 'true');
  // The session was replayed there: still connected, the HELO answered.
  await shown(page, /^250 mail\.example\.com/);
  assert.equal(await page.locator('.app').count(), 1, 'one app in the page');
  assert.match(new URL(page.url()).hash, /app=full/, 'a reload stays in the full app');
  await page.screenshot({ path: path.join(t.artifacts, 'onepage-lessons-tab.png') });
  // A reload stays in the full app, without replaying the session twice.
  await page.reload();
  await page.getByRole('tab', { name: 'Lessons' }).waitFor();
  await page.locator('#tab-diagram').waitFor({ timeout: 15_000 });
}

/** `dig` in the sandbox loads the network and answers; the learner need not do anything else. */
export async function aNetworkCommandLoadsTheNetwork(page, t) {
  await open(page, t.url);
  await send(page, 'dig MX example.org');
  await shown(page, /MX\s+10 mx1\.example\.org\./);
  await shown(page, /MX\s+20 mx2\.example\.org\./);
  await send(page, 'telnet mx1.example.org 25');
  await shown(page, /^220 mx1\.example\.org/);
  assert.ok(fullAppRequests(t).length > 0, 'the full app was fetched for the network');
}

/** `#lesson=ID` on the page and on the old lessons.html address open the lesson; lessons.html alone lands on the Lessons tab. */
export async function deepLinksAndTheOldAddressStillWork(page, t) {
  await open(page, `${t.url}#lesson=dot-stuffing`);
  await page.getByRole('heading', { name: /dot/i }).first().waitFor({ timeout: 15_000 });
  assert.match(new URL(page.url()).hash, /^#lesson=dot-stuffing/);
  await page.goto(`${t.url}lessons.html#lesson=vrfy`);
  await page.waitForURL((url) => !url.pathname.endsWith('lessons.html'));
  await page.getByRole('heading', { name: /VRFY/ }).first().waitFor({ timeout: 15_000 });
  assert.match(new URL(page.url()).hash, /^#lesson=vrfy/);
  await page.goto(`${t.url}lessons.html`);
  await page.waitForURL((url) => !url.pathname.endsWith('lessons.html'));
  await page.getByRole('button', { name: /Your first message/ }).first().waitFor({ timeout: 15_000 });
}

/** When the full app cannot be fetched, the sandbox stays usable and says why. */
export async function aFailedLoadKeepsTheSandbox(page, t) {
  await page.route('**/full/**', (route) => route.abort());
  await open(page, t.url);
  await send(page, 'telnet localhost smtp');
  await shown(page, /^220 mail\.example\.com/);
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByRole('status').getByText(/could not be loaded/).waitFor({ timeout: 15_000 });
  // Still connected, still answering.
  await send(page, 'NOOP');
  await shown(page, /^250 2\.0\.0 Ok/);
  assert.doesNotMatch(new URL(page.url()).hash, /app=full/, 'the address was put back');
  // A network command says so in the console too.
  await send(page, 'QUIT');
  await send(page, 'dig MX example.org');
  await shown(page, /mail network could not be loaded/);
  // A deep link with the full app unreachable: the sandbox mounts with the reason.
  await page.goto('about:blank');
  await page.goto(`${t.url}#lesson=dot-stuffing`);
  await page.getByRole('status').getByText(/could not be loaded/).waitFor({ timeout: 15_000 });
  await input(page).waitFor();
  assert.equal(await log(page).getByText('$ dig MX example.org').count(), 0, 'a fresh page');
}
