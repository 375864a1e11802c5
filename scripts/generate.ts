/**
 * `npm run generate -- --households N --seed S [--planted planted.json] [--no-plant] > file.ndjson`:
 * realistic synthetic interchange data for the Ili prefecture, streamed to stdout (see
 * packages/generator). Usage errors exit 2.
 */
import { writeFile } from 'node:fs/promises';
import { createGeneration, outputStream, parseGenerateArgs, USAGE, writeGeneration, type Generation } from '@saf/generator';

async function main(): Promise<number> {
  const parsed = parseGenerateArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`generate: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { options, plantedFile } = parsed.args;
  let generation: Generation;
  try {
    generation = createGeneration(options);
  } catch (err) {
    process.stderr.write(`generate: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  // A closed pipe (`| head`) ends the run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  const started = Date.now();
  const out = outputStream();
  const records = await writeGeneration(generation.records, out);
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end(() => resolve()).once('error', reject));
  if (plantedFile) await writeFile(plantedFile, `${JSON.stringify(generation.planted, null, 2)}\n`);
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `generated ${options.households} households, ${records} records, ${generation.planted.length} planted findings` +
      `${plantedFile ? ` (listed in ${plantedFile})` : ''} in ${seconds.toFixed(1)} s\n`,
  );
  return 0;
}

main().then(
  (code) => {
    // exitCode, not exit(): stdout may still be draining into a pipe.
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`generate failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
