// What a widget tells its host page and takes from it (widget-events.html,
// the README's example): ready, the events, the handle, the iframe form over
// postMessage, and click-to-load (widget-click.html).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EVENTS = ['command', 'reply', 'state-change', 'goal-complete', 'lesson-complete'];

/** Records every widget event on document, and every message from a frame. */
function recordEvents(context) {
  return context.addInitScript((types) => {
    window.__events = [];
    window.__messages = [];
    window.__csp = [];
    for (const type of types) {
      document.addEventListener(type, (e) => window.__events.push({ id: e.target.id, type, detail: e.detail }));
    }
    window.addEventListener('message', (e) => e.data?.source === 'smtp-lab' && window.__messages.push(e.data));
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  }, EVENTS);
}

/** The events of one widget from index `from` on, as short strings. */
async function eventsOf(page, id, from = 0) {
  const events = await page.evaluate((id) => window.__events.filter((e) => e.id === id), id);
  return events.slice(from).map(({ type, detail }) => {
    if (type === 'command') return `command ${detail.text}`;
    if (type === 'reply') return `reply ${detail.code}`;
    if (type === 'state-change') return `${detail.from}->${detail.to}`;
    return `${type} ${JSON.stringify(detail)}`;
  });
}

async function countOf(page, id) {
  return page.evaluate((id) => window.__events.filter((e) => e.id === id).length, id);
}

/** Calls a method of the element and returns what it resolved to. */
function call(page, id, method, ...args) {
  return page.evaluate(([id, method, args]) => document.getElementById(id)[method](...args), [id, method, args]);
}

/** ready resolves to the element after the script's events; send() gives command, reply and state-change events in order. */
export async function readyThenEventsInOrder(page, t) {
  await recordEvents(t.context);
  await page.goto(t.url + 'widget-events.html');
  assert.equal(await page.evaluate(async () => (await document.querySelector('#events-lab').ready).id), 'events-lab');
  // The page's own example sent MAIL FROM after ready; wait for its reply.
  await page.locator('#transcript').getByText('MAIL FROM:<alice@example.com>').waitFor();
  assert.deepEqual(await eventsOf(page, 'events-lab'), [
    'command telnet localhost smtp',
    'closed->connected',
    'reply 220',
    'command EHLO client.example',
    'reply 250',
    'connected->greeted',
    'command MAIL FROM:<alice@example.com>',
    'reply 250',
    'greeted->sender-given',
  ]);
  const seen = await countOf(page, 'events-lab');
  await call(page, 'events-lab', 'send', 'RCPT TO:<bob@example.com>');
  await call(page, 'events-lab', 'send', 'VRFY');
  assert.deepEqual(await eventsOf(page, 'events-lab', seen), [
    'command RCPT TO:<bob@example.com>',
    'reply 250',
    'sender-given->recipients-given',
    'command VRFY',
    'reply 501',
  ], 'send() resolves once its events are out');
  const [rcpt] = await page.evaluate(() => window.__events.filter((e) => e.type === 'reply' && e.detail.enhanced === '2.1.5'));
  assert.deepEqual(rcpt.detail, { code: 250, enhanced: '2.1.5', text: '250 2.1.5 Ok', lines: ['Ok'] });
  const [command] = await page.evaluate(() => window.__events.filter((e) => e.type === 'command' && e.detail.text === 'VRFY'));
  assert.deepEqual(command.detail, { text: 'VRFY', kind: 'smtp' });
  // A multi-line send goes as one pipelined chunk: both lines echo before the answers.
  const before = await countOf(page, 'events-lab');
  await call(page, 'events-lab', 'send', 'NOOP\nNOOP');
  assert.deepEqual(await eventsOf(page, 'events-lab', before), ['command NOOP', 'command NOOP', 'reply 250', 'reply 250']);
  // The page's own log shows what it heard.
  await page.locator('#event-log').getByText('events-lab state-change {"from":"greeted","to":"sender-given"}').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  assert.deepEqual(t.pageErrors, []);
}

/** transcript() gives the session as the app's export; reset() empties it; load() types a script in. */
export async function transcriptResetAndLoad(page, t) {
  await recordEvents(t.context);
  await page.goto(t.url + 'widget-events.html');
  await page.locator('#transcript').getByText('MAIL FROM:<alice@example.com>').waitFor();
  const transcript = await call(page, 'events-lab', 'transcript');
  assert.match(transcript, /^\$ telnet localhost smtp\n/);
  assert.match(transcript, /\nC: EHLO client\.example\nS: 250-/);
  assert.match(transcript, /\nC: MAIL FROM:<alice@example\.com>\nS: 250 2\.1\.0 Ok\n$/);
  const lab = page.locator('#events-lab');
  let seen = await countOf(page, 'events-lab');
  await call(page, 'events-lab', 'reset');
  assert.deepEqual(await eventsOf(page, 'events-lab', seen), ['sender-given->closed']);
  assert.equal(await call(page, 'events-lab', 'transcript'), '');
  // The console is empty again: no lines, only its hint of what to type.
  assert.equal(await lab.getByRole('log', { name: 'Transcript' }).locator('.line').count(), 0);
  seen = await countOf(page, 'events-lab');
  // The page's "Load a script" button calls load('EHLO client.example\nVRFY bob').
  await page.getByRole('button', { name: 'Load a script' }).click();
  await lab.getByRole('log').getByText('250 2.1.5 Bob Builder <bob@example.com>').waitFor();
  assert.deepEqual(await eventsOf(page, 'events-lab', seen), [
    'command telnet localhost smtp',
    'closed->connected',
    'reply 220',
    'command EHLO client.example',
    'reply 250',
    'connected->greeted',
    'command VRFY bob',
    'reply 250',
  ]);
  assert.match(await call(page, 'events-lab', 'transcript'), /\nC: VRFY bob\nS: 250 2\.1\.5 Bob Builder <bob@example\.com>\n$/);
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.waitForFunction(() => window.__events.at(-1)?.detail?.to === 'closed');
  assert.deepEqual(t.pageErrors, []);
}

/** A lesson widget tells the page when a goal is met. */
export async function lessonGoalComplete(page, t) {
  await recordEvents(t.context);
  await page.goto(t.url + 'widget-events.html');
  await call(page, 'events-lesson', 'send', 'telnet localhost smtp\nHELO client.example');
  const goals = await page.evaluate(() => window.__events.filter((e) => e.type === 'goal-complete'));
  assert.deepEqual(goals, [{
    id: 'events-lesson',
    type: 'goal-complete',
    detail: { lesson: 'helo-vs-ehlo', goal: 'Greet the server with HELO and see the one-line answer', index: 0 },
  }]);
  await page.locator('#event-log').getByText('events-lesson goal-complete').waitFor();
  await page.locator('#events-lesson').getByRole('log').getByText('250 mail.example.com').first().waitFor();
  await page.screenshot({ path: path.join(t.artifacts, 'widget-events.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/** A wrong attribute rejects ready (and every call) with the problem in words. */
export async function wrongAttributeRejectsReady(page, t) {
  await page.goto(t.url + 'widget-events.html');
  const outcome = await page.evaluate(async () => {
    const el = document.createElement('smtp-lab');
    el.id = 'broken';
    el.setAttribute('profile', 'nope');
    document.querySelector('main').append(el);
    const ready = await el.ready.then(() => 'resolved', (e) => `${e instanceof Error} ${e.message}`);
    const send = await el.send('HELO x').then(() => 'resolved', (e) => e.message);
    return { ready, send };
  });
  assert.match(outcome.ready, /^true smtplab: unknown profile `nope` in the profile attribute; use one of: default, /);
  assert.match(outcome.send, /unknown profile `nope`/);
  await page.locator('#broken').getByRole('alert').getByText('unknown profile `nope`').waitFor();
}

/** An engine that cannot load rejects ready with a readable Error, and the widget says so. */
export async function wasmFailureRejectsReady(page, t) {
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(t.url + 'widget-events.html');
  const message = await page.evaluate(() => document.querySelector('#events-lab').ready.then(() => 'resolved', (e) => `${e instanceof Error} ${e.message}`));
  assert.match(message, /^true smtplab could not start: /);
  await page.locator('#events-lab').getByRole('alert').getByText('smtplab could not start').waitFor();
}

/** Waits for the frame's message that matches. */
function frameMessage(page, match) {
  return page.waitForFunction((match) => window.__messages.find((m) => Object.entries(match).every(([k, v]) => m[k] === v)), match);
}

/** The iframe form forwards every event and answers the parent's calls, and only the parent's. */
export async function iframeAnswersPostMessage(page, t) {
  await recordEvents(t.context);
  await page.goto(t.url + 'widget-events.html');
  await frameMessage(page, { type: 'ready' });
  const forwarded = await page.evaluate(() => window.__messages.filter((m) => m.type === 'command' || m.type === 'reply').map((m) => m.detail.text));
  assert.equal(forwarded[0], 'telnet localhost smtp');
  assert.ok(forwarded.includes('EHLO frame.example'), forwarded.join(' | '));
  const result = await page.evaluate(async () => {
    const frame = document.querySelector('#events-frame').contentWindow;
    const ask = (id, method, args) => new Promise((resolve) => {
      const listen = (e) => {
        if (e.data?.type === 'result' && e.data.id === id) {
          window.removeEventListener('message', listen);
          resolve(e.data);
        }
      };
      window.addEventListener('message', listen);
      frame.postMessage({ target: 'smtp-lab', method, args, id }, '*');
    });
    const sent = await ask('a', 'send', ['NOOP']);
    const transcript = await ask('b', 'transcript', []);
    const wrong = await ask('c', 'destroy', []);
    return { sent, transcript, wrong };
  });
  assert.deepEqual(result.sent, { source: 'smtp-lab', type: 'result', id: 'a', value: undefined });
  assert.match(result.transcript.value, /\nC: EHLO frame\.example\n/);
  assert.match(result.transcript.value, /\nC: NOOP\nS: 250 2\.0\.0 Ok\n$/);
  assert.match(result.wrong.error, /no method `destroy`/);
  assert.ok(await page.evaluate(() => window.__messages.some((m) => m.type === 'reply' && m.detail.text === '250 2.0.0 Ok')), 'the NOOP reply was forwarded');
  // A message from anywhere but the parent is ignored: here the frame posts to itself.
  const frame = page.frame({ url: /embed\.html/ });
  await frame.evaluate(() => window.postMessage({ target: 'smtp-lab', method: 'send', args: ['RSET'], id: 'self' }, '*'));
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__messages.some((m) => m.id === 'self' || m.detail?.text === 'RSET')), false);
  assert.doesNotMatch(await frame.locator('smtp-lab').getByRole('log').textContent(), /RSET/);
  // The page's own button does the same round trip.
  await page.getByRole('button', { name: 'Send NOOP to the frame' }).click();
  await page.locator('#event-log').getByText('frame transcript:').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
}

const wasmRequests = (t) => t.requests.filter((u) => u.endsWith('.wasm') || u.includes('smtplab_widget'));

/** click-to-load shows the script and a button, and loads no wasm until clicked. */
export async function clickToLoadWaitsForTheClick(page, t) {
  await recordEvents(t.context);
  await page.goto(t.url + 'widget-click.html');
  const lab = page.locator('#click-lab');
  const start = lab.getByRole('button', { name: 'Start the console' });
  await start.waitFor();
  assert.equal(await lab.getByLabel('Script').textContent(), 'telnet localhost smtp\nEHLO client.example\nMAIL FROM:<alice@example.com>');
  assert.equal(await page.locator('#click-lab > pre').isVisible(), false, 'the fallback hides behind the shadow root');
  await page.waitForTimeout(300);
  assert.deepEqual(wasmRequests(t), [], 'nothing of the engine loaded before the click');
  await page.screenshot({ path: path.join(t.artifacts, 'widget-click-before.png'), fullPage: true });
  await start.click();
  await lab.getByRole('log', { name: 'Transcript' }).getByText('250 2.1.0 Ok').waitFor();
  assert.ok(wasmRequests(t).some((u) => u.endsWith('/widget/smtplab_widget_bg.wasm')), wasmRequests(t).join(' '));
  assert.equal(await page.evaluate(async () => (await document.querySelector('#click-lab').ready).id), 'click-lab');
  assert.equal(await lab.getByRole('textbox', { name: 'Command' }).evaluate((e) => e === e.getRootNode().activeElement), true, 'focus moves to the console');
  assert.equal((await eventsOf(page, 'click-lab')).at(-1), 'greeted->sender-given');
  // The fallback the author wrote is the session the console really has.
  const fallback = await page.locator('#click-lab > pre').textContent();
  assert.equal(await call(page, 'click-lab', 'transcript'), fallback + '\n');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(t.pageErrors, []);
}

/** Without JavaScript the page shows the transcript written inside the element. */
export async function clickToLoadFallbackWithoutJavaScript(page, t) {
  const cdp = await t.context.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await page.goto(t.url + 'widget-click.html');
  const fallback = page.locator('#click-lab > pre');
  assert.equal(await fallback.isVisible(), true);
  assert.match(await fallback.textContent(), /C: MAIL FROM:<alice@example\.com>\nS: 250 2\.1\.0 Ok$/);
  assert.deepEqual(wasmRequests(t), []);
}

/** The README shows the example page's script as it is. */
export async function readmeShowsTheExampleScript() {
  const [readme, script] = await Promise.all([
    readFile(path.join(repo, 'README.md'), 'utf8'),
    readFile(path.join(repo, 'web/widget/widget-events.js'), 'utf8'),
  ]);
  assert.ok(readme.includes('```js\n' + script + '```\n'), 'README.md quotes web/widget/widget-events.js in a ```js block');
}
