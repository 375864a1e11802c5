/**
 * Ports for systems that run as several processes (npm start, the benchmark, the soak): a base B
 * whose ports B … B+above are all free, chosen below the kernel's ephemeral range. A port in that
 * range can be taken between the check and the child's listen by any outgoing connection on the
 * machine (a database connection, another test's request): a CI run failed so with EADDRINUSE.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** True when nothing listens on `port` (checked on every interface, as the children bind). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The lowest port the kernel picks for outgoing connections and `listen(0)`. */
export function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isSafeInteger(low) && low > 1_024) return low;
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return 49_152;
}

/** Ports this process has handed out: two calls before either child listens never share one. */
const handedOut = new Set<number>();

/** A base B below the ephemeral range with B, B+1 … B+above all free. */
export async function freePortBase(above: number): Promise<number> {
  const top = Math.min(ephemeralLow(), 65_536) - above - 1;
  const bottom = Math.min(10_000, top - 1_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = bottom + Math.floor(Math.random() * (top - bottom));
    let ok = true;
    for (let i = 0; i <= above && ok; i++) ok = !handedOut.has(base + i) && (await portFree(base + i));
    if (!ok) continue;
    for (let i = 0; i <= above; i++) handedOut.add(base + i);
    return base;
  }
  throw new Error(`no ${above + 1} consecutive free ports found below ${top + above + 1}`);
}

/** One free port below the ephemeral range, for a child process to listen on later. */
export function freePort(): Promise<number> {
  return freePortBase(0);
}
