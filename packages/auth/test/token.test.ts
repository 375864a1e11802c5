import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createVerifier, devVerifierConfig } from '../src/index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function token(args: string[], nodeEnv = 'development'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/token.ts', ...args], { cwd: root, env: { ...process.env, NODE_ENV: nodeEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const verifier = createVerifier(devVerifierConfig());

describe('npm run token', { timeout: 60_000 }, () => {
  it('prints one line, a token the development verifier accepts', async () => {
    const run = await token(['--role', 'CASEWORKER', '--region', '654002', '--sub', 'worker-7']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    await expect(verifier.verify(`Bearer ${run.stdout.trim()}`)).resolves.toEqual({ sub: 'worker-7', role: 'CASEWORKER', region: '654002' });
  });

  it('issues an officer token with a department and a lifetime', async () => {
    const run = await token(['--role', 'DEPARTMENT_OFFICER', '--department', 'LABOUR', '--ttl', '15m']);
    expect(run.code).toBe(0);
    await expect(verifier.verify(`Bearer ${run.stdout.trim()}`)).resolves.toEqual({ sub: 'dev-department-officer', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' });
    const payload = JSON.parse(Buffer.from(run.stdout.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(15 * 60);
  });

  it.each([
    [['--role', 'ADMIN'], /role must be one of/],
    [['--role', 'CASEWORKER'], /a CASEWORKER needs a region/],
    [['--region', '654002'], /--role is required/],
    [['--role', 'ANALYST', '--ttl', 'forever'], /--ttl forever/],
    [['--role', 'ANALYST', '--colour', 'red'], /Unknown option '--colour'/],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const run = await token(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run token');
  });

  it('refuses to run with NODE_ENV=production', async () => {
    const run = await token(['--role', 'AUDITOR'], 'production');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/NODE_ENV=production/);
  });
});
