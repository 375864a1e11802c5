import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Caller } from '@saf/auth';
import { ensureConsoleBuilt } from '@saf/console/build';
import { loadFile } from '@saf/loader';
import { localiseDates } from '../console/src/lib/format.ts';
import { splitOperation } from '../console/src/lib/operations.ts';
import { countyName, regionLabel, regionName } from '../console/src/lib/regions.ts';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The console's day-to-day work in Debian's Chromium (playwright-core), against the whole system
// started in-process, offline: the caseworker's worklist and a finding's history, sign-in regions
// per role, the access log an auditor reads, names and numbers as people write them, the list of
// sweeps and the statistics CSV download.

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CASEWORKER: Caller = { sub: 'caseworker-654002', role: 'CASEWORKER', region: '654002' };

/** A household of the fixture with one planted duplicate, and optionally more records. */
function household(n: number, plant: 'lowRent' | 'rural', extra: (h: ReturnType<typeof householdWithEverything>) => object[] = () => []) {
  const h = householdWithEverything(n);
  const base = { type: 'award', householdId: h.householdId, regionCode: '654002', amountFen: 50_000, frequency: 'MONTHLY', startDate: '2024-06-01', endDate: null, status: 'ACTIVE' };
  const planted =
    plant === 'lowRent'
      ? // The spouse holds low-rent housing while the head has the rental subsidy (同户互斥住房保障, 住建).
        { ...base, id: `HO-${n}-LOW_RENT`, department: 'HOUSING', programme: 'LOW_RENT_HOUSING', personId: h.persons.spouse, details: { unit: '解放路小区 3-201' } }
      : // The head holds urban and rural 低保 at once (互斥项目同时享受, 民政).
        { ...base, id: `CA-${n}-MINIMUM_LIVING_RURAL`, department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_RURAL', personId: h.persons.head, details: {} };
  return { ...h, records: [...h.records, planted, ...extra(h)] };
}

// Three households, each with one duplicate; A also has an insurance premium subsidy for 2025.
const A = household(21, 'lowRent', (h) => [
  { type: 'award', id: 'HE-21-PREMIUM', department: 'HEALTH', programme: 'INSURANCE_PREMIUM_SUBSIDY', personId: h.persons.head, householdId: h.householdId, regionCode: '654002', amountFen: 38_000, frequency: 'YEARLY', startDate: '2025-01-01', endDate: '2025-12-31', status: 'ACTIVE', details: { scheme: 'URBAN_RURAL_RESIDENT', year: 2025 } },
]);
const B = household(22, 'rural');
const C = household(23, 'lowRent');
/** The order their findings are first found in (not the order of their ids or numbers). */
const FOUND_ORDER = [B, C, A];

const MASKED_OR_HOUSEHOLD = /^(\d{6}\*{8}[\dX]{4}|H\d{12})$/;

describe('the console at work, in a browser', () => {
  let system: System;
  let browser: Browser;
  let origin: string;
  const elsewhere: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    system = await startSystem();
    origin = new URL(system.gatewayUrl).origin;
    expect(await loadFile(await writeNdjson([...A.records, ...B.records, ...C.records]), system.loadOptions)).toMatchObject({ ok: true });
    // A caseworker opens the households one after another: each finding is filed as it is first seen.
    for (const h of FOUND_ORDER) {
      const seen = await system.query(`query ($id: ID!) { household(id: $id) { duplicateAidFindings { id firstSeenAt } } }`, { id: h.householdId }, { caller: CASEWORKER });
      expect(seen.errors).toBeUndefined();
      expect(seen.data!.household.duplicateAidFindings).toHaveLength(1);
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      elsewhere.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  /** The development sign-in; the region field is left as the form fills it unless `region` is given. */
  async function signIn(caller: { role: string; region?: string }, purpose: string): Promise<Page> {
    const page = await openPage();
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(caller.role);
    if (caller.region !== undefined) await form.getByLabel('辖区代码').fill(caller.region);
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const column = (page: Page, table: string, n: number) => page.locator(`table.${table} tbody tr td:nth-child(${n})`).allTextContents();

  it('pre-fills the region per role, says what an empty one means, and lets a coordinator sweep anywhere', async () => {
    const page = await openPage();
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    const region = form.getByLabel('辖区代码');
    await expect(form.textContent()).resolves.toContain('留空表示不限辖区');
    for (const [role, expected] of [['COORDINATOR', ''], ['ANALYST', ''], ['AUDITOR', ''], ['CASEWORKER', '654002'], ['COORDINATOR', '']]) {
      await form.getByLabel('角色').selectOption(role!);
      expect(await region.inputValue(), role).toBe(expected);
    }
    await expect(page.getByTestId('region-scope').textContent()).resolves.toContain('全部地区');
    await region.fill('6540');
    await expect(page.getByTestId('region-scope').textContent()).resolves.toContain('伊犁哈萨克自治州');
    await region.fill('');
    await page.context().close();

    // Signed in as the form leaves it: no region, so the prefecture may be swept from the dashboard.
    const coordinator = await signIn({ role: 'COORDINATOR' }, '重复救助核查');
    expect(await coordinator.getByTestId('who').textContent()).toBe('dev-coordinator · 领导小组办公室');
    await coordinator.getByRole('heading', { name: '工作概览' }).waitFor();
    await coordinator.getByLabel('辖区代码').fill('6540');
    await coordinator.getByRole('button', { name: '查看' }).click();
    await coordinator.getByRole('button', { name: /运行比对/ }).click();
    await coordinator.getByTestId('sweep-progress').getByText('已完成').waitFor({ timeout: 60_000 });
    expect(await coordinator.getByText('无权查看').count()).toBe(0);
    // The list of sweeps shows it, with its id, by the region's name.
    const row = coordinator.locator('table.sweeps tbody tr').first();
    await row.and(coordinator.locator('[data-status="DONE"]')).waitFor();
    await expect(row.textContent()).resolves.toContain('伊犁哈萨克自治州 (6540)');
    const sweepId = (await row.getAttribute('data-sweep-id'))!;
    expect(sweepId).toMatch(/^S-/);
    await expect(row.locator('.sweep-id').textContent()).resolves.toBe(sweepId);
    const stored = await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { regionCode status } }`, { id: sweepId });
    expect(stored.data!.duplicateAidSweep).toEqual({ regionCode: '6540', status: 'DONE' });
    await shot(coordinator, 'work-sweeps');
    await coordinator.context().close();
  });

  it('gives the caseworker a worklist: open findings oldest first, by rule and department, each linking to its household', async () => {
    const page = await signIn({ role: 'CASEWORKER' }, '重复救助核查');
    await page.getByRole('link', { name: '待核查线索' }).click();
    await page.getByRole('heading', { name: '待核查线索' }).waitFor();
    await page.locator('table.worklist tbody tr').first().waitFor();
    expect(await column(page, 'worklist', 4)).toEqual(FOUND_ORDER.map((h) => h.householdId));
    await expect(page.locator('table.worklist caption').textContent()).resolves.toContain('共 3 条');
    expect(await column(page, 'worklist', 3)).toEqual(['互斥项目同时享受', '同户互斥住房保障', '同户互斥住房保障']);
    await shot(page, 'worklist');

    await page.getByLabel('规则').selectOption('HOUSEHOLD_EXCLUSIVE_PROGRAMMES');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/rule=HOUSEHOLD_EXCLUSIVE_PROGRAMMES/);
    await expect.poll(() => column(page, 'worklist', 4)).toEqual([C.householdId, A.householdId]);
    await page.getByLabel('规则').selectOption('');
    await page.getByLabel('涉及部门').selectOption('CIVIL_AFFAIRS');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => column(page, 'worklist', 4)).toEqual([B.householdId]);
    expect(await column(page, 'worklist', 7)).toEqual(['民政']);
    // Back returns to the list filtered by rule (the filter is in the address).
    await page.goBack();
    await expect.poll(() => column(page, 'worklist', 4)).toEqual([C.householdId, A.householdId]);

    await page.getByRole('link', { name: A.householdId }).click();
    await page.getByRole('heading', { name: `家庭 ${A.householdId}` }).waitFor();
    await page.context().close();
  });

  it('shows a reviewed finding’s history: the decision, its note, who and when', async () => {
    const page = await signIn({ role: 'CASEWORKER' }, '重复救助核查');
    await page.goto(`${origin}/households/${A.householdId}`);
    const finding = page.locator('article.finding');
    await finding.first().waitFor();
    expect(await finding.count()).toBe(1);
    // Before the review: only when it was first found (here: on the first look at the household).
    await expect(finding.locator('.finding-history li').allTextContents()).resolves.toEqual([expect.stringMatching(/^发现线索 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d$/)]);
    const note = '廉租房与租赁补贴同时发放，已通知住建停发补贴';
    await finding.getByLabel('核查意见（必填）').fill(note);
    await finding.getByRole('button', { name: '确认重复' }).click();
    await page.locator('article.finding .finding-status-confirmed').waitFor();
    // On a fresh page, as anyone opening the household later sees it.
    await page.reload();
    const history = page.locator('article.finding .finding-history li');
    await history.nth(1).waitFor();
    const entries = await history.allTextContents();
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatch(/^确认重复 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d · dev-caseworker（社会救助经办人员）/);
    expect(entries[1]).toContain(note);
    await expect(page.locator('article.finding .badge').textContent()).resolves.toBe('已确认');
    // The time shown is the one stored.
    const stored = await system.query(`{ duplicateAidFindings(regionCode: "654002", status: CONFIRMED) { edges { node { householdId history { event at } } } } }`);
    const event = stored.data!.duplicateAidFindings.edges[0].node.history.at(-1);
    expect(event.event).toBe('CONFIRMED');
    await expect(history.nth(1).locator('time').getAttribute('datetime')).resolves.toBe(event.at);
    await shot(page, 'finding-history');

    // The worklist no longer holds it.
    await page.goto(`${origin}/worklist`);
    await page.locator('table.worklist tbody tr').first().waitFor();
    await expect.poll(() => column(page, 'worklist', 4)).toEqual([B.householdId, C.householdId]);
    await page.context().close();
  });

  it('writes years without separators, regions by name, and one date style in a sentence', async () => {
    const page = await signIn({ role: 'CASEWORKER' }, '入户调查');
    await expect(page.getByTestId('who').textContent()).resolves.toBe('dev-caseworker · 社会救助经办人员 · 伊宁市 (654002)');
    await expect(page.locator('.region-fixed').textContent()).resolves.toBe('查找范围：伊宁市 (654002)');
    await page.goto(`${origin}/households/${B.householdId}`);
    await page.getByRole('heading', { name: `家庭 ${B.householdId}` }).waitFor();
    await expect(page.locator('.page-head .muted').textContent()).resolves.toContain('区划：伊宁市');
    const explanation = (await page.locator('article.finding .explanation').textContent())!;
    expect(explanation).toContain('2024年6月1日');
    expect(explanation).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await page.goto(`${origin}/households/${A.householdId}`);
    const premium = page.locator('li.award[data-award-key="HEALTH:HE-21-PREMIUM"]');
    await premium.waitFor();
    const details = (await premium.locator('.details').textContent())!;
    expect(details).toContain('参保年度2025');
    expect(details).not.toContain('2,025');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: `Household ${A.householdId}` }).waitFor();
    await expect(premium.locator('.details').textContent()).resolves.not.toContain('2,025');
    const english = (await page.locator('article.finding .explanation').textContent())!;
    expect(english).toContain('1 Jun 2024');
    expect(english).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();

    const coordinator = await signIn({ role: 'COORDINATOR' }, '统计分析');
    await coordinator.getByLabel('辖区代码').fill('6540');
    await coordinator.getByRole('button', { name: '查看' }).click();
    const centralized = coordinator.locator('figure.chart', { hasText: '特困人员集中供养率' });
    await centralized.filter({ hasText: '伊犁哈萨克自治州（全辖区）' }).waitFor();
    await expect(centralized.textContent()).resolves.not.toContain('全辖区 6540');
    await expect(coordinator.locator('figure.chart', { hasText: '按县市' }).textContent()).resolves.toContain('伊宁市 (654002)');
    await coordinator.getByLabel('辖区代码').fill('65');
    await coordinator.getByRole('button', { name: '查看' }).click();
    await centralized.filter({ hasText: '新疆维吾尔自治区（全辖区）' }).waitFor();
    await shot(coordinator, 'work-names');
    await coordinator.context().close();
  });

  it('gives the auditor operations in words, a batch’s subjects collapsed and masked, and headers on one line', async () => {
    const auditor = await signIn({ role: 'AUDITOR' }, '审计监督');
    await auditor.getByLabel('公民身份号码或户号').fill(A.persons.head);
    await auditor.getByRole('button', { name: '查询' }).click();
    const log = auditor.locator('table.log');
    await log.waitFor();
    // Newest first, 20 a page: the findings read since the sweep are logged under the head too
    // (everyone a finding names), so the sweep's entry may be on a later page.
    const more = auditor.getByRole('button', { name: '加载更多' });
    for (let i = 0; i < 10 && (await auditor.locator('table.log td.col-operation', { hasText: '比对（批量读取）' }).count()) === 0 && (await more.isVisible()); i++) {
      const rows = await auditor.locator('table.log tbody tr').count();
      await more.click();
      await auditor.waitForFunction((n) => document.querySelectorAll('table.log tbody tr').length > n, rows);
    }
    const operations = await auditor.locator('table.log td.col-operation').allTextContents();
    expect(operations).toContain('查看家庭救助情况');
    expect(operations).toContain('比对（批量读取）');
    // The coordination office's own reads on the coordinator's behalf too.
    expect(operations).toContain('应保尽保统计（受助家庭成员）');
    for (const raw of ['HouseholdPicture', 'SweepBatch', 'SweepPlan', 'Assisted', 'Holders']) expect(operations).not.toContain(raw);
    // The sweep's batch named every person of the three households: a count, closed.
    const batch = auditor.locator('table.log tbody tr', { hasText: '比对（批量读取）' }).first();
    const subjects = batch.locator('td.col-subjectIds details');
    await expect(subjects.locator('summary').textContent()).resolves.toMatch(/^\d+ 个对象$/);
    const count = Number((await subjects.locator('summary').textContent())!.split(' ')[0]);
    expect(count).toBeGreaterThan(3);
    expect(await subjects.locator('li').first().isVisible()).toBe(false);
    await subjects.locator('summary').click();
    const listed = await subjects.locator('li').allTextContents();
    expect(listed).toHaveLength(count);
    for (const id of listed) expect(id).toMatch(MASKED_OR_HOUSEHOLD);
    // Nowhere in the rows in full (the caption names the one the auditor typed).
    const text = (await log.locator('tbody').textContent())!;
    for (const person of Object.values(A.persons)) expect(text).not.toContain(person);
    // Readable columns: every header on one line, and the page no wider than the window.
    const wrapped = await auditor.evaluate(() =>
      [...document.querySelectorAll('table.log thead th')].flatMap((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return lines.size > 1 ? [th.textContent] : [];
      }),
    );
    expect(wrapped).toEqual([]);
    // No cell squeezed to a character a line (at most three lines each), and the table fits its box.
    const squeezed = await auditor.evaluate(() =>
      [...document.querySelectorAll('table.log tbody td')].flatMap((td) => {
        if (td.querySelector('details')) return [];
        const range = document.createRange();
        range.selectNodeContents(td);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return lines.size > 3 ? [`${td.className}: ${td.textContent}`] : [];
      }),
    );
    expect(squeezed).toEqual([]);
    expect(await auditor.evaluate(() => document.querySelector('table.log')!.getBoundingClientRect().width <= document.querySelector('.table-scroll')!.clientWidth)).toBe(true);
    expect(await auditor.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(auditor, 'work-access-log');
    await auditor.context().close();
  });

  it('downloads a statistic as the graph’s CSV, byte order mark kept, named by region and date', async () => {
    const analyst = await signIn({ role: 'ANALYST' }, '统计分析');
    await analyst.getByRole('heading', { name: '救助统计' }).waitFor();
    await analyst.getByLabel('辖区代码').fill('654002');
    await analyst.getByRole('button', { name: '查看' }).click();
    await analyst.getByLabel('导出的统计').selectOption('ASSISTANCE_STATISTICS');
    const [download] = await Promise.all([analyst.waitForEvent('download'), analyst.getByRole('button', { name: '下载 CSV' }).click()]);
    const name = download.suggestedFilename();
    const [, date] = /^各项目救助统计_654002_(\d{4}-\d{2}-\d{2})\.csv$/.exec(name) ?? [];
    expect(date, name).toBeDefined();
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const graph = await system.query(`query ($date: String) { statisticsCsv(statistic: ASSISTANCE_STATISTICS, regionCode: "654002", date: $date) }`, { date }, { caller: { sub: 'dev-analyst', role: 'ANALYST' } });
    expect(graph.errors).toBeUndefined();
    expect(bytes.toString('utf8')).toBe(graph.data!.statisticsCsv);
    expect(bytes.toString('utf8')).toContain('\r\n');
    await analyst.context().close();
  });

  it('worked offline, with no page error or CSP violation', () => {
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('the console’s names and dates in a sentence', () => {
  it('reads an access log operation split over several entries as its name and its part', () => {
    expect(splitOperation('SweepBatch (part 2 of 3)')).toEqual({ name: 'SweepBatch', part: { part: '2', parts: '3' } });
    expect(splitOperation('HouseholdPicture')).toEqual({ name: 'HouseholdPicture' });
    expect(splitOperation('{household}')).toEqual({ name: '{household}' });
  });

  it('writes the ISO dates inside a sentence from the graph as the console writes dates, and nothing else', () => {
    expect(localiseDates('张三 同时领取…（2024-03-01 至今 重叠），请联系民政核实。')).toBe('张三 同时领取…（2024年3月1日 至今 重叠），请联系民政核实。');
    expect(localiseDates('(2024-01-01 to 2024-06-30)', 'en')).toBe('(1 Jan 2024 to 30 Jun 2024)');
    // Not a date, or part of an id: left as it is.
    for (const text of ['2024-02-30', 'CA-2024-01-01', '2024-01-01-7', '12024-01-01', 'H654002000007']) expect(localiseDates(text), text).toBe(text);
  });

  it('names Xinjiang, Ili and its counties, a township by its county, and keeps an unknown code', () => {
    expect(regionName('65', 'zh')).toBe('新疆维吾尔自治区');
    expect(regionLabel('6540', 'zh')).toBe('伊犁哈萨克自治州 (6540)');
    expect(regionLabel('654002', 'en')).toBe('Yining City (654002)');
    expect(regionName('654002001', 'zh')).toBe('伊宁市 654002001');
    expect(regionLabel('654002001', 'zh')).toBe('伊宁市 654002001');
    expect(regionName('110101', 'zh')).toBe('110101');
    expect(countyName('654023001001', 'zh')).toBe('霍城县 (654023)');
    expect(countyName('6540', 'zh')).toBe('伊犁哈萨克自治州 (6540)');
  });
});
