// The page in Simplified Chinese: chosen by ?lang=zh-CN, switched with the
// header's language menu, kept in share links; SMTP on the wire stays English.
import assert from 'node:assert/strict';
import path from 'node:path';

async function send(page, line) {
  const input = page.locator('#command-input');
  await input.fill(line);
  await input.press('Enter');
}

/** ?lang=zh-CN shows Chinese labels; the 220 reply stays as sent, its explanation is Chinese. */
export async function chineseLabelsAndAnEnglishWire(page, t) {
  await page.goto(t.url + '?lang=zh-CN');
  await page.getByRole('tab', { name: '解释' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.getByText('在本页中直接用 SMTP 和模拟邮件服务器对话。').waitFor();
  await page.getByRole('button', { name: '分享链接' }).waitFor();
  await page.screenshot({ path: path.join(t.artifacts, 'i18n-first-screen-zh-CN.png') });
  await send(page, 'telnet localhost smtp');
  const log = page.getByRole('log');
  await log.getByText('220 mail.example.com ESMTP smtplab').waitFor();
  const panel = page.getByRole('tabpanel');
  await panel.getByText('服务就绪').waitFor();
  assert.match(await panel.textContent(), /服务器准备好对话了/);
  assert.match(await panel.textContent(), /RFC 5321 section 4\.2/);
  await page.screenshot({ path: path.join(t.artifacts, 'i18n-explained-zh-CN.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/** The language menu switches back to English at once and the address follows; a share link keeps the language. */
export async function switchBackAndShareKeepsTheLanguage(page, t) {
  await page.goto(t.url + '?lang=zh-CN');
  await page.getByRole('tab', { name: '解释' }).waitFor({ timeout: 10_000 });
  await send(page, 'telnet localhost smtp');
  await page.getByRole('button', { name: '分享链接' }).click();
  const link = await page.getByRole('textbox', { name: '分享链接' }).inputValue();
  assert.match(link, /#p=default&l=zh-CN&s=/);
  await page.getByLabel('Language / 语言').selectOption('en');
  await page.getByRole('tab', { name: 'Explain' }).waitFor();
  assert.match(page.url(), /lang=en/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('tabpanel').getByText('Service ready').waitFor();
  // The shared session opens in Chinese, replayed.
  const other = await t.context.newPage();
  await other.goto(link);
  await other.getByRole('tab', { name: '解释' }).waitFor({ timeout: 10_000 });
  await other.getByRole('log').getByText('220 mail.example.com ESMTP smtplab').waitFor();
  assert.deepEqual(t.pageErrors, []);
}

/** A table that cannot be fetched leaves the page in English with a notice. */
export async function aFailedLoadKeepsEnglish(page, t) {
  await page.route('**/i18n/zh-CN.json', (route) => route.fulfill({ status: 404, body: 'no' }));
  await page.goto(t.url + '?lang=zh-CN');
  await page.getByRole('status').getByText(/could not be loaded/).waitFor({ timeout: 10_000 });
  await page.getByRole('tab', { name: 'Explain' }).waitFor();
}

/** The Transcript tab's explainer module explains in Chinese; the pasted SMTP lines stay as pasted. */
export async function explainedTranscriptLinesReadInChinese(page, t) {
  await page.goto(t.url + '?lang=zh-CN');
  await page.getByRole('tab', { name: '会话记录' }).click({ timeout: 10_000 });
  const panel = page.getByRole('tabpanel');
  await panel.locator('#transcript-input').fill('S: 220 mx.example ESMTP\nC: EHLO me\nS: 250 mx.example\nC: DATA\n');
  await panel.getByRole('button', { name: '解释', exact: true }).click();
  const summary = panel.locator('.summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /读取了 4 行，格式为 C:\/S: 行/);
  const greeting = panel.locator('.x-line').first();
  assert.match(await greeting.locator('summary').textContent(), /S: 220 mx\.example ESMTP.*220 服务就绪/s);
  await greeting.locator('summary').click();
  assert.match(await greeting.textContent(), /含义.*出处.*RFC 5321/s);
  const data = panel.locator('.x-line').nth(3);
  await data.locator('summary').click();
  assert.match(await data.textContent(), /发现（错误）.*没有被接受的 MAIL 就发送邮件内容/s);
  await page.screenshot({ path: path.join(t.artifacts, 'i18n-transcript-zh-CN.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/** The pretend shell's help and hints are Chinese; telnet's own lines and the server's reply are not. */
export async function shellHintsReadInChinese(page, t) {
  await page.goto(t.url + '?lang=zh-CN');
  await page.getByRole('tab', { name: '解释' }).waitFor({ timeout: 10_000 });
  const log = page.getByRole('log');
  await send(page, 'help');
  await log.getByText('这是一个模拟终端，本机上有一台邮件服务器。').waitFor();
  await send(page, 'ls');
  await log.getByText('ls：找不到命令。试试 telnet localhost smtp，或者输入 help').waitFor();
  await send(page, 'telnet localhost smtp');
  await log.getByText('Connected to localhost.').waitFor();
  await log.getByText('220 mail.example.com ESMTP smtplab').waitFor();
  await page.screenshot({ path: path.join(t.artifacts, 'i18n-shell-zh-CN.png') });
  assert.deepEqual(t.pageErrors, []);
}

/** The widget's lang attribute (here through the iframe form's URL) makes the console Chinese. */
export async function theWidgetTakesALang(page, t) {
  await page.goto(t.url + 'embed.html?lang=zh-CN&script=' + encodeURIComponent('telnet localhost smtp'));
  const lab = page.locator('smtp-lab');
  assert.equal(await lab.getAttribute('lang'), 'zh-CN');
  await lab.getByRole('log').getByText('220 mail.example.com ESMTP smtplab').waitFor({ timeout: 15_000 });
  await lab.getByText('服务器准备好对话了', { exact: false }).first().waitFor();
  const input = lab.locator('input').first();
  await input.fill('QUIT');
  await input.press('Enter');
  await input.fill('ls');
  await input.press('Enter');
  await lab.getByRole('log').getByText('ls：找不到命令。试试 telnet localhost smtp，或者输入 help').waitFor();
  await page.screenshot({ path: path.join(t.artifacts, 'i18n-widget-zh-CN.png') });
  // Without lang, an English browser gets English.
  await page.goto(t.url + 'embed.html?script=' + encodeURIComponent('telnet localhost smtp'));
  await page.locator('smtp-lab').getByRole('log').getByText('220 mail.example.com ESMTP smtplab').waitFor({ timeout: 15_000 });
  await page.locator('smtp-lab').getByText('The server is ready', { exact: false }).first().waitFor();
  assert.deepEqual(t.pageErrors, []);
}

/** Without lang, a widget follows the browser's language; the click-to-load preview too. */
export async function theWidgetFollowsTheBrowsersLanguage(page, t) {
  await t.context.addInitScript(() => Object.defineProperty(navigator, 'language', { get: () => 'zh-CN' }));
  await page.goto(t.url + 'embed.html?click-to-load&script=' + encodeURIComponent('telnet localhost smtp'));
  const lab = page.locator('smtp-lab');
  await lab.getByRole('button', { name: '启动控制台' }).click({ timeout: 10_000 });
  await lab.getByRole('log').getByText('220 mail.example.com ESMTP smtplab').waitFor({ timeout: 15_000 });
  await lab.getByText('服务器准备好对话了', { exact: false }).first().waitFor();
  assert.equal(await lab.locator('.widget-root').getAttribute('lang'), 'zh-CN');
  assert.deepEqual(t.pageErrors, []);
}
