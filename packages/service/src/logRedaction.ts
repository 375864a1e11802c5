/**
 * Errors as the logs may hold them: no person data. A failed query's error carries the values it
 * was run with: drizzle's `DrizzleQueryError` has them in `params` and at the end of its message
 * ("Failed query: … params: 6540…,王芳"), a GraphQLError around it copies that message and stack,
 * and PostgreSQL's error (its `cause`) has key values and whole rows in `detail` ("Key (id)=(6540…)
 * already exists", "Failing row contains (…)") and, for a bad value, the value in its message.
 * What an operator needs stays: the error's type, the SQLSTATE `code`, the constraint, table and
 * column, the statement with its `$1` placeholders (`query`), and the stack's frames.
 */

/** Properties that hold the values a statement ran with, or rows, never logged. */
const VALUE_KEYS = new Set(['params', 'detail', 'where', 'hint', 'internalQuery', 'parameters', 'values']);
const MAX_DEPTH = 6;

// A value quoted by PostgreSQL in a data exception's message, and key or row values in a detail.
const VALUE_IN_MESSAGE: [RegExp, string][] = [
  [/(invalid input syntax for type [^:]{1,60}: )"(?:[^"]|"")*"/g, '$1"[redacted]"'],
  [/(invalid input value for enum [^:]{1,120}: )"(?:[^"]|"")*"/g, '$1"[redacted]"'],
  [/(date\/time field value out of range: )"(?:[^"]|"")*"/g, '$1"[redacted]"'],
  [/(value )"(?:[^"]|"")*"( is out of range for type)/g, '$1"[redacted]"$2'],
  [/(Key \([^)]*\)=)\([\s\S]*?\)( already exists| is not present| conflicts)/g, '$1([redacted])$2'],
  [/(Failing row contains )\([\s\S]*\)/g, '$1([redacted])'],
];

/** Text as the logs may hold it: a failed query's parameters and quoted values removed. */
export function redactErrorText(text: string): string {
  // drizzle puts the parameters last: everything after them is theirs, newlines included.
  const params = text.indexOf('\nparams: ');
  let safe = params === -1 ? text : `${text.slice(0, params)}\nparams: [redacted]`;
  for (const [pattern, replacement] of VALUE_IN_MESSAGE) safe = safe.replace(pattern, replacement);
  return safe;
}

interface ErrorLike {
  message: string;
  stack?: unknown;
  cause?: unknown;
  originalError?: unknown;
  [key: string]: unknown;
}

const isErrorLike = (value: unknown): value is ErrorLike => typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';

/** The stack's frames under the safe first line: the original first lines repeat the message. */
function safeStack(stack: unknown, head: string): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [head, ...frames].join('\n');
}

function serialize(err: ErrorLike, depth: number, seen: Set<object>): Record<string, unknown> {
  seen.add(err);
  const type = typeof err.constructor === 'function' && err.constructor.name !== 'Object' ? err.constructor.name : String(err.name ?? 'Error');
  const message = redactErrorText(err.message);
  const out: Record<string, unknown> = { type, message, stack: safeStack(err.stack, `${type}: ${message}`) };
  for (const key in err) {
    if (key in out || VALUE_KEYS.has(key) || key === 'cause' || key === 'originalError') continue;
    const value = err[key];
    if (isErrorLike(value)) {
      if (depth < MAX_DEPTH && !seen.has(value)) out[key] = serialize(value, depth + 1, seen);
    } else if (typeof value === 'string') {
      out[key] = redactErrorText(value);
    } else if (typeof value !== 'function') {
      out[key] = value;
    }
  }
  // A GraphQLError keeps the resolver's error in `originalError` (not enumerable), others in `cause`.
  const cause = isErrorLike(err.originalError) ? err.originalError : isErrorLike(err.cause) ? err.cause : undefined;
  if (cause && depth < MAX_DEPTH && !seen.has(cause)) out.cause = serialize(cause, depth + 1, seen);
  return out;
}

/** pino serializer for `err` (and `error`): an Error, or an error's message logged as a string. */
export function serializeError(value: unknown): unknown {
  if (typeof value === 'string') return redactErrorText(value);
  return isErrorLike(value) ? serialize(value, 0, new Set()) : value;
}
