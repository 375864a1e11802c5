import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@saf/console/build';
import { loadFile } from '@saf/loader';
import { meansHousehold, STANDARD } from './support/casework.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// Casework in the console (SPEC section 10), in Chinese, in Debian's Chromium: a caseworker files
// a 低保 application from the household page and records the visit, another reviews it and starts
// the notice, the printable notice shows the name masked, and a civil affairs officer approves it.

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// 100,000 over 2 members: 500 元 a head against the standard of 720 元 — eligible, 220 元 each.
const family = meansHousehold(31, [{ incomes: [{ monthlyFen: 100_000 }], properties: [{ kind: 'RESIDENTIAL' }] }, {}]);
// Legal aid whose approval's outcome is lost (civil affairs down when justice's award is registered).
const legal = meansHousehold(32, [{}]);

describe('casework in the console, in a browser', () => {
  let system: System;
  let browser: Browser;
  let origin: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    system = await startSystem({ outboxPollMs: 500 });
    origin = new URL(system.gatewayUrl).origin;
    expect(await loadFile(await writeNdjson([STANDARD, ...family.records, ...legal.records]), system.loadOptions)).toMatchObject({ ok: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(who: { role: string; sub: string; department?: string }, purpose: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(who.role);
    if (who.department) await form.getByLabel('部门').selectOption(who.department);
    await form.getByLabel('用户名（可选）').fill(who.sub);
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const step = async (page: Page, action: string, note: string, stage: string) => {
    await page.getByLabel('意见（必填）').fill(note);
    await page.getByRole('button', { name: action, exact: true }).click();
    await page.getByTestId('stage').getByText(stage, { exact: true }).waitFor();
  };

  it('takes a 低保 application from the household page to an award, each role seeing only its own steps', async () => {
    const first = await signIn({ role: 'CASEWORKER', sub: 'cw-console-a' }, 'MINIMUM_LIVING_REVIEW');
    await first.goto(`${origin}/households/${family.householdId}`);
    await first.getByText('受理救助申请').click();
    const intake = first.getByRole('form', { name: '受理救助申请' });
    await intake.getByLabel('申请理由').fill('家庭收入低于当地低保标准');
    await intake.getByRole('button', { name: '提交申请' }).click();
    await first.getByTestId('stage').getByText('已受理', { exact: true }).waitFor();
    const id = decodeURIComponent(first.url().split('/applications/')[1]!);
    expect(id).toMatch(/^APP-/);
    await expect(first.getByTestId('eligible').textContent()).resolves.toBe('符合条件');
    expect(await first.locator('.assessment').textContent()).toContain('¥500.00');
    // The filer may record the visit, not review their own application.
    expect(await first.getByRole('button', { name: '乡镇审核', exact: true }).count()).toBe(0);
    await step(first, '入户调查', '入户核实：两口人，一套住房', '已入户调查');
    await shot(first, 'casework-assessed');

    const second = await signIn({ role: 'CASEWORKER', sub: 'cw-console-b' }, 'MINIMUM_LIVING_REVIEW');
    await second.goto(`${origin}/applications?stage=ASSESSED`);
    await second.locator(`tr[data-application-id="${id}"]`).getByRole('link').click();
    await step(second, '乡镇审核', '审核通过', '乡镇已审核');
    await step(second, '开始公示', '社区公示栏张贴', '公示中');

    // The notice to print: the name masked, nothing that identifies the family.
    await second.goto(`${origin}/notice`);
    await second.getByRole('heading', { name: '社会救助审批公示' }).waitFor();
    await second.locator('table.notice').getByText('王**', { exact: true }).waitFor();
    const notice = (await second.locator('.public-notice').textContent())!;
    expect(notice).not.toContain('王建国');
    for (const personId of family.persons) expect(notice).not.toContain(personId);
    expect(notice).not.toContain('解放路');
    await shot(second, 'casework-notice');

    // Seven days later (the test cannot wait a week), a civil affairs officer approves.
    await system.subgraphs.get('coordination')!.database.db.execute(sql`UPDATE applications SET notice_start = notice_start - 7, notice_end = notice_end - 7 WHERE id = ${id}`);
    const officer = await signIn({ role: 'DEPARTMENT_OFFICER', sub: 'ca-console', department: 'CIVIL_AFFAIRS' }, 'MINIMUM_LIVING_REVIEW');
    await officer.goto(`${origin}/applications/${encodeURIComponent(id)}`);
    expect(await officer.getByRole('button', { name: '入户调查', exact: true }).count()).toBe(0);
    await step(officer, '批准', '同意纳入城市低保', '已批准');
    await expect(officer.locator('.facts').first().textContent()).resolves.toContain(`${id}-1`);
    const history = await officer.locator('table.history tbody tr td:nth-child(2)').allTextContents();
    expect(history).toEqual(['受理', '入户调查', '乡镇审核', '开始公示', '批准']);
    await shot(officer, 'casework-approved');
    // The English switch.
    await officer.getByRole('button', { name: 'English' }).click();
    await officer.getByTestId('stage').getByText('Approved', { exact: true }).waitFor();

    // The award is in the household picture the caseworker opens.
    await first.goto(`${origin}/households/${family.householdId}`);
    for (const n of [1, 2]) await first.locator(`li.award[data-award-key="CIVIL_AFFAIRS:${id}-${n}"]`).waitFor();
    expect(await first.locator(`li.award[data-award-key="CIVIL_AFFAIRS:${id}-1"]`).textContent()).toContain('220');

    // Labour records a new wage in the household: a review task for civil affairs, which pays it;
    // the caseworker sees it, the civil affairs officer closes it with the outcome and a note.
    const wage = { type: 'income', id: 'RS-CONSOLE-31-1', department: 'LABOUR', personId: family.persons[1], source: 'WAGE', monthlyFen: 60_000, startDate: '2026-12-01', endDate: null };
    expect(await loadFile(await writeNdjson([wage]), system.loadOptions)).toMatchObject({ ok: true });
    const taskRow = (page: Page) => page.locator('table.tasks tbody tr', { hasText: `${id}-1` });
    await expect.poll(async () => {
      await first.goto(`${origin}/review-tasks`);
      await first.getByRole('heading', { name: '复核任务（动态管理）' }).waitFor();
      return taskRow(first).count();
    }, { timeout: 60_000, interval: 1000 }).toBe(1);
    expect(await taskRow(first).textContent()).toContain('待复核');
    expect(await taskRow(first).getByRole('button', { name: '结案' }).count()).toBe(0);
    await officer.getByRole('button', { name: '中文' }).click();
    await officer.goto(`${origin}/review-tasks`);
    const row = taskRow(officer);
    await row.getByLabel('复核结果').selectOption('CHANGED');
    await row.getByLabel('复核意见（必填）').fill('核实新增工资收入，调整低保金');
    await row.getByRole('button', { name: '结案' }).click();
    await row.getByTestId('task-closed').waitFor();
    expect(await row.getByTestId('task-closed').textContent()).toMatch(/^已结案：变更待遇（ca-console，/);
    expect(await row.textContent()).toContain('核实新增工资收入，调整低保金');
    await shot(officer, 'casework-review-task-closed');
    // The caseworker's list shows it closed, with who.
    await first.reload();
    await taskRow(first).getByTestId('task-closed').waitFor();
    expect(await taskRow(first).textContent()).toContain('ca-console');
    expect(pageErrors).toEqual([]);
  });

  it('shows an approval whose outcome is unknown as 审批确认中 with what to do, and the officer completes it by approving again', async () => {
    const caseworker = (sub: string) => ({ sub, role: 'CASEWORKER' as const, region: '654002' });
    const officer = { sub: 'ju-console', role: 'DEPARTMENT_OFFICER' as const, department: 'JUSTICE' as const };
    const ADVANCE = `mutation A($id: ID!, $a: ApplicationAction!, $n: String!) { advanceApplication(id: $id, action: $a, note: $n) { id stage } }`;
    const filed = await system.query(`mutation S($input: ApplicationInput!) { submitApplication(input: $input) { id } }`, { input: { householdId: legal.householdId, personId: legal.persons[0], programme: 'LEGAL_AID', amountFen: 0, reason: '劳动争议，申请法律援助' } }, { caller: caseworker('cw-console-a') });
    expect(filed.errors).toBeUndefined();
    const id = filed.data!.submitApplication.id as string;
    for (const [a, sub] of [['RECORD_VISIT', 'cw-console-a'], ['REVIEW', 'cw-console-b'], ['START_NOTICE', 'cw-console-b']] as const) {
      expect((await system.query(ADVANCE, { id, a, n: a }, { caller: caseworker(sub) })).errors, a).toBeUndefined();
    }
    await system.subgraphs.get('coordination')!.database.db.execute(sql`UPDATE applications SET notice_start = notice_start - 7, notice_end = notice_end - 7 WHERE id = ${id}`);
    const civil = system.subgraphs.get('civil-affairs')!;
    await civil.stop();
    try {
      expect((await system.query(ADVANCE, { id, a: 'APPROVE', n: '指派律师' }, { caller: officer })).errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await civil.restart();
    }

    // The township sees it as 审批确认中, not 公示中, with what completes it, and no step of its own.
    const township = await signIn({ role: 'CASEWORKER', sub: 'cw-console-a' }, 'SPECIAL_ASSISTANCE_REFERRAL');
    await township.goto(`${origin}/applications?stage=IN_NOTICE`);
    const row = township.locator(`tr[data-application-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('审批确认中');
    await row.getByRole('link').click();
    await township.getByTestId('stage').getByText('审批确认中', { exact: true }).waitFor();
    const told = (await township.getByTestId('approval-in-progress').textContent())!;
    expect(told).toContain('未得到主管部门（司法）的确认');
    expect(told).toMatch(/再次点击「批准」完成审批/);
    expect(await township.getByRole('button', { name: '撤回申请', exact: true }).count()).toBe(0);
    await shot(township, 'casework-approval-unconfirmed');

    // Justice's officer is offered 批准 alone, and approving again completes it.
    const approver = await signIn({ role: 'DEPARTMENT_OFFICER', sub: 'ju-console', department: 'JUSTICE' }, 'LEGAL_AID_REVIEW');
    await approver.goto(`${origin}/applications/${encodeURIComponent(id)}`);
    await approver.getByTestId('stage').getByText('审批确认中', { exact: true }).waitFor();
    expect(await approver.locator('.actions button').allTextContents()).toEqual(['批准']);
    await step(approver, '批准', '再次批准，完成审批', '已批准');
    expect(await approver.getByTestId('approval-in-progress').count()).toBe(0);
    await expect(approver.locator('.facts').first().textContent()).resolves.toContain(`${id}-1`);
    expect(pageErrors).toEqual([]);
  });
});
