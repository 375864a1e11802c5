import { PGlite } from '@electric-sql/pglite';
const n = Number(process.argv[2] ?? 1);
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
console.log('base', rss());
const dbs: PGlite[] = [];
for (let i = 0; i < n; i++) {
  const t = Date.now();
  const db = new PGlite(`/tmp/pgmem/${i}`);
  await db.query('select 1');
  dbs.push(db);
  console.log(i, rss(), Date.now() - t, 'ms');
}
