import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@saf/console/build';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The console's 资金发放 page in Chromium: an officer generates a roll, a second approves it and
// downloads the bank file, the bank's return is uploaded and reconciled; the coordination office
// runs the payment check, reviews a finding and sees the funds paid as a chart.

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
type Fixture = ReturnType<typeof householdWithEverything>;
const [h1, h2] = [61, 62].map((n) => householdWithEverything(n)) as [Fixture, Fixture];
const ACC1 = '6228480000000061111';
const ACC2 = '6228480000000062222';
const account = (id: string, personId: string, accountNumber: string) => ({ type: 'bankAccount', id, department: 'CIVIL_AFFAIRS', personId, bank: '农村信用合作社', accountNumber, holderId: personId });
const payment = (id: string, f: Fixture, accountNumber: string) => ({
  type: 'payment', id, department: 'CIVIL_AFFAIRS', awardId: `CA-${f.householdId.slice(-2)}-MINIMUM_LIVING_URBAN`, personId: f.persons.head, period: '2025-05', amountFen: 50_000, accountNumber, paidDate: '2025-05-10', status: 'PAID',
});
// The two heads were registered with the same name and birth date; their May was paid from civil
// affairs' own system, H61's twice.
// April: labour pays six residents of 伊宁市 naming no award of its own (300 元 each, one of them
// also a failed try), housing two (400 元 each): payments without an award, 无对应救助记录的发放.
const residents = Array.from({ length: 8 }, (_, i) => {
  const householdId = `H6540020070${String(i).padStart(2, '0')}`;
  const birthDate = `1980-0${i + 1}-15`;
  const id = makeResidentId('654002', birthDate, 701 + 2 * i);
  return { id, records: [{ type: 'household', id: householdId, regionCode: '654002', hukou: 'URBAN', address: '伊宁市 新华路 7 号' }, { type: 'person', id, name: '马建华', gender: 'MALE', birthDate, householdId, relation: 'HEAD', deathDate: null }] };
});
const unawarded = (id: string, department: string, i: number, amountFen: number, status = 'PAID') => ({
  type: 'payment', id, department, awardId: `${id}-NONE`, personId: residents[i]!.id, period: '2025-04', amountFen, accountNumber: `6228480000000070${String(i).padStart(3, '0')}`, paidDate: status === 'PAID' ? '2025-04-10' : null, status,
});
const APRIL = [
  ...residents.flatMap((r) => r.records),
  ...[0, 1, 2, 3, 4, 5].map((i) => unawarded(`RS-NA-${i}`, 'LABOUR', i, 30_000)),
  unawarded('RS-NA-0F', 'LABOUR', 0, 30_000, 'FAILED'),
  ...[6, 7].map((i) => unawarded(`ZJ-NA-${i}`, 'HOUSING', i, 40_000)),
];
const RECORDS = [...h1.records, ...h2.records, account('BA-61', h1.persons.head, ACC1), account('BA-62', h2.persons.head, ACC2), payment('MZ-61-A', h1, ACC1), payment('MZ-61-B', h1, ACC1), payment('MZ-62-A', h2, ACC2), ...APRIL];

describe('the console’s payments page, in a browser', () => {
  let system: System;
  let browser: Browser;
  let origin: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    system = await startSystem();
    origin = new URL(system.gatewayUrl).origin;
    expect(await loadFile(await writeNdjson(RECORDS), system.loadOptions)).toMatchObject({ ok: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(caller: { role: string; region?: string; department?: string; sub?: string }, purpose: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(caller.role);
    await form.getByLabel('辖区代码').fill(caller.region ?? '');
    if (caller.department) await form.getByLabel('部门').selectOption(caller.department);
    if (caller.sub) await form.getByLabel('用户名（可选）').fill(caller.sub);
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  async function openFunds(page: Page, period: string, region = '654002'): Promise<void> {
    await page.getByRole('link', { name: '资金发放' }).click();
    await page.getByRole('heading', { name: '资金发放与监督' }).waitFor();
    await page.getByLabel('辖区代码').fill(region);
    await page.getByLabel('发放月份').fill(period);
    await page.getByRole('button', { name: '查看' }).click();
  }

  it('an officer generates June’s roll, another approves it and downloads the bank file, the return reconciles it', async () => {
    const maker = await signIn({ role: 'DEPARTMENT_OFFICER', region: '654002', department: 'CIVIL_AFFAIRS', sub: 'mz-maker' }, '民政救助资金发放');
    await openFunds(maker, '2025-06');
    await maker.getByRole('button', { name: /生成民政发放名册/ }).click();
    const summary = maker.locator('.roll p').first();
    await summary.getByText(/待审核/).waitFor();
    // The fixture's two heads look alike (a possible duplicate identity is not standing until a
    // sweep finds it): both lines are to pay, accounts masked.
    expect(await maker.locator('.roll tbody tr').count()).toBe(2);
    expect(await maker.locator('.roll tbody').textContent()).toContain('**** 1111');
    expect(await maker.content()).not.toContain(ACC1);
    // The maker cannot approve their own roll.
    await maker.getByLabel('审核意见').fill('自审');
    await maker.getByRole('button', { name: '批准名册' }).click();
    await maker.getByText('无权查看').first().waitFor();
    await maker.context().close();

    const checker = await signIn({ role: 'DEPARTMENT_OFFICER', region: '654002', department: 'CIVIL_AFFAIRS', sub: 'mz-checker' }, '民政救助资金发放');
    await openFunds(checker, '2025-06');
    await checker.getByRole('button', { name: /生成民政发放名册/ }).click();
    await checker.locator('.roll p').first().getByText(/待审核/).waitFor();
    await checker.getByLabel('审核意见').fill('已核对，同意发放');
    await checker.getByRole('button', { name: '批准名册' }).click();
    await checker.locator('.roll p').first().getByText(/已批准/).waitFor();
    const [download] = await Promise.all([checker.waitForEvent('download'), checker.getByRole('button', { name: '下载代发文件' }).click()]);
    const bankFile = (await readFile((await download.path())!)).toString('utf8');
    expect(bankFile.startsWith('\uFEFFline,reference,bank,accountNumber')).toBe(true);
    expect(bankFile).toContain(ACC1);
    expect(bankFile).toContain(ACC2);
    // The bank pays one line and fails the other.
    const rows = bankFile.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((r) => r.split(','));
    const back = ['line,reference,accountNumber,amountFen,status,paidDate', ...rows.map(([line, reference, , accountNumber, , , , amountFen], i) => `${line},${reference},${accountNumber},${amountFen},${i === 0 ? 'PAID,2025-06-10' : 'FAILED,'}`)].join('\r\n');
    await checker.getByLabel('上传银行回盘文件（CSV）').setInputFiles({ name: 'return.csv', mimeType: 'text/csv', buffer: Buffer.from(back) });
    await checker.locator('.roll p').first().getByText(/已对账/).waitFor();
    expect(await checker.locator('.roll tbody').textContent()).toMatch(/已发放[\s\S]*失败|失败[\s\S]*已发放/);
    await checker.screenshot({ path: `${ARTIFACTS}funds-roll.png`, fullPage: true });
    await checker.context().close();
  });

  it('the coordination office runs the payment check, reviews a finding, and sees the funds paid as a chart', async () => {
    const coordinator = await signIn({ role: 'COORDINATOR' }, '督查督办');
    await openFunds(coordinator, '2025-05');
    await coordinator.getByRole('button', { name: /运行资金核查/ }).click();
    await coordinator.getByText(/资金核查已完成/).waitFor({ timeout: 60_000 });
    const finding = coordinator.locator('li.payment-finding').filter({ hasText: '同期重复发放' });
    await finding.first().waitFor();
    await finding.getByLabel('核查意见').fill('第二笔为系统重复提交，已追回');
    await finding.getByRole('button', { name: '确认' }).click();
    await coordinator.locator('li.payment-finding').filter({ hasText: '已确认' }).first().waitFor();
    const chart = coordinator.locator('.funds-figures');
    await chart.locator('figure.chart').waitFor();
    expect(await chart.textContent()).toContain('城市居民最低生活保障');
    expect(await coordinator.content()).not.toContain(ACC1);
    await coordinator.screenshot({ path: `${ARTIFACTS}funds-findings.png`, fullPage: true });
    await coordinator.context().close();
    expect(pageErrors).toEqual([]);
  });

  /** The funds figures' bars (label: amount, as each bar's tooltip says) and table rows (cells), once shown. */
  async function figuresOf(page: Page): Promise<{ bars: string[]; rows: string[][] }> {
    const figures = page.locator('.funds-figures');
    await figures.locator('figure.chart').waitFor();
    return {
      bars: await figures.locator('figure.chart svg title').allTextContents(),
      rows: await figures.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent ?? ''))),
    };
  }

  it('shows the funds paid without an award as a bar of their own, exact for the coordination office, published for an analyst', async () => {
    const coordinator = await signIn({ role: 'COORDINATOR' }, '督查督办');
    await openFunds(coordinator, '2025-04');
    // 6 × 300 元 by labour and 2 × 400 元 by housing: one bar, 2,600 元, beside the programmes' (none paid in April).
    expect(await figuresOf(coordinator)).toEqual({
      bars: ['无对应救助记录的发放: ¥2,600.00'],
      rows: [
        ['住建', '无对应救助记录的发放', '654002', '¥800.00', '¥0.00', '2'],
        ['人社', '无对应救助记录的发放', '654002', '¥1,800.00', '¥300.00', '6'],
      ],
    });
    await coordinator.screenshot({ path: `${ARTIFACTS}funds-without-award.png`, fullPage: true });
    await coordinator.context().close();

    // An analyst: housing's two recipients are withheld (row and bar), labour's failed try of one
    // person shows as —, and the page says so; the same for the county, the prefecture and the province.
    for (const region of ['654002', '6540', '65']) {
      const analyst = await signIn({ role: 'ANALYST' }, '统计分析');
      await openFunds(analyst, '2025-04', region);
      expect(await figuresOf(analyst), region).toEqual({ bars: ['无对应救助记录的发放: ¥1,800.00'], rows: [['人社', '无对应救助记录的发放', '654002', '¥1,800.00', '—', '6']] });
      expect(await analyst.getByTestId('funds-published').textContent()).toContain('发放人数不足 5 人的行不予公布');
      expect(await analyst.locator('.funds-figures').textContent()).not.toContain('住建');
      if (region === '6540') await analyst.screenshot({ path: `${ARTIFACTS}funds-without-award-published.png`, fullPage: true });
      await analyst.context().close();
    }
    expect(pageErrors).toEqual([]);
  });
});
