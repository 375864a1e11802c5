import { hkdfSync } from 'node:crypto';
import { envPrefix } from '@saf/config';
import { AuthConfigError } from './errors.ts';
import { secretBytes } from './secrets.ts';

/**
 * The development master secret of the schema registry's credentials, committed like the other
 * development secrets and refused in production.
 */
export const DEV_REGISTRY_SECRET = 'dev-only-insecure-schema-registry-master-secret';

// keep in sync: the registry, `npm run schema:publish` and the gateway derive the same key.
const REGISTRY_SALT = 'saf/schema-registry/v1';

/**
 * The credential one party shares with the schema registry (registry/): a department's service to
 * publish its own schema, the gateway to pull the supergraph and report operations, `operator` to
 * read the history. `<PARTY>_REGISTRY_SECRET` when set (e.g. `PUBLIC_SECURITY_REGISTRY_SECRET`), else
 * HKDF-SHA256 of `REGISTRY_SECRET` (the registry's master, which only the registry and the operator
 * hold) with the party's name, else (not in production) of the development master. A credential is
 * not the party's gateway signing secret: the gateway holds every one of those, and must not be able
 * to publish for a department.
 */
export function registryCredential(party: string, env: Readonly<Record<string, string | undefined>>, nodeEnv: string | undefined): Buffer {
  const explicitVar = `${envPrefix(party)}_REGISTRY_SECRET`;
  const explicit = env[explicitVar] || undefined;
  if (explicit !== undefined) {
    if (nodeEnv === 'production' && explicit === DEV_REGISTRY_SECRET) throw new AuthConfigError(`${explicitVar}: production refuses the development secret`);
    return secretBytes(explicit, explicitVar);
  }
  const master = env.REGISTRY_SECRET || undefined;
  if (master === undefined && nodeEnv === 'production') throw new AuthConfigError(`NODE_ENV=production needs REGISTRY_SECRET or ${explicitVar} (at least 32 bytes)`);
  if (nodeEnv === 'production' && master === DEV_REGISTRY_SECRET) throw new AuthConfigError('REGISTRY_SECRET: production refuses the development secret');
  const key = secretBytes(master ?? DEV_REGISTRY_SECRET, 'REGISTRY_SECRET');
  return Buffer.from(hkdfSync('sha256', key, REGISTRY_SALT, `party:${party}`, 32));
}
