// End-to-end tests of the web sandbox: the learner's console, explanations,
// step-through, settings, export and share links, in headless Chromium.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

async function open(page, t, suffix = '') {
  await page.goto(t.url + suffix);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  return input;
}

async function send(page, line) {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

/** Reply codes shown in the transcript, in order. */
async function replyCodes(page) {
  const texts = await page.getByRole('log', { name: 'Transcript' }).locator('.reply .text').allTextContents();
  return texts.map((t) => Number(t.slice(0, 3)));
}

const SEED = [
  'telnet localhost smtp',
  'mail from:alice@example.com',
  'rcpt to:bob@example.com',
  'data',
  'Hi, Bob!',
  '        This is test email!',
  '.',
  'quit',
];

/** The seed article's session, typed line by line, gets 220/250/250/354/250/221. */
export async function seedSessionTyped(page, t) {
  await open(page, t);
  for (const line of SEED) await send(page, line);
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('Connection closed by foreign host.').waitFor();
  assert.deepEqual(await replyCodes(page), [220, 250, 250, 354, 250, 221]);
  const text = await log.textContent();
  assert.match(text, /Trying 127\.0\.0\.1\.\.\.Connected to localhost\.Escape character is '\^]'\./);
  // The message is in bob's mailbox, envelope beside headers.
  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  await page.getByRole('button', { name: /no Subject: header.*alice@example\.com/ }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByText('Envelope (SMTP commands)').waitFor();
  assert.match(await panel.textContent(), /RCPT TO<bob@example\.com>/);
  await page.screenshot({ path: path.join(t.artifacts ?? 'artifacts/e2e', 'main-screen.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/** A 503 is explained as a sequencing error, and the learner recovers. */
export async function wrongOrderThenRecovery(page, t) {
  await open(page, t);
  await send(page, 'telnet localhost 25');
  await send(page, 'RCPT TO:<bob@example.com>');
  const explain = page.getByRole('tabpanel');
  await explain.getByText('MAIL first').waitFor();
  assert.match(await explain.textContent(), /Bad sequence of commands/);
  assert.match(await explain.textContent(), /RFC 5321 section 4\.1\.4/);
  // The state diagram says where the server is.
  assert.match(await page.getByRole('figure', { name: 'Server state' }).textContent(), /State: Connected/);
  await send(page, 'MAIL FROM:<alice@example.com>');
  await send(page, 'RCPT TO:<bob@example.com>');
  assert.deepEqual(await replyCodes(page), [220, 503, 250, 250]);
  assert.match(await page.getByRole('figure', { name: 'Server state' }).textContent(), /State: Recipients given. Last move: Sender given → Recipients given/);
  // Any earlier reply can be selected from the keyboard.
  const first503 = page.getByRole('log', { name: 'Transcript' }).getByRole('button', { name: /503/ });
  await first503.focus();
  await page.keyboard.press('Enter');
  await explain.getByText('MAIL first').waitFor();
}

/** Step-through plays the seed session forward and back, highlighting state. */
export async function stepThroughForwardAndBack(page, t) {
  await open(page, t);
  await page.getByRole('button', { name: /Step through: The classic telnet session/ }).click();
  const guide = page.getByRole('region', { name: 'Guided session' });
  await guide.getByText('Step 1 of 6').waitFor();
  await guide.getByRole('button', { name: 'Next' }).click();
  await guide.getByText('Step 2 of 6').waitFor();
  assert.match(await guide.textContent(), /mail from:alice@example\.com/);
  assert.match(await guide.textContent(), /250 2\.1\.0 Ok/);
  await guide.getByRole('button', { name: 'Next' }).click();
  await guide.getByRole('button', { name: 'Next' }).click();
  await guide.getByText('Step 4 of 6').waitFor();
  assert.match(await guide.textContent(), /Server state: Receiving data/);
  await guide.getByRole('button', { name: 'Back' }).click();
  await guide.getByText('Step 3 of 6').waitFor();
  assert.deepEqual(await replyCodes(page), [220, 250, 250]);
  // The command table row of the step's verb is highlighted.
  await page.getByRole('tab', { name: 'Commands' }).click();
  const row = page.getByRole('table', { name: 'SMTP commands' }).locator('tr.highlight');
  assert.match(await row.textContent(), /^RCPT/);
  // Take over and keep typing from this point.
  await guide.getByRole('button', { name: 'Take over typing' }).click();
  await send(page, 'data');
  assert.deepEqual(await replyCodes(page), [220, 250, 250, 354]);
}

/** Switching profile reconnects and changes behaviour. */
export async function profileSwitch(page, t) {
  await open(page, t);
  await send(page, 'telnet localhost smtp');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Server profile').selectOption('strict');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText('Server settings changed (profile: strict). Reconnecting with the new settings...').waitFor();
  await send(page, 'MAIL FROM:<alice@example.com>');
  await log.getByText('503 Error: send HELO/EHLO first').waitFor();
  await page.getByLabel('Server profile').selectOption('locked-down');
  await send(page, 'VRFY alice');
  await log.getByText('252 2.0.0 Cannot VRFY user; try RCPT to attempt delivery').waitFor();
  await page.getByLabel('EXPN allowed').check();
  await send(page, 'EXPN team');
  await log.getByText('Carol Singer <carol@example.com>').waitFor();
}

/** The transcript downloads as text with C:/S: markers. */
export async function transcriptExport(page, t) {
  await open(page, t);
  await send(page, 'telnet localhost smtp');
  await send(page, 'EHLO client.example');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'smtplab-transcript.txt');
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /^\$ telnet localhost smtp\n/);
  assert.match(text, /S: 220 mail\.example\.com ESMTP smtplab\nC: EHLO client\.example\nS: 250-mail\.example\.com\nS: 250-PIPELINING\n/);
}

/** A share link rebuilds the same session in a fresh browser. */
export async function shareLinkRoundTrip(page, t) {
  await open(page, t);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Server profile').selectOption('strict');
  for (const line of ['telnet localhost smtp', 'EHLO x', 'MAIL FROM:<alice@example.com>', 'RCPT TO:<nobody@example.com>']) {
    await send(page, line);
  }
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  assert.match(link, /#p=strict&s=/);
  const before = await page.getByRole('log', { name: 'Transcript' }).textContent();
  const other = await t.context.newPage();
  await other.goto(link);
  const log = other.getByRole('log', { name: 'Transcript' });
  await log.getByText(/550 5\.1\.1 <nobody@example\.com>/).waitFor();
  assert.equal(await log.textContent(), before.replace(/Server settings changed \(profile: strict\)\./, ''));
  // A damaged link says so instead of half-loading.
  await other.goto(t.url + '#p=strict&s=***');
  await other.reload();
  await other.getByRole('status').getByText(/damaged/).waitFor();
}

/** Message content with markup is shown as inert text, never run. */
export async function hostileMessageIsInert(page, t) {
  await open(page, t);
  await page.evaluate(() => { window.__pwned = false; });
  const body = [
    'telnet localhost smtp',
    'MAIL FROM:<mallory@example.com>',
    'RCPT TO:<bob@example.com>',
    'DATA',
    'Subject: <img src=x onerror="window.__pwned=true">',
    '',
    '<script>window.__pwned = true</script>',
    '<img src=x onerror="window.__pwned=true">',
    '.',
  ];
  for (const line of body) await send(page, line);
  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  await page.getByRole('button', { name: /<img src=x/ }).click();
  const raw = page.locator('pre.raw');
  assert.match(await raw.textContent(), /<script>window\.__pwned = true<\/script>/);
  assert.equal(await page.locator('.panel script, .panel img, .log img, .log script').count(), 0);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), false);
  const foreign = t.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== t.origin);
  assert.deepEqual(foreign, []);
}

/** Pasting several lines sends them as one pipelined chunk. */
export async function pasteIsPipelined(page, t) {
  await open(page, t);
  await send(page, 'telnet localhost smtp');
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.focus();
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text', 'EHLO x\nMAIL FROM:<a@example.com>\nRCPT TO:<bob@example.com>\n');
    document.getElementById('command-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await page.getByRole('log', { name: 'Transcript' }).getByText('250 2.1.5 Ok').waitFor();
  assert.deepEqual(await replyCodes(page), [220, 250, 250, 250]);
  await page.getByRole('button', { name: 'Wire view' }).click();
  const wire = await page.getByRole('log', { name: 'Wire bytes' }).textContent();
  assert.match(wire, /C: EHLO x\\r\\n\nC: MAIL FROM:<a@example\.com>\\r\\n\n/);
}

/** History with Up/Down, and a phone-sized screen still works. */
export async function historyAndPhoneWidth(page, t) {
  await page.setViewportSize({ width: 375, height: 740 });
  const input = await open(page, t);
  await send(page, 'telnet localhost smtp');
  await send(page, 'NOOP');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'NOOP');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'telnet localhost smtp');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), 'NOOP');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `page is ${width}px wide on a 375px screen`);
  await page.screenshot({ path: path.join(t.artifacts ?? 'artifacts/e2e', 'phone.png'), fullPage: false });
}

/**
 * The Transcript tab: a real swaks-against-Postfix capture pasted in is
 * explained with no unknown line, and replays against the simulated server.
 */
export async function transcriptTabExplainsARealCapture(page, t) {
  await open(page, t);
  const capture = await readFile(
    path.join(import.meta.dirname, '../../crates/smtplab-explain/tests/data/swaks-postfix-delivery.txt'),
    'utf8',
  );
  await page.getByRole('tab', { name: 'Transcript' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByRole('textbox', { name: /Paste a transcript/ }).fill(capture);
  await panel.getByRole('button', { name: 'Explain', exact: true }).click();
  const summary = panel.locator('.summary');
  await summary.waitFor();
  const text = await summary.textContent();
  assert.match(text, /read as swaks/);
  assert.doesNotMatch(text, /unknown/);
  assert.equal(await panel.locator('.x-line.k-unknown').count(), 0);
  // Every line of the capture is listed, none dropped.
  const lines = capture.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length;
  assert.equal(await panel.locator('.x-line').count(), lines);
  // Opening a line shows what it means and where the RFC says it.
  const ehlo = panel.locator('.x-line', { hasText: '-> EHLO' }).first();
  await ehlo.locator('summary').click();
  assert.match(await ehlo.textContent(), /Where it is written.*RFC 5321/s);
  await panel.getByRole('button', { name: 'Replay against this server' }).click();
  const replay = panel.locator('section.replay');
  await replay.waitFor();
  assert.match(await replay.locator('h3').textContent(), /profile default/);
  assert.ok((await replay.locator('tbody tr').count()) >= 5, 'the replay lists each command');
  await page.screenshot({ path: path.join(t.artifacts, 'transcript-tab.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/**
 * The explainer is not part of the sandbox's first download: it is fetched
 * the first time a transcript is explained. A long paste then shows its
 * progress and pages its lines.
 */
export async function transcriptExplainerLoadsOnFirstUseAndPagesALongPaste(page, t) {
  await open(page, t);
  await page.getByRole('tab', { name: 'Transcript' }).click();
  assert.ok(!t.requests.some((url) => url.includes('/explain/')), 'nothing of the explainer before use');
  const panel = page.getByRole('tabpanel');
  // A 480 KB paste: set at once, as a paste is (typing it would take minutes).
  await panel
    .getByRole('textbox', { name: /Paste a transcript/ })
    .evaluate((area, text) => { area.value = text; }, 'C: NOOP\nS: 250 2.0.0 Ok\n'.repeat(20_000));
  await panel.getByRole('button', { name: 'Explain', exact: true }).click();
  await panel.locator('.progress').waitFor();
  await panel.getByText('40000 lines read as C:/S: lines (40000)').waitFor({ timeout: 20_000 });
  assert.ok(t.requests.some((url) => url.endsWith('/explain/smtplab_explain_wasm_bg.wasm')), 'the explainer was fetched');
  await panel.getByText('Showing 300 of 40000 lines.').waitFor();
  assert.equal(await panel.locator('ol.explained > li').count(), 300);
  await panel.getByRole('button', { name: 'Show 300 more' }).click();
  await panel.getByText('Showing 600 of 40000 lines.').waitFor();
  assert.equal(await panel.locator('ol.explained > li').count(), 600);
  assert.deepEqual(t.pageErrors, []);
}

/**
 * The first screen, at 1280x800 and 375x740, light and dark: the prompt is
 * in view with the cursor in it, and one line says what to type.
 */
export async function firstScreenInvitesTyping(page, t) {
  for (const [width, height] of [[1280, 800], [375, 740]]) {
    for (const colorScheme of ['light', 'dark']) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      const input = await open(page, t);
      const box = await input.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= height, `the prompt is in view at ${width}x${height}: ${JSON.stringify(box)}`);
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the command line has the focus');
      const welcome = page.getByRole('log', { name: 'Transcript' }).getByText('Type telnet localhost smtp and press Enter');
      const line = await welcome.boundingBox();
      assert.ok(line && line.y + line.height <= height, 'the line saying what to type is in view');
      await page.screenshot({ path: path.join(t.artifacts, `first-screen-${width}x${height}-${colorScheme}.png`) });
    }
  }
  // Typing straight away works: no click needed first.
  await page.keyboard.type('telnet localhost smtp');
  await page.keyboard.press('Enter');
  await page.getByRole('log', { name: 'Transcript' }).getByText('220 ').first().waitFor();
  assert.equal(await page.getByText('Type telnet localhost smtp and press Enter').count(), 0, 'the hint goes once the session starts');
  assert.deepEqual(t.pageErrors, []);
}
