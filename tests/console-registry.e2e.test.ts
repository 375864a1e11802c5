/**
 * Issue 30: the console shows the schema registry's history per service (versions and refusals,
 * who, when, the diff, the check) to the coordination office and auditors, zh-CN first with the
 * English switch; a caseworker gets no such screen and the gateway refuses them the history.
 */
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@saf/console/build';
import { ownSchema, publishOwn, startRegistry, type RunningRegistry } from '../registry/test/support.ts';
import { startSystem, type System } from './support/system.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the schema registry\'s history in the console', () => {
  let registry: RunningRegistry;
  let system: System;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    registry = await startRegistry();
    system = await startSystem({ env: { REGISTRY_URL: registry.url, REGISTRY_POLL_MS: '500' }, beforeGateway: (subgraphs) => publishOwn(registry, (name) => subgraphs.get(name)!.url) });
    origin = new URL(system.gatewayUrl).origin;
    // A second labour version and a refused one: a field added, then one removed while a client used it.
    const withPing = ownSchema('labour').replace('type Query {', 'type Query {\n  """Added for the console test."""\n  labourPing: Int');
    const url = system.subgraphs.get('labour')!.url;
    expect((await registry.as('labour')('/services/labour/versions', { body: { sdl: withPing, url, publishedBy: '张三' } })).status).toBe(201);
    await registry.as('gateway')('/usage', { body: { operations: [{ name: 'AwardById', document: 'query AwardById { labourAward(id: "1") { id } }', client: 'caseworker-console', count: 1, lastSeen: new Date().toISOString() }] } });
    const removed = withPing.replace(/\n\s*"""One 人社 award by its id as loaded\."""\n\s*labourAward\(id: ID!\): LabourAward( @sharing\([^)]*\))?/, '');
    expect((await registry.as('labour')('/services/labour/versions', { body: { sdl: removed, url, publishedBy: '李四' } })).status).toBe(409);
    // A department from outside joined and left again (unpublished).
    const outside = readFileSync(new URL('../external/public-security/schema.graphql', import.meta.url), 'utf8');
    expect((await registry.as('public-security')('/services/public-security/versions', { body: { sdl: outside, url: 'http://public-security.test.internal/graphql', publishedBy: '王五' } })).status).toBe(201);
    expect((await registry.as('public-security')('/services/public-security/unpublish', { body: { publishedBy: '王五' } })).status).toBe(200);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await registry?.stop();
    await registry?.database.dispose();
  });

  async function signIn(role: string, purpose: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    const form = page.locator('form.dev');
    await form.getByLabel('角色').selectOption(role);
    if (role === 'CASEWORKER') await form.getByLabel('辖区代码').fill('654002');
    await form.getByLabel('查询用途').selectOption(purpose);
    await form.getByRole('button', { name: '生成令牌并登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  it('shows each service\'s versions, who published them, the refusal naming the operation, and the diff', async () => {
    const page = await signIn('AUDITOR', '审计监督');
    await page.getByRole('link', { name: '服务接口登记' }).click();
    await page.getByRole('heading', { name: '服务接口登记（模式注册中心）' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'labour' });
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('2');
    await row.getByRole('button', { name: '查看历史' }).click();
    await page.getByRole('heading', { name: 'labour 的发布历史' }).waitFor();
    const versions = page.getByTestId('schema-version');
    // The history loads after its heading: wait for its last version before counting.
    await versions.nth(2).waitFor();
    await expect(versions.count()).resolves.toBe(3);
    await expect(versions.nth(0).textContent()).resolves.toMatch(/被拒绝的发布.*李四.*Query\.labourAward was removed\. used by AwardById \(caseworker-console\)/s);
    await expect(versions.nth(1).textContent()).resolves.toMatch(/第 2 版.*张三/s);
    await versions.nth(1).getByText('模式差异').click();
    await expect(versions.nth(1).locator('pre.diff').textContent()).resolves.toContain('labourPing: Int');
    await page.screenshot({ path: `${ARTIFACTS}registry-history.png`, fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Publications of labour' }).waitFor();
    await expect(versions.nth(1).textContent()).resolves.toContain('Version 2');
  });

  it('shows a service that left the graph, and its removal in its history', async () => {
    const page = await signIn('AUDITOR', '审计监督');
    await page.getByRole('link', { name: '服务接口登记' }).click();
    const row = page.getByRole('row').filter({ hasText: 'public-security' });
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('2 （已退出总图）');
    await row.getByRole('button', { name: '查看历史' }).click();
    await page.getByRole('heading', { name: 'public-security 的发布历史' }).waitFor();
    const versions = page.getByTestId('schema-version');
    // The history loads after its heading: wait for its last version before counting.
    await versions.nth(1).waitFor();
    await expect(versions.count()).resolves.toBe(2);
    await expect(versions.nth(0).textContent()).resolves.toMatch(/第 2 版：已退出总图.*王五/s);
    await expect(versions.nth(1).textContent()).resolves.toMatch(/第 1 版.*王五/s);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(versions.nth(0).textContent()).resolves.toContain('Version 2: left the graph');
  });

  it('is not for a caseworker: no screen, and the gateway refuses the history', async () => {
    const page = await signIn('CASEWORKER', '入户调查');
    await expect(page.getByRole('link', { name: '服务接口登记' }).count()).resolves.toBe(0);
    const token = await system.token({ sub: 'cw', role: 'CASEWORKER', region: '654002' });
    const res = await fetch(`${origin}/registry/services`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect((await fetch(`${origin}/registry/services`)).status).toBe(401);
  });
});
