import { PGlite } from '@electric-sql/pglite';
const n = Number(process.argv[2] ?? 1);
const conf = process.argv[3] ? process.argv[3].split(',') : undefined;
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
console.log('base', rss(), conf);
let template: Blob | undefined;
for (let i = 0; i < n; i++) {
  const t = Date.now();
  const db = await PGlite.create(`/tmp/pgmem/${i}`, { postgresqlconf: conf, loadDataDir: process.env.TEMPLATE && template ? template : undefined });
  await db.query('select 1');
  await db.exec('create table x (a int); insert into x select generate_series(1, 50000); select count(*) from x;');
  if (i === 0 && process.env.TEMPLATE) template = await (await PGlite.create('memory://')).dumpDataDir('none');
  console.log(i, rss(), Date.now() - t, 'ms', (await db.query("select current_setting('shared_buffers') as s")).rows[0]);
}
