import { isUtf8 } from 'node:buffer';
import { parse, visit } from 'graphql';
import { HttpError } from '@saf/service';

/**
 * C0 control characters and DEL, but tab, line feed and carriage return (which text and queries
 * may hold). U+0000 above all: PostgreSQL cannot store it, so an id or purpose holding it would
 * make the access-log write, and every read sharing it, fail.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A GraphQL string escape that may stand for one (`\u0000`, `\u{1F}`); confirmed by parsing. */
const ESCAPED_CONTROL = /\\u(?:00[01][0-9A-Fa-f]|007[Ff])|\\u\{0*(?:[01]?[0-9A-Fa-f]|7[Ff])\}/;

function codePoint(text: string): string {
  const match = CONTROL.exec(text)!;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function refuse(where: string, field: string, text: string): never {
  const message = `${where} contains a control character (${codePoint(text)}); remove it`;
  throw new HttpError(400, message, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field } }] });
}

/** Where a value stands under the variables: its parent's place and its own key or index. */
interface Place {
  parent: Place | null;
  key: string | number;
}

function pathOf(place: Place | null): string {
  const keys: (string | number)[] = [];
  for (let p = place; p; p = p.parent) keys.push(p.key);
  let path = 'variables';
  for (const key of keys.reverse()) path += typeof key === 'number' ? `[${key}]` : `.${key}`;
  // A place hundreds of levels down is named by its start and end.
  return path.length > 200 ? `${path.slice(0, 100)}…${path.slice(-100)}` : path;
}

/** The path and text of the first string (or object key) in the variables holding a control character, or null. */
function controlIn(variables: unknown): { path: string; text: string } | null {
  // Iterative: a 1 MiB body may nest deeper than the call stack goes.
  const stack: [unknown, Place | null][] = [[variables, null]];
  while (stack.length) {
    const [v, place] = stack.pop()!;
    if (typeof v === 'string') {
      if (CONTROL.test(v)) return { path: pathOf(place), text: v };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { parent: place, key: i }]);
    } else if (v && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        if (CONTROL.test(key)) return { path: pathOf(place), text: key };
        stack.push([inner, { parent: place, key }]);
      }
    }
  }
  return null;
}

/** A string literal of the query that holds a control character written as an escape, or null. */
function escapedControlIn(query: string): string | null {
  if (!ESCAPED_CONTROL.test(query)) return null;
  let found: string | null = null;
  try {
    visit(parse(query), {
      StringValue(node) {
        if (found === null && CONTROL.test(node.value)) found = node.value;
      },
    });
  } catch {
    return null; // not a document: Apollo Server answers the parse error itself
  }
  return found;
}

/**
 * Where JSON text may hold one: JSON escapes every C0 control in a string (`\u0000`), but DEL
 * may stand raw. Text without this holds none, and its parsed variables need no walk.
 */
const JSON_CONTROL = /\\u00[01][0-9A-Fa-f]|\\u007[Ff]|\x7F/;

/**
 * Refuses, with a 400 naming where, a GraphQL request whose query, operation name or variables
 * (at any depth) hold a control character, before it is planned or logged. `request` is the POST
 * body (`text` the JSON it was parsed from, if at hand), or the GET parameters.
 */
export function assertNoControlCharacters(request: unknown, text?: string): void {
  if (!request || typeof request !== 'object') return;
  const { query, operationName, variables } = request as Record<string, unknown>;
  if (typeof query === 'string') {
    if (CONTROL.test(query)) refuse('the query', 'query', query);
    const escaped = escapedControlIn(query);
    if (escaped !== null) refuse('a string in the query', 'query', escaped);
  }
  if (typeof operationName === 'string' && CONTROL.test(operationName)) refuse('the operation name', 'operationName', operationName);
  if (text !== undefined && !JSON_CONTROL.test(text)) return;
  let values = variables;
  if (typeof variables === 'string') {
    // GET: the variables are JSON in the URL; one that does not parse is Apollo Server's error to answer.
    try {
      values = JSON.parse(variables);
    } catch {
      return;
    }
  }
  const found = controlIn(values);
  if (found) refuse(found.path === 'variables' ? 'the variables' : `variable ${found.path.slice('variables.'.length)}`, found.path, found.text);
}

/** Most characters of a purpose kept (the access log stores it with every entry). */
const MAX_PURPOSE = 200;

/** Any character beyond ASCII; in a header as Node reads it, a byte 0x80 to 0xFF. */
const NOT_ASCII = /[\u0080-\uffff]/;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * Node reads header bytes as Latin-1, one character a byte, so a raw UTF-8 `X-Purpose: 低保审核`
 * (as curl sends it) arrives as `ä½\x8eä¿\x9d…`. Read those bytes back as UTF-8 when they are
 * UTF-8: that is what every client that sends them means (no purpose on the list is Latin-1
 * text, and a wrong guess would only fail to match one). Bytes that are not UTF-8 (a GBK client)
 * are refused, saying what to send, rather than stored as mojibake.
 */
function fromHeaderBytes(sent: string): string {
  if (!NOT_ASCII.test(sent) || BEYOND_LATIN1.test(sent)) return sent;
  const bytes = Buffer.from(sent, 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const message = 'the X-Purpose header is not UTF-8 (GBK?): send the purpose\'s code (e.g. X-Purpose: MINIMUM_LIVING_REVIEW), or its Chinese label percent-encoded as UTF-8 (低保审核: %E4%BD%8E%E4%BF%9D%E5%AE%A1%E6%A0%B8)';
  throw new HttpError(400, message, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field: 'x-purpose' } }] });
}

/**
 * The purpose the caller declares in `X-Purpose`, as text, or null: a code, or a Chinese label
 * percent-encoded (headers are Latin-1) or raw UTF-8. A control character in it, as sent or once
 * decoded, or bytes that are not UTF-8, are a 400 naming which. Whether it is a purpose on the
 * list, for this caller, is `acceptPurpose`'s to decide (purpose.ts).
 */
export function declaredPurpose(header: string | string[] | undefined): string | null {
  const sent = (Array.isArray(header) ? header.join(',') : header)?.trim();
  if (!sent) return null;
  if (CONTROL.test(sent)) refuse('the X-Purpose header', 'x-purpose', sent);
  const text = fromHeaderBytes(sent);
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // Not percent-encoding after all: taken as written.
  }
  if (CONTROL.test(decoded)) refuse('the X-Purpose header, once percent-decoded,', 'x-purpose', decoded);
  return decoded.trim().slice(0, MAX_PURPOSE) || null;
}
