/**
 * `npm run token -- --role CASEWORKER --region 654002 [--department X] [--sub NAME] [--ttl 8h]`:
 * prints a token signed with the development key, and nothing else, on one line of stdout.
 * Bad arguments exit 2 with the usage; NODE_ENV=production is refused (exit 1).
 */
import { parseArgs } from 'node:util';
import { authEnv, parseCaller, parseDuration, ROLES, signDevToken } from '@saf/auth';
import { commonEnv, parseEnv } from '@saf/config';
import { DEPARTMENTS } from '@saf/programmes';

const MAX_TTL_SECONDS = 30 * 86_400;

const USAGE = `usage: npm run token -- --role ROLE [--region PREFIX] [--department DEPARTMENT] [--sub NAME] [--ttl 8h]
  --role        ${ROLES.join(' | ')}
  --region      jurisdiction prefix of 2, 4, 6, 9 or 12 digits (required for CASEWORKER), e.g. 654002
  --department  ${DEPARTMENTS.join(' | ')} (required for DEPARTMENT_OFFICER)
  --sub         who the token is for (default dev-<role>)
  --ttl         lifetime: 90s, 15m, 8h, 7d (default 8h, at most 30d)`;

class UsageError extends Error {}

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        region: { type: 'string' },
        department: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string', default: '8h' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return null;
  if (!values.role) throw new UsageError('--role is required');
  const role = values.role.toUpperCase();
  const ttl = parseDuration(values.ttl);
  if (ttl === null || ttl > MAX_TTL_SECONDS) throw new UsageError(`--ttl ${values.ttl}: use e.g. 90s, 15m, 8h, 7d (at most 30d)`);
  const parsed = parseCaller({
    sub: values.sub ?? `dev-${role.toLowerCase().replaceAll('_', '-')}`,
    role,
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.department !== undefined ? { department: values.department.toUpperCase() } : {}),
  });
  if (!parsed.ok) throw new UsageError(parsed.reason);
  return { caller: parsed.caller, ttl };
}

async function main(): Promise<number> {
  const env = parseEnv(commonEnv.extend(authEnv.shape));
  if (env.NODE_ENV === 'production') {
    process.stderr.write('npm run token: refused with NODE_ENV=production; production accepts no development-key tokens, only those of the configured issuer\n');
    return 1;
  }
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`npm run token: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL) {
    process.stderr.write('warning: JWT_PUBLIC_KEY / JWT_JWKS_URL is set, so the gateway will not accept this development token\n');
  }
  process.stdout.write(`${await signDevToken(args.caller, { expiresIn: args.ttl })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm run token failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
