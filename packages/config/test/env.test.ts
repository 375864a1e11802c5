import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, applyFileVariables, commonEnv, parseEnv } from '../src/index.ts';

describe('variables from files (X_FILE)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'saf-config-'));
    await writeFile(path.join(dir, 'database-url'), 'postgres://labour:s3cret@db.labour:5432/labour\n');
    await writeFile(path.join(dir, 'signing'), '  0123456789abcdef0123456789abcdef  \n');
    await writeFile(path.join(dir, 'empty'), '\n');
  });

  it('reads X from X_FILE, trimmed, when X is unset', () => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL_FILE: path.join(dir, 'database-url') };
    const parsed = parseEnv(commonEnv, env);
    expect(parsed.DATABASE_URL).toBe('postgres://labour:s3cret@db.labour:5432/labour');
  });

  it('fills the env object in place, so later raw reads (per-subgraph secrets) see the value', () => {
    const env: NodeJS.ProcessEnv = { LABOUR_SIGNING_SECRET_FILE: path.join(dir, 'signing') };
    expect(applyFileVariables(env)).toEqual(['LABOUR_SIGNING_SECRET']);
    expect(env.LABOUR_SIGNING_SECRET).toBe('0123456789abcdef0123456789abcdef');
  });

  it('keeps X when it is given directly, and treats an empty X as unset', () => {
    const direct: NodeJS.ProcessEnv = { DATABASE_URL: 'postgres://direct@h/d', DATABASE_URL_FILE: path.join(dir, 'database-url') };
    expect(parseEnv(commonEnv, direct).DATABASE_URL).toBe('postgres://direct@h/d');
    const empty: NodeJS.ProcessEnv = { DATABASE_URL: '', DATABASE_URL_FILE: path.join(dir, 'database-url') };
    expect(parseEnv(commonEnv, empty).DATABASE_URL).toBe('postgres://labour:s3cret@db.labour:5432/labour');
  });

  it('reports every unreadable or empty file together, naming the variable', () => {
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL_FILE: path.join(dir, 'missing'),
      JWT_PUBLIC_KEY_FILE: path.join(dir, 'empty'),
    };
    let error: unknown;
    try {
      parseEnv(z.object({}), env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/DATABASE_URL_FILE: cannot read .*missing \(ENOENT\)/);
    expect((error as Error).message).toMatch(/JWT_PUBLIC_KEY_FILE: .*empty is empty/);
  });

  it("leaves other programs' *_FILE variables alone, readable or not", () => {
    const env: NodeJS.ProcessEnv = {
      SSL_CERT_FILE: path.join(dir, 'signing'),
      TF_CLI_CONFIG_FILE: path.join(dir, 'missing'),
      DATABASE_URL_FILE: '',
      _FILE: path.join(dir, 'missing'),
    };
    expect(parseEnv(commonEnv, env).DATABASE_URL).toBeUndefined();
    expect(env.SSL_CERT).toBeUndefined();
    expect(env.TF_CLI_CONFIG).toBeUndefined();
  });

  it("reads the secrets of a department from outside (schema registry) and the registry's", () => {
    const env: NodeJS.ProcessEnv = { PUBLIC_SECURITY_SIGNING_SECRET_FILE: path.join(dir, 'signing'), PUBLIC_SECURITY_REGISTRY_SECRET_FILE: path.join(dir, 'signing'), REGISTRY_SECRET_FILE: path.join(dir, 'signing'), PUBLIC_SECURITY_OTHER_FILE: path.join(dir, 'missing') };
    parseEnv(z.object({}), env);
    expect([env.PUBLIC_SECURITY_SIGNING_SECRET, env.PUBLIC_SECURITY_REGISTRY_SECRET, env.REGISTRY_SECRET]).toEqual(Array(3).fill('0123456789abcdef0123456789abcdef'));
    expect(env.PUBLIC_SECURITY_OTHER).toBeUndefined();
  });

  it('reads a variable a schema declares outside the project prefixes', () => {
    const env: NodeJS.ProcessEnv = { SWEEP_TOKEN_FILE: path.join(dir, 'signing') };
    expect(parseEnv(z.object({ SWEEP_TOKEN: z.string() }), env).SWEEP_TOKEN).toBe('0123456789abcdef0123456789abcdef');
  });
});
