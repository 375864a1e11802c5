/**
 * Offline checks of the Kubernetes manifests in deploy/k8s (`npx tsx scripts/check-manifests.ts`, run
 * by .ci/run; there is no cluster to ask): every object has its required fields; selectors agree with pod labels; every
 * Service, HorizontalPodAutoscaler, PodDisruptionBudget and Ingress targets something that exists;
 * every container has pinned image, probes (/health/live, /health/ready for our services), resource
 * requests and limits, and runs unprivileged; no secret is inlined; NetworkPolicies deny by default,
 * let only the gateway and the coordination office reach a department's subgraph (the office calls
 * the departments' signed routes: sweep streams, /grants, the outboxes), only the gateway reach
 * coordination and audit, and only each subgraph reach its own database; coordination is given
 * each department's URL and signing secret and its egress admits them; the
 * kustomization lists every file. Also the production compose file's coverage and secrets, the
 * Router configuration's subgraphs, headers and limits, and the Dockerfile's hardening.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { SERVICES, envPrefix } from '@saf/config';
import { IMAGE_OUTDIR, compiledPath, imageEntries } from './bundle.mjs';

export const K8S_DIR = fileURLToPath(new URL('../deploy/k8s/', import.meta.url));

type Json = Record<string, unknown>;
export interface Manifest {
  /** Path relative to the manifests folder. */
  file: string;
  doc: Json;
}

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)?.[k], v);
const labels = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v) ?? {}).map(([k, x]) => [k, String(x)]));

/** Parses every YAML file under `dir` (each may hold several documents). */
export function loadManifests(dir: string): { manifests: Manifest[]; problems: string[] } {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const file of yamlFiles(dir)) {
    for (const document of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'), { merge: true })) {
      for (const error of document.errors) problems.push(`${file}: YAML: ${error.message}`);
      const doc = obj(document.toJS());
      if (doc) manifests.push({ file, doc });
    }
  }
  return { manifests, problems };
}

function yamlFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return yamlFiles(dir, relative);
    return /\.ya?ml$/.test(entry.name) ? [relative] : [];
  });
}

interface Workload {
  m: Manifest;
  kind: string;
  name: string;
  podLabels: Record<string, string>;
  podSpec: Json;
}

export interface CheckOptions {
  /** Subgraphs that must be deployed and fenced (default: every service in packages/config). */
  subgraphs?: readonly string[];
}

/** Problems, one line each (`file: Kind/name: what`); empty when the manifests pass. */
export function checkManifests(manifests: readonly Manifest[], options: CheckOptions = {}): string[] {
  const subgraphs = options.subgraphs ?? SERVICES.map((s) => s.name);
  const problems: string[] = [];
  const objects = manifests.filter((m) => str(m.doc.kind) !== 'Kustomization');
  const where = (m: Manifest) => `${m.file}: ${str(m.doc.kind) ?? '?'}/${str(at(m.doc, 'metadata', 'name')) ?? '?'}`;
  const problem = (m: Manifest, text: string) => problems.push(`${where(m)}: ${text}`);

  const seen = new Set<string>();
  for (const m of objects) {
    for (const field of ['apiVersion', 'kind'] as const) if (!str(m.doc[field])) problem(m, `missing ${field}`);
    if (!str(at(m.doc, 'metadata', 'name'))) problem(m, 'missing metadata.name');
    const key = `${str(m.doc.kind)}/${str(at(m.doc, 'metadata', 'name'))}`;
    if (seen.has(key)) problem(m, 'defined twice');
    seen.add(key);
  }

  const workloads: Workload[] = [];
  for (const m of objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(str(o.doc.kind) ?? ''))) {
    const w: Workload = {
      m,
      kind: str(m.doc.kind) ?? '',
      name: str(at(m.doc, 'metadata', 'name')) ?? '',
      podLabels: labels(at(m.doc, 'spec', 'template', 'metadata', 'labels')),
      podSpec: obj(at(m.doc, 'spec', 'template', 'spec')) ?? {},
    };
    workloads.push(w);
    checkWorkload(w, (text) => problem(m, text));
  }
  const selecting = (selector: unknown) => workloads.filter((w) => selects(selector, w.podLabels));

  for (const m of objects) {
    const kind = str(m.doc.kind);
    const name = str(at(m.doc, 'metadata', 'name'));
    if (kind === 'Secret') problem(m, 'a Secret in the manifests: create Secrets out of band and reference them (never inline)');
    if (kind === 'Service') {
      const selector = obj(at(m.doc, 'spec', 'selector'));
      if (!selector || Object.keys(selector).length === 0) {
        problem(m, 'Service without a selector');
        continue;
      }
      const targets = workloads.filter((w) => selects({ matchLabels: selector }, w.podLabels));
      if (targets.length === 0) problem(m, `selector ${JSON.stringify(selector)} matches no Deployment or StatefulSet's pod labels`);
      for (const port of arr(at(m.doc, 'spec', 'ports'))) {
        const target = at(port, 'targetPort') ?? at(port, 'port');
        for (const w of targets) if (!containerPort(w.podSpec, target)) problem(m, `targetPort ${String(target)} is not a container port of ${w.kind}/${w.name}`);
      }
    }
    if (kind === 'HorizontalPodAutoscaler') {
      const targetKind = str(at(m.doc, 'spec', 'scaleTargetRef', 'kind'));
      const targetName = str(at(m.doc, 'spec', 'scaleTargetRef', 'name'));
      if (!workloads.some((w) => w.kind === targetKind && w.name === targetName)) problem(m, `scaleTargetRef ${targetKind}/${targetName} does not exist`);
      const min = Number(at(m.doc, 'spec', 'minReplicas') ?? 1);
      const max = Number(at(m.doc, 'spec', 'maxReplicas'));
      if (!(min >= 1 && max >= min)) problem(m, `replicas ${min}..${max} make no sense`);
      if (arr(at(m.doc, 'spec', 'metrics')).length === 0) problem(m, 'no metrics to scale on');
    }
    if (kind === 'PodDisruptionBudget' && selecting(at(m.doc, 'spec', 'selector')).length === 0) problem(m, 'selector matches no pods');
    if (kind === 'Ingress') {
      for (const rule of arr(at(m.doc, 'spec', 'rules'))) {
        for (const p of arr(at(rule, 'http', 'paths'))) {
          const service = str(at(p, 'backend', 'service', 'name'));
          if (!objects.some((o) => str(o.doc.kind) === 'Service' && str(at(o.doc, 'metadata', 'name')) === service)) problem(m, `backend Service ${service} does not exist`);
        }
      }
    }
    if (kind === 'NetworkPolicy') {
      const selector = at(m.doc, 'spec', 'podSelector');
      if (!obj(selector)) problem(m, 'missing spec.podSelector');
      else if (!isEmptySelector(selector) && selecting(selector).length === 0) problem(m, `podSelector matches no pods (${name})`);
    }
  }

  problems.push(...checkNetworkPolicies(objects, workloads, subgraphs));
  problems.push(...checkKustomization(manifests));
  return problems;
}

function checkWorkload(w: Workload, problem: (text: string) => void): void {
  const matchLabels = labels(at(w.m.doc, 'spec', 'selector', 'matchLabels'));
  if (Object.keys(matchLabels).length === 0) problem('spec.selector.matchLabels is empty');
  for (const [k, v] of Object.entries(matchLabels)) {
    if (w.podLabels[k] !== v) problem(`selector ${k}=${v} does not match the pod template's labels`);
  }
  const containers = arr(w.podSpec.containers);
  if (containers.length === 0) problem('no containers');
  const podNonRoot = at(w.podSpec, 'securityContext', 'runAsNonRoot') === true;
  for (const c of [...arr(w.podSpec.initContainers), ...containers]) {
    const name = str(at(c, 'name')) ?? '?';
    const image = str(at(c, 'image')) ?? '';
    if (!pinned(image)) problem(`container ${name}: image "${image}" is not pinned (use a version tag or a digest, never latest)`);
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) if (at(c, 'resources', kind, resource) === undefined) problem(`container ${name}: no resources.${kind}.${resource}`);
    }
    if (!podNonRoot && at(c, 'securityContext', 'runAsNonRoot') !== true) problem(`container ${name}: runAsNonRoot is not set`);
    if (at(c, 'securityContext', 'allowPrivilegeEscalation') !== false) problem(`container ${name}: allowPrivilegeEscalation is not false`);
    for (const e of arr(at(c, 'env'))) {
      const envName = str(at(e, 'name')) ?? '';
      if (/(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|DATABASE_URL)$/.test(envName) && at(e, 'value') !== undefined) {
        problem(`container ${name}: ${envName} is inlined; reference a Secret (valueFrom or ${envName}_FILE)`);
      }
    }
  }
  for (const c of containers) {
    const name = str(at(c, 'name')) ?? '?';
    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      const p = at(c, probe);
      if (!obj(p)) {
        problem(`container ${name}: no ${probe}`);
        continue;
      }
      const httpPort = at(p, 'httpGet', 'port');
      if (httpPort !== undefined && !containerPort(w.podSpec, httpPort)) problem(`container ${name}: ${probe} port ${String(httpPort)} is not a container port`);
    }
    // Our own services (the image with SERVICE) answer /health/live and /health/ready.
    if (arr(at(c, 'env')).some((e) => str(at(e, 'name')) === 'SERVICE')) {
      if (at(c, 'livenessProbe', 'httpGet', 'path') !== '/health/live') problem(`container ${name}: livenessProbe must GET /health/live`);
      if (at(c, 'readinessProbe', 'httpGet', 'path') !== '/health/ready') problem(`container ${name}: readinessProbe must GET /health/ready`);
    }
  }
}

/** A version tag other than latest, or a digest. */
function pinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest' && /\d/.test(tag);
}

function containerPort(podSpec: Json, port: unknown): boolean {
  return arr(podSpec.containers).some((c) =>
    arr(at(c, 'ports')).some((p) => (typeof port === 'number' ? at(p, 'containerPort') === port : at(p, 'name') === port || String(at(p, 'containerPort')) === port)),
  );
}

function isEmptySelector(selector: unknown): boolean {
  return Object.keys(obj(at(selector, 'matchLabels')) ?? {}).length === 0 && arr(at(selector, 'matchExpressions')).length === 0;
}

/** Kubernetes label selector semantics (matchLabels and matchExpressions). */
export function selects(selector: unknown, podLabels: Record<string, string>): boolean {
  if (!obj(selector)) return false;
  for (const [k, v] of Object.entries(labels(at(selector, 'matchLabels')))) if (podLabels[k] !== v) return false;
  for (const e of arr(at(selector, 'matchExpressions'))) {
    const key = str(at(e, 'key')) ?? '';
    const values = arr(at(e, 'values')).map(String);
    const has = key in podLabels;
    const value = podLabels[key];
    switch (str(at(e, 'operator'))) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function checkNetworkPolicies(objects: readonly Manifest[], workloads: readonly Workload[], subgraphs: readonly string[]): string[] {
  const problems: string[] = [];
  const policies = objects.filter((m) => str(m.doc.kind) === 'NetworkPolicy');
  const types = (p: Manifest) => arr(at(p.doc, 'spec', 'policyTypes')).map(String);
  const defaultDeny = policies.some(
    (p) =>
      isEmptySelector(at(p.doc, 'spec', 'podSelector')) &&
      types(p).includes('Ingress') &&
      types(p).includes('Egress') &&
      arr(at(p.doc, 'spec', 'ingress')).length === 0 &&
      arr(at(p.doc, 'spec', 'egress')).length === 0,
  );
  if (!defaultDeny) problems.push('NetworkPolicy: no default deny (podSelector {}, policyTypes Ingress and Egress, no rules)');

  const workload = (name: string) => workloads.find((w) => w.name === name);
  /** The workloads one `from`/`to` peer admits; null when it admits more than pods of this namespace. */
  const admitted = (peer: unknown): Workload[] | null => {
    if (at(peer, 'ipBlock') !== undefined || at(peer, 'namespaceSelector') !== undefined) return null;
    const selector = at(peer, 'podSelector');
    return workloads.filter((w) => selects(selector, w.podLabels));
  };
  /** Who may open connections to `target`: the union over the policies that select it; null = anyone. */
  const sources = (target: Workload): { policies: number; from: Set<string> | null } => {
    const selecting = policies.filter((p) => types(p).includes('Ingress') && selects(at(p.doc, 'spec', 'podSelector'), target.podLabels));
    const from = new Set<string>();
    for (const p of selecting) {
      for (const rule of arr(at(p.doc, 'spec', 'ingress'))) {
        const peers = arr(at(rule, 'from'));
        if (peers.length === 0) return { policies: selecting.length, from: null };
        for (const peer of peers) {
          const ws = admitted(peer);
          if (ws === null) return { policies: selecting.length, from: null };
          for (const w of ws) from.add(w.name);
        }
      }
    }
    return { policies: selecting.length, from };
  };
  const only = (target: Workload, allowed: string[], what: string) => {
    const { policies: count, from } = sources(target);
    if (count === 0 || !isFenced(target)) return problems.push(`NetworkPolicy: nothing restricts who reaches ${target.kind}/${target.name}`);
    if (from === null) return problems.push(`NetworkPolicy: ${target.kind}/${target.name} admits traffic from outside its namespace or from anyone; only ${what} may reach it`);
    const extra = [...from].filter((n) => !allowed.includes(n));
    if (extra.length > 0) problems.push(`NetworkPolicy: ${extra.join(', ')} may reach ${target.kind}/${target.name}; only ${what} may`);
    return undefined;
  };
  const isFenced = (target: Workload) => defaultDeny || policies.some((p) => types(p).includes('Ingress') && selects(at(p.doc, 'spec', 'podSelector'), target.podLabels));

  if (!workload('gateway')) problems.push('Deployment/gateway: missing');
  for (const name of subgraphs) {
    const subgraph = workload(name);
    if (!subgraph) {
      problems.push(`Deployment/${name}: missing (every subgraph in packages/config SERVICES is deployed)`);
      continue;
    }
    if (DEPARTMENT_SUBGRAPHS.includes(name)) only(subgraph, ['gateway', 'coordination'], 'the gateway and the coordination office');
    else only(subgraph, ['gateway'], 'the gateway');
    const database = workload(`db-${name}`);
    if (!database) {
      problems.push(`StatefulSet/db-${name}: missing (each subgraph has its own database)`);
      continue;
    }
    only(database, [name], `${name}'s own subgraph`);
  }
  problems.push(...checkRegistryPolicies(workload, only));
  problems.push(...checkCoordinationLinks(policies, workload, admitted, subgraphs.filter((s) => DEPARTMENT_SUBGRAPHS.includes(s))));
  return problems;
}

/** The departments' subgraphs (packages/config SERVICES with a department): those coordination calls directly. */
const DEPARTMENT_SUBGRAPHS: readonly string[] = SERVICES.filter((s) => s.department !== null).map((s) => s.name);

/**
 * The coordination office calls each department's signed routes (sweep streams, /grants, the
 * outboxes; subgraphs/coordination/src/config.ts): its Deployment names each department's Service
 * in `<NAME>_URL`, has `<NAME>_SIGNING_SECRET_FILE`, and its egress admits each department's pods.
 */
function checkCoordinationLinks(
  policies: readonly Manifest[],
  workload: (name: string) => Workload | undefined,
  admitted: (peer: unknown) => Workload[] | null,
  departments: readonly string[],
): string[] {
  const coordination = workload('coordination');
  if (!coordination) return [];
  const problems: string[] = [];
  const env = new Map(arr(coordination.podSpec.containers).flatMap((c) => arr(at(c, 'env'))).map((e) => [str(at(e, 'name')) ?? '', str(at(e, 'value'))]));
  const egress = policies.filter((p) => arr(at(p.doc, 'spec', 'policyTypes')).includes('Egress') && selects(at(p.doc, 'spec', 'podSelector'), coordination.podLabels));
  // A rule admits the target when a peer selects its pods in this namespace (a peer naming other
  // namespaces, such as DNS's, does not count) and its ports, if any, include the target's.
  const reaches = (target: Workload) =>
    egress.length === 0 ||
    egress.some((p) =>
      arr(at(p.doc, 'spec', 'egress')).some((rule) => {
        const peers = arr(at(rule, 'to'));
        const ports = arr(at(rule, 'ports')).map((x) => at(x, 'port'));
        const toPeer = peers.length === 0 || peers.some((peer) => admitted(peer)?.includes(target) ?? false);
        return toPeer && (ports.length === 0 || ports.some((port) => containerPort(target.podSpec, port)));
      }),
    );
  for (const name of departments) {
    const prefix = envPrefix(name);
    const url = env.get(`${prefix}_URL`);
    if (!url) problems.push(`Deployment/coordination: no ${prefix}_URL (it calls ${name}'s routes directly: sweep streams, /grants, the outbox)`);
    else if (URL.canParse(url) && new URL(url).hostname !== name) problems.push(`Deployment/coordination: ${prefix}_URL ${url} does not name the ${name} Service`);
    if (!env.has(`${prefix}_SIGNING_SECRET_FILE`) && !env.has(`${prefix}_SIGNING_SECRET`)) problems.push(`Deployment/coordination: no ${prefix}_SIGNING_SECRET_FILE (it signs its calls to ${name})`);
    const target = workload(name);
    if (target && !reaches(target)) problems.push(`NetworkPolicy: coordination's egress does not admit Deployment/${name}`);
  }
  return problems;
}

/**
 * The schema registry (registry.yaml): deployed with its own database, reached only by the gateways
 * (and release jobs, which are no workload of the manifests), its database only by it; the
 * gateway pulls from it (REGISTRY_URL naming its Service) and keeps the supergraph file to start from.
 */
function checkRegistryPolicies(workload: (name: string) => Workload | undefined, only: (target: Workload, allowed: string[], what: string) => unknown): string[] {
  const problems: string[] = [];
  const registry = workload('registry');
  if (!registry) return ['Deployment/registry: missing (the schema registry the gateways pull the supergraph from)'];
  only(registry, ['gateway'], 'the gateway and release jobs');
  const database = workload('db-registry');
  if (!database) problems.push('StatefulSet/db-registry: missing (the registry has its own database)');
  else only(database, ['registry'], 'the registry');
  const gateway = workload('gateway');
  const env = new Map(arr(at(arr(gateway?.podSpec.containers)[0], 'env')).map((e) => [str(at(e, 'name')) ?? '', str(at(e, 'value'))]));
  if (gateway) {
    const url = env.get('REGISTRY_URL');
    if (!url) problems.push('Deployment/gateway: no REGISTRY_URL (it would never pull from the schema registry)');
    else if (new URL(url).hostname !== 'registry') problems.push(`Deployment/gateway: REGISTRY_URL ${url} does not name the registry Service`);
    if (!env.get('SUPERGRAPH_PATH')) problems.push('Deployment/gateway: no SUPERGRAPH_PATH (the supergraph it starts from when the registry cannot answer)');
  }
  return problems;
}

function checkKustomization(manifests: readonly Manifest[]): string[] {
  const kustomization = manifests.find((m) => str(m.doc.kind) === 'Kustomization');
  if (!kustomization) return ['kustomization.yaml: missing'];
  const listed = new Set(arr(kustomization.doc.resources).map(String));
  const files = new Set(manifests.filter((m) => m !== kustomization).map((m) => m.file));
  const problems: string[] = [];
  for (const file of files) if (!listed.has(file)) problems.push(`kustomization.yaml: ${file} is not in resources (it would never be applied)`);
  for (const file of listed) if (!files.has(file)) problems.push(`kustomization.yaml: resource ${file} does not exist`);
  for (const image of arr(kustomization.doc.images)) {
    if (!str(at(image, 'newTag')) && !str(at(image, 'digest'))) problems.push(`kustomization.yaml: image ${String(at(image, 'name'))} has no newTag or digest`);
    if (str(at(image, 'newTag')) === 'latest') problems.push(`kustomization.yaml: image ${String(at(image, 'name'))} is pinned to latest`);
  }
  return problems;
}

/**
 * The production compose file (deploy/docker-compose.prod.yml, anchors resolved) deploys every
 * subgraph with its own database, lets only the gateways (and, to a department, coordination, with
 * its URL and secret) reach a subgraph, and gives no secret as a literal (docker-compose itself checks
 * the schema and `depends_on`).
 */
export function checkComposeFile(doc: unknown, subgraphs: readonly string[] = SERVICES.map((s) => s.name)): string[] {
  const problems: string[] = [];
  const services = obj(at(doc, 'services')) ?? {};
  for (const name of subgraphs) {
    for (const service of [name, `db-${name}`]) if (!services[service]) problems.push(`compose: service ${service} is missing`);
    const networks = (s: string) => networksOf(services, s);
    const dbNetworks = networks(`db-${name}`);
    for (const other of Object.keys(services)) {
      if (other === name || other === `db-${name}`) continue;
      if ([...networks(other)].some((n) => dbNetworks.has(n))) problems.push(`compose: ${other} shares a network with db-${name}; only ${name} may reach it`);
    }
  }
  // A subgraph's own network (sg-<name>): only the gateways and, for a department, the coordination office.
  for (const name of subgraphs) {
    const department = DEPARTMENT_SUBGRAPHS.includes(name);
    const members = Object.keys(services).filter((s) => networksOf(services, s).has(`sg-${name}`));
    for (const other of members) {
      if (other === name || other.startsWith('gateway') || (department && other === 'coordination')) continue;
      problems.push(`compose: ${other} is on sg-${name}; only the gateways${department ? ' and coordination' : ''} may reach ${name}`);
    }
    if (department && services.coordination) {
      const prefix = envPrefix(name);
      const environment = obj(at(services, 'coordination', 'environment')) ?? {};
      if (!members.includes('coordination')) problems.push(`compose: coordination is not on sg-${name} (it calls ${name}'s routes directly)`);
      if (!environment[`${prefix}_URL`]) problems.push(`compose: coordination has no ${prefix}_URL`);
      if (!(`${prefix}_SIGNING_SECRET_FILE` in environment)) problems.push(`compose: coordination has no ${prefix}_SIGNING_SECRET_FILE`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    if (at(service, 'healthcheck') === undefined) problems.push(`compose: service ${name} has no healthcheck`);
    const environment = obj(at(service, 'environment')) ?? {};
    for (const [key, value] of Object.entries(environment)) {
      if (/(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|DATABASE_URL)$/.test(key) && value !== null && value !== undefined) {
        problems.push(`compose: service ${name}: ${key} is given inline; use ${key}_FILE and a secret`);
      }
    }
  }
  return problems;
}

function networksOf(services: Json, s: string): Set<string> {
  const networks = at(services, s, 'networks');
  return new Set(Array.isArray(networks) ? networks.map(String) : Object.keys(obj(networks) ?? {}));
}

/**
 * The access log's chain key goes to the audit service and nowhere else (a gateway or another
 * subgraph holding it could forge the log): in the compose file, only `audit` sets AUDIT_CHAIN_…
 * or mounts the `audit-chain-key` secret, and it does; in Kubernetes, only the audit Deployment
 * sets AUDIT_CHAIN_… or mounts the Secret `saf-audit-chain`, and it does.
 */
export function checkChainKeyCustody(manifests: readonly Manifest[], compose: unknown): string[] {
  const problems: string[] = [];
  const services = obj(at(compose, 'services')) ?? {};
  for (const [name, service] of Object.entries(services)) {
    const keyVars = Object.keys(obj(at(service, 'environment')) ?? {}).filter((k) => k.startsWith('AUDIT_CHAIN_'));
    const secrets = arr(at(service, 'secrets')).map((x) => str(x) ?? str(at(x, 'source')));
    const holds = keyVars.length > 0 || secrets.includes('audit-chain-key');
    if (name === 'audit' && !keyVars.includes('AUDIT_CHAIN_KEY_FILE')) problems.push('compose: service audit has no AUDIT_CHAIN_KEY_FILE (production refuses to start without the chain key)');
    if (name !== 'audit' && holds) problems.push(`compose: service ${name} is given the access log's chain key; only audit may hold it`);
  }
  for (const m of manifests) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(str(m.doc.kind) ?? '')) continue;
    const name = str(at(m.doc, 'metadata', 'name'));
    const spec = at(m.doc, 'spec', 'template', 'spec');
    const keyVars = arr(at(spec, 'containers')).flatMap((c) => arr(at(c, 'env')).map((e) => str(at(e, 'name')) ?? '')).filter((k) => k.startsWith('AUDIT_CHAIN_'));
    const volumes = arr(at(spec, 'volumes'));
    const mounts = volumes.some((v) => str(at(v, 'secret', 'secretName')) === 'saf-audit-chain' || arr(at(v, 'projected', 'sources')).some((src) => str(at(src, 'secret', 'name')) === 'saf-audit-chain'));
    const audit = m.doc.kind === 'Deployment' && name === 'audit';
    if (audit && (!keyVars.includes('AUDIT_CHAIN_KEY_FILE') || !mounts)) problems.push(`${m.file}: Deployment/audit does not get the chain key (AUDIT_CHAIN_KEY_FILE from the Secret saf-audit-chain)`);
    if (!audit && (keyVars.length > 0 || mounts)) problems.push(`${m.file}: ${str(m.doc.kind)}/${name} is given the access log's chain key; only the audit Deployment may hold it`);
  }
  return problems;
}

/**
 * deploy/router.yaml (no Router binary offline, so only what we rely on): every subgraph has a URL
 * override and no other, x-request-id and x-purpose are propagated, the operation limits are set.
 */
export function checkRouterConfig(doc: unknown, subgraphs: readonly string[] = SERVICES.map((s) => s.name)): string[] {
  const problems: string[] = [];
  const urls = Object.keys(obj(at(doc, 'override_subgraph_url')) ?? {});
  for (const name of subgraphs) if (!urls.includes(name)) problems.push(`router.yaml: no override_subgraph_url for ${name}`);
  for (const name of urls) if (!subgraphs.includes(name)) problems.push(`router.yaml: override_subgraph_url for unknown subgraph ${name}`);
  const propagated = arr(at(doc, 'headers', 'all', 'request')).map((rule) => str(at(rule, 'propagate', 'named'))?.toLowerCase());
  for (const header of ['x-request-id', 'x-purpose']) if (!propagated.includes(header)) problems.push(`router.yaml: ${header} is not propagated to subgraphs`);
  for (const limit of ['max_depth', 'max_aliases', 'max_root_fields']) {
    if (typeof at(doc, 'limits', 'router', limit) !== 'number') problems.push(`router.yaml: limits.router.${limit} is not set`);
  }
  return problems;
}

/**
 * The Dockerfile builds in stages, ships production dependencies only, runs unprivileged with a
 * HEALTHCHECK, from a pinned base image; .dockerignore keeps history, tests and local data out.
 */
export function checkDockerfile(dockerfile: string, dockerignore: string): string[] {
  const problems: string[] = [];
  const lines = dockerfile.split('\n').map((l) => l.trim());
  const args = new Map([...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  const froms = lines.filter((l) => /^FROM\s/i.test(l)).map((l) => l.split(/\s+/)[1] ?? '');
  if (froms.length < 2) problems.push('Dockerfile: not a multi-stage build');
  for (const from of froms) {
    const image = from.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? from);
    if (!pinned(image)) problems.push(`Dockerfile: base image ${image} is not pinned`);
  }
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
  if (!user || user === 'root' || user === '0') problems.push('Dockerfile: the final stage does not switch to a non-root USER');
  if (!/^HEALTHCHECK\s/m.test(finalStage)) problems.push('Dockerfile: no HEALTHCHECK in the final stage');
  if (!/npm ci[^\n]*--omit=dev/.test(dockerfile)) problems.push('Dockerfile: dependencies are not installed with --omit=dev');
  // The gateway serves the console at /: the image must carry its built files (not its toolchain).
  if (!/^COPY --from=\S+ \S*console\/dist \S*console\/dist/m.test(finalStage)) problems.push('Dockerfile: the final stage does not copy the built console (console/dist)');
  if (/^COPY --from=\S+ \/app\/console\s/m.test(finalStage)) problems.push('Dockerfile: the final stage copies the console sources or toolchain, not only console/dist');
  problems.push(...checkCompiledCommands('Dockerfile', finalStage));
  if (!/node scripts\/bundle\.mjs --image/.test(dockerfile)) problems.push('Dockerfile: the services are not compiled (node scripts/bundle.mjs --image)');
  if (!new RegExp(`^COPY --from=\\S+ (/app/)?${IMAGE_OUTDIR}/? (\\./)?${IMAGE_OUTDIR}/?$`, 'm').test(finalStage)) problems.push(`Dockerfile: the final stage does not copy the compiled services (${IMAGE_OUTDIR}/)`);
  const ignored = new Set(dockerignore.split('\n').map((l) => l.trim()));
  for (const entry of ['.git', 'node_modules', '.data', '**/test']) if (!ignored.has(entry)) problems.push(`.dockerignore: ${entry} is not excluded`);
  if (!ignored.has('tests') && !ignored.has('tests/*')) problems.push('.dockerignore: tests is not excluded');
  return problems;
}

/**
 * The image runs compiled files, not tsx: every `dist/….mjs` that `text` (a Dockerfile's final
 * stage, a compose file) starts must be one that `node scripts/bundle.mjs --image` writes
 * (`$SERVICE` standing for each subgraph), and no command starts a service under tsx.
 */
export function checkCompiledCommands(where: string, text: string, subgraphs: readonly string[] = SERVICES.map((s) => s.name)): string[] {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = new Set(imageEntries(root).map((e) => path.relative(root, compiledPath(path.join(root, IMAGE_OUTDIR), e))));
  const problems: string[] = [];
  for (const [file] of text.matchAll(new RegExp(`${IMAGE_OUTDIR}/[\\w./$-]+\\.mjs`, 'g'))) {
    const files = file.includes('$SERVICE') ? subgraphs.map((name) => file.replace('$SERVICE', name)) : [file];
    for (const f of files) if (!built.has(f)) problems.push(`${where}: ${f} is not compiled into the image (scripts/bundle.mjs imageEntries)`);
  }
  for (const line of text.split('\n')) if (/^\s*(CMD|HEALTHCHECK|command:|test:|.*CMD\s*\[)/.test(line) && /--import[", ]+tsx/.test(line)) problems.push(`${where}: runs under tsx, not compiled: ${line.trim().slice(0, 100)}`);
  return problems;
}

export const DOCKERFILE = fileURLToPath(new URL('../Dockerfile', import.meta.url));
export const DOCKERIGNORE = fileURLToPath(new URL('../.dockerignore', import.meta.url));
export const ROUTER_FILE = fileURLToPath(new URL('../deploy/router.yaml', import.meta.url));
export const PROD_COMPOSE_FILE = fileURLToPath(new URL('../deploy/docker-compose.prod.yml', import.meta.url));
export const DEV_COMPOSE_FILE = fileURLToPath(new URL('../docker-compose.yml', import.meta.url));

function main(): number {
  const dir = process.argv[2] ? path.resolve(process.argv[2]) : K8S_DIR;
  const { manifests, problems } = loadManifests(dir);
  problems.push(...checkManifests(manifests));
  const compose = parseAllDocuments(readFileSync(PROD_COMPOSE_FILE, 'utf8'), { merge: true })[0]?.toJS();
  problems.push(...checkComposeFile(compose));
  problems.push(...checkCompiledCommands('docker-compose.prod.yml', readFileSync(PROD_COMPOSE_FILE, 'utf8')));
  problems.push(...checkCompiledCommands('docker-compose.yml', readFileSync(DEV_COMPOSE_FILE, 'utf8')));
  problems.push(...checkChainKeyCustody(manifests, compose));
  const router = parseAllDocuments(readFileSync(ROUTER_FILE, 'utf8'))[0]?.toJS();
  problems.push(...checkRouterConfig(router));
  problems.push(...checkDockerfile(readFileSync(DOCKERFILE, 'utf8'), readFileSync(DOCKERIGNORE, 'utf8')));
  if (problems.length > 0) {
    process.stderr.write(`deploy/k8s: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  const kinds = new Map<string, number>();
  for (const m of manifests) kinds.set(String(m.doc.kind), (kinds.get(String(m.doc.kind)) ?? 0) + 1);
  process.stdout.write(`deploy/k8s: ${manifests.length} objects pass (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); deploy/docker-compose.prod.yml, deploy/router.yaml and the Dockerfile pass\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
