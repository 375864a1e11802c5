import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, parseGenerateArgs, plantedFindings } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'saf-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run generate', () => {
  it('streams the library output as NDJSON and writes the planted findings', () => {
    const planted = join(dir, 'planted.json');
    const { code, stdout, stderr } = run('--households', '40', '--seed', 'cli', '--planted', planted);
    expect(code, stderr).toBe(0);
    const expected = [...generate({ households: 40, seed: 'cli' })].map((r) => JSON.stringify(r));
    expect(stdout).toBe(`${expected.join('\n')}\n`);
    expect(JSON.parse(readFileSync(planted, 'utf8'))).toEqual(plantedFindings({ households: 40, seed: 'cli' }));
    expect(stderr).toMatch(/generated 40 households/);
  });

  it('leaves no npm banner in the file of `npm run generate -- … > file`', () => {
    const file = join(dir, 'via-npm.ndjson');
    const fd = openSync(file, 'w');
    try {
      const result = spawnSync('npm', ['run', 'generate', '--', '--households', '5', '--seed', 'npm'], { cwd: root, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    } finally {
      closeSync(fd);
    }
    const expected = [...generate({ households: 5, seed: 'npm' })].map((r) => JSON.stringify(r));
    expect(readFileSync(file, 'utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('plants nothing with --no-plant', () => {
    const planted = join(dir, 'none.json');
    const { code } = run('--households', '15', '--seed', '3', '--no-plant', '--planted', planted);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(planted, 'utf8'))).toEqual([]);
  });

  it.each([
    [[], /--households N is required/],
    [['--households', 'many'], /whole number/],
    [['--households', '0'], /from 1 to/],
    [['--households', '5', '--colour'], /Unknown option/],
    [['--households', '5', '--region', '6501'], /not in the Ili prefecture/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const { code, stdout, stderr } = run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/usage: npm run generate/);
  });
});

describe('parseGenerateArgs', () => {
  it('reads the options, with seed 1 and the whole prefecture by default', () => {
    expect(parseGenerateArgs(['--households=12'])).toEqual({ ok: true, args: { options: { households: 12, seed: '1', regionPrefix: '6540', plant: true }, plantedFile: null } });
    expect(parseGenerateArgs(['--households', '3', '--seed', 'x', '--region', '654002', '--no-plant', '--planted', 'p.json'])).toEqual({
      ok: true,
      args: { options: { households: 3, seed: 'x', regionPrefix: '654002', plant: false }, plantedFile: 'p.json' },
    });
  });
});
