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
