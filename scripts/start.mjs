/**
 * `npm start`: compiles the system's TypeScript (scripts/bundle.mjs) and runs scripts/start.ts
 * compiled, on plain Node, its services too (no tsx in any of them: less CPU and memory while they
 * start). If compiling fails, says why and runs everything under tsx as before.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle, outdirOf, startEntries } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const began = Date.now();
let compiled;
try {
  compiled = await bundle(root, startEntries(root));
} catch (err) {
  process.stderr.write(`could not compile the services (${err.message.split('\n')[0]}); running them under tsx\n`);
}
if (compiled) {
  process.env.SAF_START_COMPILED = outdirOf(root);
  process.env.SAF_START_COMPILE_MS = String(Date.now() - began);
  await import(pathToFileURL(compiled.get('scripts/start.ts')).href);
} else {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, stdio: 'inherit', env: { ...process.env, START_COMPILE: '0' } });
  // Ctrl-C reaches the child from the terminal too; it stops everything and exits.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
