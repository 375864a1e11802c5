import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
const db = new PGlite('memory://');
await db.waitReady;
// startup message as pg sends it
function startup(dbname: string) {
  const params = Buffer.from(`user\0postgres\0database\0${dbname}\0client_encoding\0UTF8\0\0`);
  const b = Buffer.alloc(8 + params.length); b.writeInt32BE(b.length, 0); b.writeInt32BE(196608, 4); params.copy(b, 8); return b;
}
const q = (sql: string) => { const s = Buffer.from(sql + '\0'); const b = Buffer.alloc(5 + s.length); b.write('Q'); b.writeInt32BE(4 + s.length, 1); s.copy(b, 5); return b; };
const show = (out: Uint8Array) => { const b = Buffer.from(out); const t = []; for (let o = 0; o < b.length; ) { t.push(String.fromCharCode(b[o])); o += 1 + b.readInt32BE(o + 1); } return t.join(''); };
console.log('startup1', show(await db.execProtocolRaw(startup('x'))));
console.log('q', show(await db.execProtocolRaw(q('select 1'))));
console.log('startup2', show(await db.execProtocolRaw(startup('y'))));
console.log('q', show(await db.execProtocolRaw(q('select current_database()'))));
console.log('discard', show(await db.execProtocolRaw(q('DISCARD ALL'))));
const out = Buffer.from(await db.execProtocolRaw(q('begin')));
console.log('begin', show(out), String.fromCharCode(out[out.length - 1]));
console.log((await db.query("select current_setting('search_path') as p")).rows);
const blob = new Blob([new Uint8Array(Buffer.from('1\n2\n'))]);
await db.exec('create table t (a int)');
console.log(await db.query("COPY t (a) FROM '/dev/blob'", [], { blob }));
console.log(show(await db.execProtocolRaw(q('rollback'))));
