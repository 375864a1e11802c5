import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes.ts';

const PACKAGES = ['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway-runtime', '@graphql-hive/router-runtime', 'graphql', 'pg', 'autocannon', 'tsx'];

function version(pkg: string): string {
  // The comparison gateways are installed apart (bench/hive).
  for (const dir of [path.join(ROOT, 'node_modules'), path.join(ROOT, 'bench', 'hive', 'node_modules')]) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // next
    }
  }
  try {
    return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  packages: Record<string, string>;
  commit: string;
  date: string;
}

export function machine(postgres: string): Machine {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? '?';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : '';
  return {
    cpu: model.trim(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, version(p)])),
    commit: git(['rev-parse', '--short', 'HEAD']) + dirty,
    date: new Date().toISOString(),
  };
}
