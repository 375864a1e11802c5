import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { finished } from 'node:stream/promises';

const db = new PGlite('memory://');
await db.waitReady;
const server = net.createServer((socket) => {
  let buf = Buffer.alloc(0);
  let started = false;
  let chain = Promise.resolve();
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    // frame complete messages
    let end = 0;
    for (;;) {
      if (!started) {
        if (buf.length - end < 4) break;
        const len = buf.readInt32BE(end);
        if (buf.length - end < len) break;
        end += len; started = true; continue;
      }
      if (buf.length - end < 5) break;
      const len = buf.readInt32BE(end + 1);
      if (buf.length - end < 1 + len) break;
      end += 1 + len;
    }
    if (end === 0) return;
    const msg = buf.subarray(0, end); buf = buf.subarray(end);
    chain = chain.then(async () => {
      const types = [];
      for (let o = 0; o < msg.length && started; ) { types.push(String.fromCharCode(msg[o])); o += 1 + msg.readInt32BE(o + 1); }
      const out = await db.execProtocolRaw(new Uint8Array(msg));
      console.log('in', msg.length, types.join(''), 'out', out.length, String.fromCharCode(...out.slice(0, 1)));
      if (out.length) socket.write(Buffer.from(out));
    });
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as net.AddressInfo).port;
const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
await client.connect();
console.log('connected');
console.log((await client.query('select 1 as x')).rows);
console.log((await client.query('select $1::int + 1 as y', [41])).rows);
await client.query({ name: 'named', text: 'select $1::text as z', values: ['a'] });
console.log((await client.query({ name: 'named', text: 'select $1::text as z', values: ['b'] })).rows);
await client.query('create table t (a int, b text)');
await client.query('begin'); await client.query("insert into t values (1,'x')"); await client.query('rollback');
console.log('after rollback', (await client.query('select count(*) from t')).rows);
try { await client.query('select nope'); } catch (e) { console.log('error ok', (e as Error).message); }
console.log((await client.query('select 2 as after_error')).rows);
const stream = client.query(copyFrom('COPY t (a, b) FROM STDIN'));
stream.end(Buffer.from('1\thello\n2\t\\N\n'));
await finished(stream);
console.log('copied', (await client.query('select * from t order by a')).rows);
await client.end();
server.close(); await db.close();
