/**
 * Issue 29 in the console (Chromium, playwright-core): an officer of labour asks health for its
 * awards on the 数据共享 page, health's officer approves it there, labour's query works for that
 * purpose, health sees the use as a chart, and a revocation stops it at once.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@saf/console/build';
import { loadFile } from '@saf/loader';
import type { Caller } from '@saf/auth';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const fixture = householdWithEverything(31);
const LABOUR: Caller = { sub: 'lb-console', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const HEALTH: Caller = { sub: 'he-console', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const PICTURE = 'query Picture($id: ID!) { household(id: $id) { id members { id healthAwards { programme } } } }';

describe('data sharing in the console', () => {
  let system: System;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    system = await startSystem({ env: { SHARING_USAGE_FLUSH_MS: '200' } });
    origin = new URL(system.gatewayUrl).origin;
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    // Labour reads health's data for this purpose only under the agreement made below.
    const revoked = await system.query('mutation { revokeSharing(id: "default:LABOUR:HEALTH:EMPLOYMENT_AID_REVIEW", note: "按需申请") { status } }', undefined, { caller: HEALTH });
    expect(revoked.errors).toBeUndefined();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(caller: { role: string; region?: string; department?: string }, purpose: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(caller.role);
    await form.getByLabel('辖区代码').fill(caller.region ?? '');
    if (caller.department) await form.getByLabel('部门').selectOption(caller.department);
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: '数据共享' }).click();
    await page.getByRole('heading', { name: '数据共享', level: 1 }).waitFor();
    return page;
  }

  /** Labour's household picture for employment aid review: whether health's awards came. */
  async function labourReadsHealth(): Promise<boolean> {
    const res = await system.query(PICTURE, { id: fixture.householdId }, { caller: LABOUR, headers: { 'x-purpose': 'EMPLOYMENT_AID_REVIEW' } });
    const lists = res.data!.household.members.map((m: { healthAwards: unknown }) => m.healthAwards);
    if (lists.every((l: unknown) => l === null)) {
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      return false;
    }
    expect(res.errors).toBeUndefined();
    return true;
  }

  it('requested by labour, approved by health, used for its purpose, its use charted, revoked at once', async () => {
    const labour = await signIn({ role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' }, '就业救助审核');
    // The catalogue lists labour's own fields by default, in Chinese.
    await labour.locator('table.catalogue').getByText('Person.labourAwards').waitFor();
    await labour.getByLabel('部门').first().selectOption('HEALTH');
    await labour.locator('table.catalogue').getByText('Person.healthAwards').waitFor();
    expect(await labour.locator('table.catalogue').getByText('有条件共享').count()).toBeGreaterThan(0);

    await labour.getByLabel('数据提供部门').selectOption('HEALTH');
    await labour.getByLabel('申请的数据项').fill('Person.healthAwards, HealthAward.*');
    await labour.getByLabel('用途', { exact: true }).selectOption('EMPLOYMENT_AID_REVIEW');
    await labour.getByLabel('共享依据').fill('《社会救助暂行办法》第四十二条');
    await labour.getByLabel('有效期至').fill(new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
    await labour.getByRole('button', { name: '提交申请' }).click();
    await labour.getByText('已提交共享申请').waitFor();
    expect(await labourReadsHealth()).toBe(false);

    const health = await signIn({ role: 'DEPARTMENT_OFFICER', department: 'HEALTH' }, '医疗救助审核');
    const row = health.locator('tr[data-agreement^="sa-"]');
    await row.getByText('待审批').waitFor();
    await row.getByLabel('意见').fill('同意，按最小必要原则使用');
    await row.getByRole('button', { name: '批准' }).click();
    await health.getByText('已批准。').waitFor();
    await row.getByText('生效中').waitFor();
    expect(await labourReadsHealth()).toBe(true);
    expect(await labourReadsHealth()).toBe(true);

    // The owner sees the use: reads per field, as a chart (counted at the gateway, flushed).
    const usage = health.getByTestId('sharing-usage');
    for (let i = 0; i < 50; i++) {
      await row.getByRole('button', { name: '使用情况' }).click();
      await usage.waitFor();
      if ((await usage.locator('figure.chart').count()) > 0) break;
      await health.waitForTimeout(200);
    }
    await usage.locator('figure.chart').getByText('各数据项读取次数').waitFor();
    expect(await usage.locator('td', { hasText: 'Person.healthAwards' }).count()).toBeGreaterThan(0);
    await health.screenshot({ path: `${ARTIFACTS}sharing.png`, fullPage: true });

    await row.getByLabel('意见').fill('停止使用');
    await row.getByRole('button', { name: '撤销' }).click();
    await health.getByText('已撤销，立即停止共享').waitFor();
    expect(await labourReadsHealth()).toBe(false);
    await labour.context().close();
    await health.context().close();
  });
});
