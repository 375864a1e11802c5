import http from 'node:http';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@saf/console/build';
import { gatewayConfig } from '@saf/gateway/config';
import { loadFile } from '@saf/loader';
import { HttpError, closeServer, listen, sendJson } from '@saf/service';
import { serveConsole } from '../gateway/src/console.ts';
import { ageOn, formatDate, formatFen, maskId, parseYuan } from '../console/src/lib/format.ts';
import { incomePerHead } from '../console/src/lib/means.ts';
import { purposesFor } from '@saf/auth';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The caseworker console in Debian's Chromium (playwright-core), against the whole system
// started in-process, with every request to anything but the gateway blocked (offline office).

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const fixture = householdWithEverything(7);
const { head, spouse } = fixture.persons;
// Planted duplicate: the spouse also holds low-rent housing while the head has the rental subsidy.
const lowRent = { ...(fixture.records[9] as object), id: 'HO-7-LOW_RENT', programme: 'LOW_RENT_HOUSING', personId: spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: { unit: '解放路小区 3-201' } };
// The household's means (经济状况): labour's incomes, housing's property, civil affairs' 低保 standard.
const { elder } = fixture.persons;
const MEANS = [
  { type: 'income', id: 'RS-INC-C1', department: 'LABOUR', personId: head, source: 'WAGE', monthlyFen: 120_000, startDate: '2025-03-01', endDate: null },
  { type: 'income', id: 'RS-INC-C2', department: 'LABOUR', personId: elder, source: 'PENSION', monthlyFen: 23_500, startDate: '2010-02-01', endDate: null },
  { type: 'income', id: 'RS-INC-C3', department: 'LABOUR', personId: spouse, source: 'UNEMPLOYMENT_INSURANCE', monthlyFen: 153_000, startDate: '2024-01-01', endDate: '2024-09-30' },
  { type: 'property', id: 'ZJ-PR-C1', department: 'HOUSING', personId: head, kind: 'RESIDENTIAL', areaSqm: 85.5, acquiredDate: '2015-06-01', disposedDate: null },
  { type: 'standard', id: 'MZ-STD-C1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', monthlyFen: 72_000, startDate: '2025-01-01', endDate: null },
];
const DEPARTMENTS = ['CIVIL_AFFAIRS', 'LABOUR', 'HEALTH', 'EDUCATION', 'HOUSING', 'JUSTICE', 'DISABLED_PERSONS_FEDERATION'];

describe('the caseworker console in a browser', () => {
  let system: System;
  let browser: Browser;
  let origin: string;
  /** Requests the pages tried to make to anything but the gateway (all aborted). */
  const elsewhere: string[] = [];
  /** Console errors and uncaught exceptions (CSP violations show up here). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    system = await startSystem();
    origin = new URL(system.gatewayUrl).origin;
    expect(await loadFile(await writeNdjson([...fixture.records, lowRent, ...MEANS]), system.loadOptions)).toMatchObject({ ok: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function openPage(options: { lang?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: options.lang ?? 'zh-CN', viewport: { width: 1280, height: 900 } });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
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

  /** Signs in with the development form (the gateway mints the token), declaring a purpose. */
  async function signIn(caller: { role: string; region?: string; department?: string }, purpose = '入户调查'): Promise<Page> {
    const page = await openPage();
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(caller.role);
    await form.getByLabel('辖区代码').fill(caller.region ?? '');
    if (caller.department) await form.getByLabel('部门').selectOption(caller.department);
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

  /**
   * Text whose colour against its (nearest opaque) background is under WCAG AA's 4.5:1. SVG
   * text is drawn on white with colours chosen for it; form controls' placeholder text is skipped.
   */
  const lowContrast = (page: Page) =>
    page.evaluate(() => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const c = [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
      };
      const background = (el: Element | null): number[] => {
        for (let e = el; e; e = e.parentElement) {
          const bg = rgb(getComputedStyle(e).backgroundColor);
          if (bg.length >= 3 && (bg.length < 4 || bg[3]! > 0.9)) return bg;
        }
        return [255, 255, 255];
      };
      const failures: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || !node.textContent?.trim() || el.closest('svg') || el.closest('[disabled]')) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || el.getClientRects().length === 0) continue;
        const [l1, l2] = [lum(rgb(style.color)), lum(background(el))];
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        if (ratio < 4.5) failures.push(`${node.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
      }
      return failures;
    });

  it('signs in, finds a household by name with ID numbers masked, and shows all seven departments’ aid', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654002' });
    await expect(page.getByTestId('who').textContent()).resolves.toContain('654002');
    // Keyboard only: the skip link comes first, the search is a real form (Enter submits).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到主要内容');
    await page.getByLabel('户号、身份证号或姓名').focus();
    await page.keyboard.type('王芳');
    await page.keyboard.press('Enter');
    const row = page.locator('table.results tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const rowText = (await row.first().textContent())!;
    expect(rowText).toContain(fixture.householdId);
    expect(rowText).toContain(`${head.slice(0, 6)}********${head.slice(14)}`);
    expect(await page.content()).not.toContain(head);
    await shot(page, 'search');

    await page.getByRole('link', { name: fixture.householdId }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `家庭 ${fixture.householdId}` }).waitFor();
    // Members with relation labels, full ID numbers and ages.
    const members = page.locator('table.members');
    for (const text of ['户主', '配偶', '子女', '父母', head, '阿依古丽·买买提', '1970年5月1日']) await expect(members.textContent()).resolves.toContain(text);
    // One section per department, each with its award card(s), amounts in yuan, Chinese dates.
    for (const dept of DEPARTMENTS) expect(await page.locator(`section[data-department="${dept}"] li.award`).count(), dept).toBeGreaterThanOrEqual(1);
    const awards = page.locator('.departments');
    for (const text of ['民政', '人社', '卫健/医保', '教育', '住建', '司法', '残联', '城市居民最低生活保障', '¥500.00', '¥2,300.00', '2024年1月1日', '至今', '伊宁市第三小学', '保洁员']) {
      await expect(awards.textContent()).resolves.toContain(text);
    }
    // The timeline: a bar per award (7 + the planted one).
    expect(await page.locator('figure.timeline svg g[data-award-key]').count()).toBe(8);
    expect(pageErrors).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'household');

    // English on request: the lang attribute and the words follow.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: `Household ${fixture.householdId}` }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('.departments').textContent()).resolves.toContain('CN¥500.00');
    await shot(page, 'household-en');
    await page.getByRole('button', { name: '中文' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.context().close();
  });

  it('shows the household’s economic situation: incomes per member, property, income per head against the local 低保 standard', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654002' }, '低保审核');
    await page.goto(`${origin}/households/${fixture.householdId}`);
    const section = page.locator('section.means');
    await section.getByRole('heading', { name: '经济状况' }).waitFor();
    await section.getByTestId('means-summary').waitFor();
    const incomes = section.locator('table.incomes');
    for (const text of ['阿依古丽·买买提（户主）', '工资', '¥1,200.00', '2025年3月1日 至 今', '养老金', '¥235.00', '失业保险金', '已结束']) await expect(incomes.textContent()).resolves.toContain(text);
    await expect(section.locator('table.properties').textContent()).resolves.toMatch(/住宅.*85\.5 平方米.*2015年6月1日.*仍持有/);
    // (1,200 + 235) yuan over four living members; the unemployment benefit ended in 2024.
    const summary = section.getByTestId('means-summary');
    for (const text of ['¥358.75', '¥1,435.00', '4 人', '城市居民最低生活保障', '¥720.00', '654002', '低于当地低保标准']) await expect(summary.textContent()).resolves.toContain(text);
    await expect(section.textContent()).resolves.toContain('以家庭经济状况核对的结论为准');
    expect(pageErrors).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await section.screenshot({ path: `${ARTIFACTS}household-means.png` });
    await page.getByRole('button', { name: 'English' }).click();
    await section.getByRole('heading', { name: 'Economic situation' }).waitFor();
    for (const text of ['Wage', 'Pension', 'Residence', '85.5 m²', 'Below the local minimum living standard']) await expect(section.textContent()).resolves.toContain(text);
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();
  });

  it('highlights the planted finding on the awards it concerns and dismisses it with a required note', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654002' }, '重复救助核查');
    await page.goto(`${origin}/households/${fixture.householdId}`);
    const finding = page.locator('article.finding');
    await finding.first().waitFor();
    expect(await finding.count()).toBe(1);
    await expect(finding.textContent()).resolves.toContain('同户互斥住房保障');
    await expect(finding.locator('.explanation').textContent()).resolves.toMatch(/住建/);
    await expect(finding.locator('.contact').textContent()).resolves.toBe('住建');
    for (const key of ['HOUSING:HO-7-LOW_RENT', 'HOUSING:HO-7-RENTAL_SUBSIDY']) {
      await expect(page.locator(`li.award[data-award-key="${key}"]`).getAttribute('class')).resolves.toContain('has-finding');
    }
    await expect(page.locator('li.award[data-award-key="CIVIL_AFFAIRS:CA-7-MINIMUM_LIVING_URBAN"]').getAttribute('class')).resolves.not.toContain('has-finding');

    // A live finding is reviewed once a sweep has stored it: the caseworker sweeps their area here.
    const sweep = finding.getByRole('button', { name: /比对辖区/ });
    if (await sweep.isVisible()) {
      await sweep.click();
      await finding.getByLabel('核查意见（必填）').waitFor({ timeout: 60_000 });
    }
    await shot(page, 'finding');
    await finding.getByRole('button', { name: '排除' }).click();
    await expect(finding.getByRole('alert').textContent()).resolves.toContain('请填写核查意见');
    await finding.getByLabel('核查意见（必填）').fill('廉租房已于 2024 年 12 月退出，补贴按月结清，不属重复救助');
    await finding.getByRole('button', { name: '排除' }).click();
    await page.locator('article.finding .finding-status-dismissed').waitFor();
    await expect(page.locator('li.award[data-award-key="HOUSING:HO-7-LOW_RENT"]').getAttribute('class')).resolves.not.toContain('has-finding');

    const stored = await system.query(`{ duplicateAidFindings(regionCode: "654002", status: DISMISSED) { edges { node { awardIds history { event note actor } } } } }`);
    expect(stored.errors).toBeUndefined();
    const node = stored.data!.duplicateAidFindings.edges[0].node;
    expect(node.awardIds).toEqual(['HO-7-LOW_RENT', 'HO-7-RENTAL_SUBSIDY']);
    expect(node.history.at(-1)).toMatchObject({ event: 'DISMISSED', note: '廉租房已于 2024 年 12 月退出，补贴按月结清，不属重复救助', actor: 'dev-caseworker' });
    await shot(page, 'finding-dismissed');
    await page.context().close();
  });

  it('checks a proposed award before granting it and shows the finding it would cause', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654002' }, '低保审核');
    await page.goto(`${origin}/households/${fixture.householdId}`);
    await page.getByRole('link', { name: '核查拟发放救助' }).click();
    await page.getByLabel('救助对象').locator('option', { hasText: '阿依古丽·买买提' }).waitFor({ state: 'attached' });
    await page.getByLabel('部门').selectOption('CIVIL_AFFAIRS');
    // The programme list follows the department (catalogue bundled in the page).
    const programmes = await page.getByLabel('救助项目').locator('option').allTextContents();
    expect(programmes).toContain('农村最低生活保障');
    expect(programmes).not.toContain('法律援助');
    await page.getByLabel('救助项目').selectOption('MINIMUM_LIVING_RURAL');
    await page.getByLabel('救助对象').selectOption(head);
    await page.getByLabel('开始日期').fill('2025-01-01');
    await page.getByLabel('金额（元）').fill('400.005');
    await page.getByRole('button', { name: '核查', exact: true }).click();
    await expect(page.locator('#check-errors').textContent()).resolves.toContain('金额');
    await page.getByLabel('金额（元）').fill('400.50');
    await page.getByRole('button', { name: '核查', exact: true }).click();
    const found = page.locator('article.finding');
    await found.first().waitFor();
    expect(await found.count()).toBe(1);
    await expect(found.textContent()).resolves.toContain('互斥项目同时享受');
    await expect(found.textContent()).resolves.toContain('拟发放的救助');
    await expect(found.textContent()).resolves.toContain('2025年1月1日');
    await shot(page, 'check');
    await page.context().close();
  });

  it('renders the coordinator’s dashboard: a sweep with its progress, findings by rule and county', async () => {
    const page = await signIn({ role: 'COORDINATOR', region: '6540' }, '重复救助核查');
    await page.getByRole('heading', { name: '工作概览' }).waitFor();
    await page.getByRole('button', { name: /运行比对/ }).click();
    await page.getByTestId('sweep-progress').getByText('已完成').waitFor({ timeout: 60_000 });
    await page.getByTestId('findings-total').waitFor();
    await expect(page.locator('figure.chart', { hasText: '按规则' }).textContent()).resolves.toContain('同户互斥住房保障');
    await expect(page.locator('figure.chart', { hasText: '按县市' }).textContent()).resolves.toContain('伊宁市');
    // Coverage: the charts, or a clear word that statistics are not deployed yet.
    await page.locator('figure.chart', { hasText: '各项目救助人数' }).or(page.getByText('功能尚未上线')).or(page.getByText('该辖区在该日期没有救助统计')).first().waitFor();
    // The policy targets: 集中供养率 against its goal, relief within 24 hours, coverage gaps.
    await page.locator('figure.chart', { hasText: '特困人员集中供养率' }).waitFor();
    await page.locator('figure.chart', { hasText: '24 小时内到位' }).waitFor();
    await expect(page.locator('figure.chart', { hasText: '应保尽保' }).textContent()).resolves.toContain('一、二级残疾未享受护理补贴');
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'dashboard');
    await page.context().close();
  });

  it('refuses a caseworker a household outside their region, showing none of it', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654023' });
    await page.goto(`${origin}/households/${fixture.householdId}`);
    await page.getByText('无权查看', { exact: true }).waitFor();
    const html = await page.content();
    for (const secret of ['阿依古丽', '王芳', head, spouse, '解放路']) expect(html).not.toContain(secret);
    await shot(page, 'forbidden');
    await page.context().close();
  });

  it('offers a caseworker only caseworker purposes, at sign-in and in the header, and sends the one chosen as its code', async () => {
    const page = await openPage();
    await page.goto(`${origin}/`);
    const codes = (select: ReturnType<Page['locator']>) => select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const caseworker = purposesFor({ role: 'CASEWORKER' }).map((p) => p.code);
    // The development form: the role (and an officer's department) decides the list.
    const dev = page.locator('form.dev');
    await dev.getByLabel('角色').selectOption('CASEWORKER');
    expect(await codes(dev.getByLabel('查询用途'))).toEqual(caseworker);
    for (const theirs of ['AUDIT', 'STATISTICS', 'SWEEP', 'SUPERVISION', 'EMPLOYMENT_AID_REVIEW']) expect(caseworker).not.toContain(theirs);
    await dev.getByLabel('角色').selectOption('AUDITOR');
    expect(await codes(dev.getByLabel('查询用途'))).toEqual(['AUDIT']);
    await dev.getByLabel('角色').selectOption('DEPARTMENT_OFFICER');
    await dev.getByLabel('部门').selectOption('LABOUR');
    expect(await codes(dev.getByLabel('查询用途'))).toEqual(purposesFor({ role: 'DEPARTMENT_OFFICER', department: 'LABOUR' }).map((p) => p.code));
    // The token form: nothing to choose until a token says whose it is, then that role's.
    const withToken = page.locator('form:not(.dev)');
    expect(await withToken.getByLabel('查询用途').isDisabled()).toBe(true);
    await withToken.getByLabel('访问令牌（JWT）').fill(await system.token({ sub: 'cw-purposes', role: 'CASEWORKER', region: '654002' }));
    expect(await codes(withToken.getByLabel('查询用途'))).toEqual(caseworker);
    await withToken.getByLabel('查询用途').selectOption('低保复核');
    await withToken.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByTestId('who').waitFor();
    // The header's switch: the same list, and the code is what goes out.
    const header = page.locator('header').getByLabel('查询用途');
    expect(await codes(header)).toEqual(caseworker);
    expect(await header.inputValue()).toBe('MINIMUM_LIVING_RECHECK');
    const sent = page.waitForRequest((r) => r.url() === `${origin}/graphql` && (r.postData() ?? '').includes('searchHouseholds'));
    await header.selectOption('入户调查');
    await page.getByLabel('户号、身份证号或姓名').fill('王芳');
    await page.keyboard.press('Enter');
    expect((await sent).headers()['x-purpose']).toBe('HOME_VISIT');
    await page.locator('table.results tbody tr').first().waitFor();
    await page.context().close();
  });

  it('gives auditors the access log and analysts statistics only', async () => {
    const auditor = await signIn({ role: 'AUDITOR' }, '审计监督');
    await auditor.getByRole('heading', { name: '访问日志' }).waitFor();
    expect(await auditor.getByRole('link', { name: '查找家庭' }).count()).toBe(0);
    await auditor.getByLabel('公民身份号码或户号').fill(head);
    await auditor.getByRole('button', { name: '查询' }).click();
    await auditor.locator('table.log').or(auditor.getByText('功能尚未上线')).or(auditor.getByText('没有访问记录')).first().waitFor();
    await shot(auditor, 'access-log');
    await auditor.goto(`${origin}/search`);
    await auditor.getByText('无权查看', { exact: true }).waitFor();
    await auditor.context().close();

    const analyst = await signIn({ role: 'ANALYST' }, '统计分析');
    await analyst.getByRole('heading', { name: '救助统计' }).waitFor();
    await analyst.locator('figure.chart').or(analyst.getByText('功能尚未上线')).or(analyst.getByText('没有救助统计')).first().waitFor();
    await shot(analyst, 'statistics');
    await analyst.goto(`${origin}/households/${fixture.householdId}`);
    await analyst.getByText('无权查看', { exact: true }).waitFor();
    expect(await analyst.content()).not.toContain('阿依古丽');
    await analyst.context().close();
  });

  it('shows the rest of the picture, and says which department is missing, when one is down', async () => {
    const page = await signIn({ role: 'CASEWORKER', region: '654002' });
    await system.subgraphs.get('labour')!.stop();
    try {
      await page.goto(`${origin}/households/${fixture.householdId}`);
      await page.getByText('人社 暂时无法连接，显示的是其他部门的数据').waitFor();
      await expect(page.locator('section[data-department="LABOUR"]').textContent()).resolves.toContain('该部门暂时无法连接');
      for (const dept of DEPARTMENTS.filter((d) => d !== 'LABOUR')) expect(await page.locator(`section[data-department="${dept}"] li.award`).count(), dept).toBeGreaterThanOrEqual(1);
      await expect(page.locator('table.members').textContent()).resolves.toContain('阿依古丽·买买提');
      await shot(page, 'partial');
      // The dashboard too: the statistics of the departments that answer, the missing one named.
      const errorsBefore = pageErrors.length;
      const dashboard = await signIn({ role: 'COORDINATOR', region: '6540' }, '统计分析');
      await dashboard.goto(`${origin}/dashboard`);
      await dashboard.getByRole('heading', { name: '工作概览' }).waitFor();
      await dashboard.getByText('人社 暂时无法连接，显示的是其他部门的数据').first().waitFor();
      await dashboard.locator('figure.chart', { hasText: '各项目救助人数' }).or(dashboard.getByText('该辖区在该日期没有救助统计')).first().waitFor();
      await dashboard.locator('figure.chart', { hasText: '特困人员集中供养率' }).waitFor();
      expect(pageErrors.slice(errorsBefore)).toEqual([]);
      await dashboard.context().close();
    } finally {
      await system.subgraphs.get('labour')!.restart();
      await page.context().close();
    }
  });

  it('opens the GraphQL explorer (bundled, no CDN) with the console’s session', async () => {
    const page = await signIn({ role: 'COORDINATOR' }, '统计分析');
    const graphql = (name: string, timeout?: number) => page.waitForResponse((r) => r.url() === `${origin}/graphql` && (r.request().postData() ?? '').includes(name), { timeout });
    const introspected = graphql('IntrospectionQuery');
    await page.getByRole('link', { name: 'GraphQL 调试' }).click();
    expect((await introspected).status()).toBe(200);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-query-editor .CodeMirror', { hasText: 'household' }).waitFor();
    // GraphiQL may still be settling its editors after the schema arrives: click again if nothing went out.
    let response = null;
    for (let attempt = 0; attempt < 5 && !response; attempt++) {
      const executed = graphql('query Household', 3_000).catch(() => null);
      await page.locator('.graphiql-execute-button').click();
      response = await executed;
    }
    const answer = (await response!.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    // Sent with the console's token and purpose: an answer, not a 401.
    expect(answer).toMatchObject({ data: { household: null } });
    expect(answer.errors).toBeUndefined();
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('household'));
    await shot(page, 'explorer');
    await page.context().close();
  });

  it('worked offline: nothing but the gateway was asked for anything, and no page error or CSP violation', () => {
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('serving the console from the gateway', () => {
  let server: http.Server;
  let base: string;
  let production: http.Server;
  let prodBase: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    const handler = (config: ReturnType<typeof gatewayConfig>) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://local');
      try {
        if (!(await serveConsole(req, res, url, config))) res.writeHead(404).end('not found');
      } catch (err) {
        // As the gateway's server does.
        if (err instanceof HttpError) sendJson(res, err.status, err.body ?? { error: err.message });
        else throw err;
      }
    };
    server = http.createServer(handler(gatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })));
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    // Production config only as the handler reads it (the gateway would also want a real key).
    production = http.createServer(handler({ ...gatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), NODE_ENV: 'production' }));
    prodBase = `http://127.0.0.1:${await listen(production, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    if (production) await closeServer(production);
  });

  it('serves the app with a strict CSP, nosniff, and the right types and caching', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${base}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    expect((await fetch(`${base}${css}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers unknown pages with the app, unknown files and API paths with 404, and never leaves console/dist', async () => {
    for (const path of ['/search', '/households/H654002000007', '/check?household=H1']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
    for (const path of ['/assets/nope.js', '/favicon.ico', '/graphqlx', '/health/whatever', '/metrics', '/assets/..%2f..%2fpackage.json', '/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/build.ts', '/..%5c..%5cpackage.json']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
    }
    // Even a raw request line with dot segments (fetch would normalise them away).
    const raw = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: new URL(base).port, path: '/assets/../../build.ts' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(raw).toBe(404);
  });

  it('mints development tokens outside production only, and hides the explorer in production', async () => {
    const minted = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'CASEWORKER', region: '654002' }) });
    expect(minted.status).toBe(200);
    expect((await minted.json()) as object).toHaveProperty('token');
    const bad = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'CASEWORKER' }) });
    expect(bad.status).toBe(400);
    const form = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'role=COORDINATOR' });
    expect(form.status).toBe(415);
    expect((await fetch(`${base}/explorer/`)).status).toBe(200);

    expect((await fetch(`${prodBase}/dev/token`)).status).toBe(404);
    expect((await fetch(`${prodBase}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'COORDINATOR' }) })).status).toBe(404);
    expect((await fetch(`${prodBase}/explorer/`)).status).toBe(404);
    const explorerHtml = await (await fetch(`${base}/explorer/`)).text();
    const explorerScript = /src="(\/assets\/[^"]+\.js)"/.exec(explorerHtml)![1]!;
    expect((await fetch(`${prodBase}${explorerScript}`)).status).toBe(404);
    const prodIndex = await fetch(`${prodBase}/`);
    expect(prodIndex.status).toBe(200);
    const mainScript = /src="(\/assets\/[^"]+\.js)"/.exec(await prodIndex.text())![1]!;
    expect((await fetch(`${prodBase}${mainScript}`)).status).toBe(200);
  });
});

describe('the household page’s income per head (display only)', () => {
  const income = (monthlyFen: number, startDate: string, endDate: string | null = null) => ({ id: `${monthlyFen}`, source: 'WAGE', monthlyFen, startDate, endDate });
  const member = (id: string, incomes: ReturnType<typeof income>[] | null, deathDate: string | null = null) => ({ id, name: id, relation: 'HEAD', deathDate, incomes, properties: [] });

  it('sums the incomes covering the day, of the members alive on it, over those members, to the fen below', () => {
    const members = [member('a', [income(100_000, '2025-01-01'), income(50_000, '2024-01-01', '2025-05-31')]), member('b', [income(1, '2025-06-01')]), member('c', [income(70_000, '2020-01-01')], '2025-06-01')];
    // On 2025-06-01: a's wage and b's 1 fen; c died that day (no longer counted), a's second income ended the day before.
    expect(incomePerHead(members, '2025-06-01')).toEqual({ members: 2, totalFen: 100_001, perHeadFen: 50_000 });
    // The last day of a period is in it; c still alive.
    expect(incomePerHead(members, '2025-05-31')).toEqual({ members: 3, totalFen: 220_000, perHeadFen: 73_333 });
  });

  it('says nothing when labour did not answer for a living member', () => {
    expect(incomePerHead([member('a', [income(100_000, '2025-01-01')]), member('b', null)], '2025-06-01').perHeadFen).toBeNull();
    expect(incomePerHead([member('a', [income(100_000, '2025-01-01')]), member('b', null, '2020-01-01')], '2025-06-01').perHeadFen).toBe(100_000);
  });
});

describe('the console’s formatting for China', () => {
  it('formats fen as yuan exactly, beyond what a float can hold', () => {
    expect(formatFen(50_000)).toBe('¥500.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(123_456_789)).toBe('¥1,234,567.89');
    // A decimal-string aggregate past 2^53: a float would round the last digits.
    expect(formatFen('900719925474099312')).toBe('¥9,007,199,254,740,993.12');
    expect(formatFen(50_000, 'en')).toBe('CN¥500.00');
  });

  it('reads yuan typed by a person into integer fen, or refuses', () => {
    expect(parseYuan('560')).toBe(56_000);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('560.5')).toBe(56_050);
    expect(parseYuan(' 19.99 ')).toBe(1_999);
    expect(parseYuan('21474836.47')).toBe(2_147_483_647);
    for (const bad of ['21474836.48', '1.005', '-1', '1e3', '', '１００', '1,000.00', '1,50']) expect(parseYuan(bad), bad).toBeNull();
  });

  it('writes dates as 2024年3月5日, ages in full years, and masks ID numbers in lists', () => {
    expect(formatDate('2024-03-05')).toBe('2024年3月5日');
    expect(formatDate('2024-03-05', 'en')).toBe('5 Mar 2024');
    expect(ageOn('1970-05-01', '2024-04-30')).toBe(53);
    expect(ageOn('1970-05-01', '2024-05-01')).toBe(54);
    expect(maskId('654002199003150012')).toBe('654002********0012');
  });
});
