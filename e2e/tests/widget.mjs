// The <smtp-lab> widget on the demo page: independent sessions, shadow-DOM
// isolation from host CSS, a strict CSP, the autoplay demo and the iframe route.
import assert from 'node:assert/strict';
import path from 'node:path';

function recordCspViolations(context) {
  return context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

async function sendTo(widget, line) {
  const input = widget.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

/** Drops an "Embed this" snippet's element into the demo page (which
 *  loads the widget already), as `#pasted`. */
async function pasteIntoDemoPage(page, t, snippet) {
  await page.goto(t.url + 'demo.html');
  await page.evaluate((html) => {
    const holder = document.createElement('section');
    holder.id = 'pasted';
    holder.innerHTML = html;
    document.body.append(holder);
  }, snippet);
}

/** The address of an "Embed this" snippet's iframe form. */
function iframeAddress(snippet) {
  return snippet.match(/<iframe title="smtplab" src="([^"]+)"/)[1].replaceAll('&amp;', '&');
}

/** Four widgets, each its own session; the demo plays itself; CSP holds. */
export async function fourIndependentWidgets(page, t) {
  await recordCspViolations(t.context);
  await page.goto(t.url + 'demo.html');
  assert.equal(await page.locator('smtp-lab').count(), 4);
  const seed = page.locator('#demo-seed');
  const strict = page.locator('#free-strict');
  const lesson = page.locator('#lesson');
  // The demo is read-only and plays the seed session to the end.
  assert.equal(await seed.getByRole('textbox', { name: 'Command' }).count(), 0);
  await seed.getByRole('log', { name: 'Transcript' }).getByText('Connection closed by foreign host.').waitFor({ timeout: 20_000 });
  assert.match(await seed.getByRole('log').textContent(), /250 2\.0\.0 Ok: queued as/);
  await seed.getByRole('button', { name: 'Replay' }).click();
  await seed.getByText('Demo: step 1 of 6').waitFor();
  // The strict console and the lesson console answer independently.
  await sendTo(strict, 'telnet localhost smtp');
  await sendTo(strict, 'MAIL FROM:<alice@example.com>');
  await strict.getByRole('log').getByText('503 Error: send HELO/EHLO first').waitFor();
  await sendTo(lesson, 'telnet localhost smtp');
  await sendTo(lesson, 'MAIL FROM:<alice@example.com>');
  await lesson.getByRole('log').getByText('250 2.1.0 Ok').waitFor();
  assert.doesNotMatch(await strict.getByRole('log').textContent(), /250 2\.1\.0/);
  assert.equal(await strict.getByRole('table', { name: 'SMTP commands' }).count(), 1);
  // The network console delivered to mx1, and its panels show it.
  const network = page.locator('#network');
  await network.getByRole('log').getByText('Connection closed by foreign host.').waitFor({ timeout: 20_000 });
  await network.getByRole('button', { name: /Straight to the MX — from you@isp\.example/ }).waitFor();
  assert.ok((await network.locator('.diagram svg text.host').allTextContents()).includes('mx1.example.org'));
  assert.doesNotMatch(await strict.getByRole('log').textContent(), /mx1\.example\.org/);
  await page.screenshot({ path: path.join(t.artifacts, 'widget-demo.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  assert.deepEqual(t.pageErrors, []);
  const foreign = t.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== t.origin);
  assert.deepEqual(foreign, []);
}

/** Hostile host CSS does not reach inside the widget. */
export async function hostCssStaysOutside(page, t) {
  await page.goto(t.url + 'demo.html');
  await page.addStyleTag({ content: '* { color: red !important; font-size: 40px !important } input { display: none !important }' });
  const strict = page.locator('#free-strict');
  const input = strict.getByRole('textbox', { name: 'Command' });
  await input.waitFor({ state: 'visible' });
  await sendTo(strict, 'telnet localhost smtp');
  const reply = strict.locator('.reply .text').first();
  await reply.waitFor();
  const color = await reply.evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(color, 'rgb(255, 0, 0)');
  const size = await input.evaluate((e) => getComputedStyle(e).fontSize);
  assert.notEqual(size, '40px');
  // The host page itself did turn red: the rule was live.
  const hostColor = await page.locator('h1').evaluate((e) => getComputedStyle(e).color);
  assert.equal(hostColor, 'rgb(255, 0, 0)');
}

/** The widget cannot break the host page: its styles stay in the shadow root. */
export async function widgetCssStaysInside(page, t) {
  await page.goto(t.url + 'demo.html');
  await page.locator('#free-strict').getByRole('textbox', { name: 'Command' }).waitFor();
  const font = await page.locator('h1').evaluate((e) => getComputedStyle(e).fontSize);
  // demo.css leaves h1 at the browser default (2em of 16px); the widget's h1 rule must not apply.
  assert.equal(font, '32px');
  const boxSizing = await page.locator('main').evaluate((e) => getComputedStyle(e).boxSizing);
  assert.equal(boxSizing, 'content-box');
}

/** The iframe route takes the same options as URL parameters. */
export async function iframeRoute(page, t) {
  await recordCspViolations(t.context);
  await page.goto(t.url + 'embed.html?profile=locked-down&script=' + encodeURIComponent('telnet localhost smtp\nVRFY alice'));
  await page.getByRole('log', { name: 'Transcript' }).getByText('252 2.0.0 Cannot VRFY user').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
}

/** "Embed this" gives a snippet whose element and iframe both rebuild the session. */
export async function embedThisSnippet(page, t) {
  await page.goto(t.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor();
  for (const line of ['telnet localhost smtp', 'VRFY bob']) {
    await input.fill(line);
    await input.press('Enter');
  }
  await page.getByRole('button', { name: 'Embed this' }).click();
  const snippet = await page.getByRole('textbox', { name: 'Embed snippet' }).inputValue();
  assert.match(snippet, /^<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/widget\/smtp-lab\.js"><\/script>\n<smtp-lab profile="default" script="telnet localhost smtp\nVRFY bob"><\/smtp-lab>/);
  // The element form, dropped into a page that already loads the widget.
  await pasteIntoDemoPage(page, t, snippet);
  await page.locator('#pasted smtp-lab').getByRole('log').getByText('250 2.1.5 Bob Builder <bob@example.com>').waitFor();
  // The iframe form.
  await page.goto(iframeAddress(snippet));
  await page.getByRole('log').getByText('250 2.1.5 Bob Builder <bob@example.com>').waitFor();
}

/** A session that went into the mail network embeds a widget with the
 *  network (both forms replay it there); a console without it says so. */
export async function aNetworkSessionEmbedsWithTheNetwork(page, t) {
  await page.goto(t.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor();
  await input.fill('dig MX example.org');
  await input.press('Enter');
  const log = page.getByRole('log', { name: 'Transcript' });
  await log.getByText(/MX\s+20 mx2\.example\.org\./).waitFor({ timeout: 30_000 });
  await input.fill('telnet mx1.example.org 25');
  await input.press('Enter');
  await log.getByText('220 mx1.example.org ESMTP smtplab').waitFor();
  await page.getByRole('button', { name: 'Embed this' }).click();
  const snippet = await page.getByRole('textbox', { name: 'Embed snippet' }).inputValue();
  assert.match(snippet, /<smtp-lab profile="default" script="dig MX example\.org\ntelnet mx1\.example\.org 25" network><\/smtp-lab>/);
  assert.match(snippet, /embed\.html\?profile=default&amp;script=[^"]+&amp;network"/);

  await pasteIntoDemoPage(page, t, snippet);
  const pasted = page.locator('#pasted smtp-lab');
  await pasted.getByRole('log').getByText('220 mx1.example.org ESMTP smtplab').waitFor({ timeout: 30_000 });
  assert.match(await pasted.getByRole('log').textContent(), /example\.org\.\s+3600\s+IN\s+MX\s+10 mx1\.example\.org\./);
  await pasted.scrollIntoViewIfNeeded();
  await pasted.screenshot({ path: path.join(t.artifacts, 'widget-network.png') });

  // The console widget has no network, and tells the reader and the author.
  const strict = page.locator('#free-strict');
  await sendTo(strict, 'dig MX example.org');
  await strict.getByRole('log').getByText('dig: this console has no mail network, so there is no DNS to ask').waitFor();
  await strict.getByRole('log').getByText(/with <smtp-lab network> has the whole mail network/).waitFor();
  await sendTo(strict, 'telnet mx1.example.org 25');
  await strict.getByRole('log').getByText('telnet: could not resolve mx1.example.org/25: Name or service not known').waitFor();

  await page.goto(iframeAddress(snippet));
  await page.getByRole('log').getByText('220 mx1.example.org ESMTP smtplab').waitFor({ timeout: 30_000 });
  assert.deepEqual(t.pageErrors, []);
}

/** The mailboxes and sequence panels follow a message through the network
 *  (either panel loads the build with the network); a panel typo is said. */
export async function mailboxesAndSequencePanels(page, t) {
  await page.goto(t.url + 'demo.html');
  const script = [
    'telnet smtp.isp.example 587', 'EHLO pc42.dsl.isp.example', 'AUTH PLAIN AHlvdQBzZWNyZXQ=',
    'MAIL FROM:<you@isp.example>', 'RCPT TO:<carol@example.org>', 'DATA',
    'Subject: Two hops', '', 'Through my provider.', '.', 'QUIT',
  ].join('\n');
  await page.evaluate((script) => {
    const add = (id, attributes) => {
      const lab = document.createElement('smtp-lab');
      lab.id = id;
      for (const [name, value] of Object.entries(attributes)) lab.setAttribute(name, value);
      document.querySelector('main').prepend(lab);
    };
    add('panel-typo', { panels: 'table tabel' });
    add('sequence-alone', { panels: 'sequence', script: 'telnet mx1.example.org 25\nQUIT' });
    add('relay', { network: '', panels: 'mailboxes sequence noexplain', script });
  }, script);
  const relay = page.locator('#relay');
  await relay.getByRole('log').getByText('Connection closed by foreign host.').waitFor({ timeout: 30_000 });
  await relay.getByRole('heading', { name: 'mx1.example.org' }).waitFor();
  await relay.getByRole('button', { name: /Two hops — from you@isp\.example/ }).click();
  const hops = relay.getByRole('list', { name: 'Hops' }).getByRole('listitem');
  assert.equal(await hops.count(), 2);
  assert.match(await hops.nth(1).textContent(), /smtp\.isp\.example.*mx1\.example\.org/);
  const hosts = await relay.locator('.diagram svg text.host').allTextContents();
  for (const host of ['pc42.dsl.isp.example', 'smtp.isp.example', 'mx1.example.org']) assert.ok(hosts.includes(host), `${host} in ${hosts}`);
  await relay.screenshot({ path: path.join(t.artifacts, 'widget-mailboxes-sequence.png') });
  await page.locator('#panel-typo').getByText('smtplab: unknown panel `tabel` in the panels attribute; use any of: diagram, table, mailboxes, sequence, noexplain.').waitFor();
  // The sequence panel alone takes the build with the network.
  await page.locator('#sequence-alone .diagram svg text.host', { hasText: 'mx1.example.org' }).waitFor();
  assert.deepEqual(t.pageErrors, []);
}
