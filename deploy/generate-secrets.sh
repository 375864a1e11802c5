#!/usr/bin/env bash
# Makes the random secrets of deploy/docker-compose.prod.yml in deploy/secrets (or $SECRETS_DIR):
# per department a database password, the database URL with it, and a gateway-to-subgraph signing
# secret, and the audit service's access-log chain key. Never overwrites an existing file (rotation is a deliberate step: docs/operations.md).
# The JWT public key and the TLS certificate come from their issuers, not from here.
set -euo pipefail
cd "$(dirname "$0")"
dir="${SECRETS_DIR:-./secrets}"
mkdir -p "$dir"
chmod 0700 "$dir"

# keep in sync with packages/config/src/services.ts (SERVICES) and docker-compose.prod.yml
services=(civil-affairs labour health education housing justice disabled-persons-federation coordination audit)

random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

write() { # file value
  if [ -e "$dir/$1" ]; then echo "kept     $1"; return; fi
  printf '%s\n' "$2" > "$dir/$1"
  # Read inside the containers as uid 1000 (node) or postgres: readable file, closed folder.
  chmod 0644 "$dir/$1"
  echo "created  $1"
}

for service in "${services[@]}"; do
  db="${service//-/_}"
  if [ -e "$dir/$service-db-password" ]; then
    password="$(tr -d '\n' < "$dir/$service-db-password")"
  else
    password="$(random_hex)"
  fi
  write "$service-db-password" "$password"
  write "$service-database-url" "postgres://$db:$password@db-$service:5432/$db"
  write "$service-signing-secret" "$(random_hex)"
done

# The schema registry: its database, the master secret the parties' publishing credentials are
# derived from (the registry and the release step hold it), and the gateways' own credential.
if [ -e "$dir/registry-db-password" ]; then
  password="$(tr -d '\n' < "$dir/registry-db-password")"
else
  password="$(random_hex)"
fi
write "registry-db-password" "$password"
write "registry-database-url" "postgres://registry:$password@db-registry:5432/registry"
write "registry-secret" "$(random_hex)"
write "gateway-registry-secret" "$(random_hex)"

# The access log's chain key (AUDIT_CHAIN_KEY_FILE): the audit service's alone, never the gateways'.
write "audit-chain-key" "$(random_hex)"

for file in jwt-public-key.pem tls.crt tls.key; do
  [ -e "$dir/$file" ] || echo "missing  $file (from the identity provider / your CA)"
done
