import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SERVICES } from '@saf/config';
import {
  DOCKERFILE,
  DOCKERIGNORE,
  K8S_DIR,
  PROD_COMPOSE_FILE,
  ROUTER_FILE,
  checkComposeFile,
  checkCompiledCommands,
  checkDockerfile,
  checkManifests,
  checkRouterConfig,
  loadManifests,
  selects,
  type Manifest,
} from '../check-manifests.ts';

type Json = Record<string, any>;

/** A deep copy of the committed manifests, to break one thing at a time. */
function committed(): Manifest[] {
  const { manifests, problems } = loadManifests(K8S_DIR);
  expect(problems).toEqual([]);
  return structuredClone(manifests);
}
const find = (manifests: Manifest[], kind: string, name: string): Json => {
  const m = manifests.find((x) => x.doc.kind === kind && (x.doc.metadata as Json | undefined)?.name === name);
  if (!m) throw new Error(`${kind}/${name} not in deploy/k8s`);
  return m.doc as Json;
};

describe('deploy/k8s manifest checks', () => {
  it('passes the committed manifests and compose file', () => {
    expect(checkManifests(committed())).toEqual([]);
    const compose = parseAllDocuments(readFileSync(PROD_COMPOSE_FILE, 'utf8'), { merge: true })[0]?.toJS();
    expect(checkComposeFile(compose)).toEqual([]);
  });

  it('names each thing wrong in a broken manifest', () => {
    const manifests = committed();
    const labour = find(manifests, 'Deployment', 'labour');
    const container = labour.spec.template.spec.containers[0];
    delete container.readinessProbe;
    container.image = 'registry.example.gov.cn/saf/saf:latest';
    delete container.resources.limits;
    container.env.push({ name: 'LABOUR_SIGNING_SECRET', value: 'inline' });
    labour.spec.selector.matchLabels['app.kubernetes.io/name'] = 'labor';
    find(manifests, 'Service', 'health').spec.selector = { 'app.kubernetes.io/name': 'helth' };
    find(manifests, 'HorizontalPodAutoscaler', 'gateway').spec.scaleTargetRef.name = 'gateways';
    // Housing's database opened to every pod in the namespace; justice's subgraph to the labour subgraph.
    find(manifests, 'NetworkPolicy', 'db-housing').spec.ingress[0].from = [{ podSelector: {} }];
    find(manifests, 'NetworkPolicy', 'justice').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'labour' } } });
    // Education's subgraph without any policy, and no default deny to fall back on.
    const withoutPolicies = manifests.filter((m) => !(m.doc.kind === 'NetworkPolicy' && ['education', 'default-deny'].includes((m.doc.metadata as Json).name)));

    const problems = checkManifests(withoutPolicies);
    const expected = [
      /Deployment\/labour: container labour: image ".*:latest" is not pinned/,
      /Deployment\/labour: container labour: no resources\.limits\.cpu/,
      /Deployment\/labour: container labour: no resources\.limits\.memory/,
      /Deployment\/labour: container labour: LABOUR_SIGNING_SECRET is inlined/,
      /Deployment\/labour: container labour: no readinessProbe/,
      /Deployment\/labour: container labour: readinessProbe must GET \/health\/ready/,
      /Deployment\/labour: selector app\.kubernetes\.io\/name=labor does not match/,
      /Service\/health: selector .* matches no Deployment/,
      /HorizontalPodAutoscaler\/gateway: scaleTargetRef Deployment\/gateways does not exist/,
      /NetworkPolicy: no default deny/,
      /NetworkPolicy: nothing restricts who reaches Deployment\/education/,
      /may reach StatefulSet\/db-housing; only housing's own subgraph may/,
      /NetworkPolicy: labour may reach Deployment\/justice; only the gateway and the coordination office may/,
    ];
    for (const pattern of expected) expect(problems, `expected a problem matching ${pattern}`).toContainEqual(expect.stringMatching(pattern));
    expect(problems).toHaveLength(expected.length);
  });

  it('requires every subgraph to be deployed with its own database, and an inlined Secret is refused', () => {
    const manifests = committed().filter((m) => !(m.file === 'subgraphs/justice.yaml'));
    manifests.push({ file: 'secret.yaml', doc: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'saf-labour' }, stringData: { 'signing-secret': 'x' } } });
    const problems = checkManifests(manifests);
    expect(problems).toContainEqual('Deployment/justice: missing (every subgraph in packages/config SERVICES is deployed)');
    expect(problems).toContainEqual(expect.stringMatching(/secret\.yaml: Secret\/saf-labour: a Secret in the manifests/));
    expect(problems).toContainEqual('kustomization.yaml: secret.yaml is not in resources (it would never be applied)');
    expect(problems).toContainEqual('kustomization.yaml: resource subgraphs/justice.yaml does not exist');
  });

  it('requires the schema registry: its own database, reached only by the gateway, the gateway pulling from it', () => {
    const manifests = committed().filter((m) => !(m.doc.kind === 'StatefulSet' && (m.doc.metadata as Json).name === 'db-registry'));
    find(manifests, 'NetworkPolicy', 'registry').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'labour' } } });
    const gateway = find(manifests, 'Deployment', 'gateway').spec.template.spec.containers[0];
    gateway.env = gateway.env.filter((e: Json) => e.name !== 'REGISTRY_URL');
    const problems = checkManifests(manifests);
    expect(problems).toContainEqual('NetworkPolicy: labour may reach Deployment/registry; only the gateway and release jobs may');
    expect(problems).toContainEqual('StatefulSet/db-registry: missing (the registry has its own database)');
    expect(problems).toContainEqual('Deployment/gateway: no REGISTRY_URL (it would never pull from the schema registry)');
    const withoutRegistry = committed().filter((m) => m.file !== 'registry.yaml');
    expect(checkManifests(withoutRegistry)).toContainEqual('Deployment/registry: missing (the schema registry the gateways pull the supergraph from)');
  });

  it('lets the coordination office reach each department (URL, secret, egress) and nothing broader', () => {
    const manifests = committed();
    const coordination = find(manifests, 'Deployment', 'coordination').spec.template.spec.containers[0];
    coordination.env = coordination.env.filter((e: Json) => !['LABOUR_URL', 'HOUSING_SIGNING_SECRET_FILE'].includes(e.name));
    coordination.env.find((e: Json) => e.name === 'JUSTICE_URL').value = 'http://gateway:4000/graphql';
    const policy = find(manifests, 'NetworkPolicy', 'coordination');
    policy.spec.egress = policy.spec.egress.filter((rule: Json) => rule.to[0].podSelector.matchLabels['app.kubernetes.io/name'] !== 'health');
    // Coordination does not call the access log's subgraph: admitting it there is too broad.
    find(manifests, 'NetworkPolicy', 'audit').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coordination' } } });
    expect(checkManifests(manifests).sort()).toEqual(
      [
        'Deployment/coordination: no LABOUR_URL (it calls labour\'s routes directly: sweep streams, /grants, the outbox)',
        'Deployment/coordination: no HOUSING_SIGNING_SECRET_FILE (it signs its calls to housing)',
        'Deployment/coordination: JUSTICE_URL http://gateway:4000/graphql does not name the justice Service',
        "NetworkPolicy: coordination's egress does not admit Deployment/health",
        'NetworkPolicy: coordination may reach Deployment/audit; only the gateway may',
      ].sort(),
    );
    const compose = parseAllDocuments(readFileSync(PROD_COMPOSE_FILE, 'utf8'), { merge: true })[0]?.toJS() as Json;
    compose.services.coordination.networks = compose.services.coordination.networks.filter((n: string) => n !== 'sg-health');
    delete compose.services.coordination.environment.EDUCATION_URL;
    compose.services.coordination.networks.push('sg-audit');
    compose.services.lb.networks = [...(Array.isArray(compose.services.lb.networks) ? compose.services.lb.networks : Object.keys(compose.services.lb.networks)), 'sg-labour'];
    expect(checkComposeFile(compose).sort()).toEqual(
      [
        'compose: coordination is not on sg-health (it calls health\'s routes directly)',
        'compose: coordination has no EDUCATION_URL',
        'compose: coordination is on sg-audit; only the gateways may reach audit',
        'compose: lb is on sg-labour; only the gateways and coordination may reach labour',
      ].sort(),
    );
  });

  it('refuses a compose file that forgets a database or inlines a secret', () => {
    const compose = parseAllDocuments(readFileSync(PROD_COMPOSE_FILE, 'utf8'), { merge: true })[0]?.toJS() as Json;
    delete compose.services['db-labour'];
    compose.services.health.environment.HEALTH_DATABASE_URL = 'postgres://health:pw@db-health/health';
    compose.services['gateway-1'].networks.push('db-education');
    expect(checkComposeFile(compose)).toEqual([
      'compose: service db-labour is missing',
      'compose: gateway-1 shares a network with db-education; only education may reach it',
      'compose: service health: HEALTH_DATABASE_URL is given inline; use HEALTH_DATABASE_URL_FILE and a secret',
    ]);
  });

  it('checks router.yaml: every subgraph routed, headers propagated, limits set', () => {
    const router = parseAllDocuments(readFileSync(ROUTER_FILE, 'utf8'))[0]?.toJS() as Json;
    expect(checkRouterConfig(router)).toEqual([]);
    delete router.override_subgraph_url.justice;
    router.headers.all.request = router.headers.all.request.filter((r: Json) => r.propagate.named !== 'x-purpose');
    delete router.limits.router.max_aliases;
    expect(checkRouterConfig(router)).toEqual([
      'router.yaml: no override_subgraph_url for justice',
      'router.yaml: x-purpose is not propagated to subgraphs',
      'router.yaml: limits.router.max_aliases is not set',
    ]);
  });

  it('checks the Dockerfile: stages, pinned base, non-root, HEALTHCHECK, no dev dependencies or tests', () => {
    const dockerfile = readFileSync(DOCKERFILE, 'utf8');
    const dockerignore = readFileSync(DOCKERIGNORE, 'utf8');
    expect(checkDockerfile(dockerfile, dockerignore)).toEqual([]);
    const broken = dockerfile.replace('node:20.20.2-bookworm-slim', 'node:latest').replace(/^USER node$/m, 'USER root').replace(/^HEALTHCHECK[^\n]*\n[^\n]*\n/m, '');
    expect(checkDockerfile(broken, dockerignore.replace(/^\.git$/m, ''))).toEqual([
      'Dockerfile: base image node:latest is not pinned',
      'Dockerfile: base image node:latest is not pinned',
      'Dockerfile: base image node:latest is not pinned',
      'Dockerfile: the final stage does not switch to a non-root USER',
      'Dockerfile: no HEALTHCHECK in the final stage',
      '.dockerignore: .git is not excluded',
    ]);
    // The image runs the compiled services: a command under tsx, or a file the bundle does not write, is refused.
    const underTsx = dockerfile.replace('exec node dist/gateway/src/index.mjs', 'exec node --import tsx gateway/src/index.ts');
    expect(checkDockerfile(underTsx, dockerignore)).toEqual([expect.stringMatching(/^Dockerfile: runs under tsx, not compiled: CMD/)]);
    const misnamed = dockerfile.replace('dist/subgraphs/$SERVICE/src/index.mjs', 'dist/subgraphs/$SERVICE/index.mjs');
    expect(checkDockerfile(misnamed, dockerignore)).toHaveLength(SERVICES.length);
    expect(checkDockerfile(misnamed, dockerignore)[0]).toBe(`Dockerfile: dist/subgraphs/${SERVICES[0]!.name}/index.mjs is not compiled into the image (scripts/bundle.mjs imageEntries)`);
    const notCompiled = dockerfile.replace(' \\\n && node scripts/bundle.mjs --image', '').replace(/^COPY --from=build \/app\/dist \.\/dist\n/m, '');
    expect(checkDockerfile(notCompiled, dockerignore)).toEqual(['Dockerfile: the services are not compiled (node scripts/bundle.mjs --image)', 'Dockerfile: the final stage does not copy the compiled services (dist/)']);
    expect(checkCompiledCommands('docker-compose.prod.yml', readFileSync(PROD_COMPOSE_FILE, 'utf8'))).toEqual([]);
    expect(checkCompiledCommands('c', 'command: ["node", "--import", "tsx", "scripts/schema-publish.ts"]')).toEqual(['c: runs under tsx, not compiled: command: ["node", "--import", "tsx", "scripts/schema-publish.ts"]']);
    // The gateway serves the console: its built files must be in the image, its sources not.
    const noConsole = dockerfile.replace(/^COPY --from=console[^\n]*\n/m, '');
    expect(checkDockerfile(noConsole, dockerignore)).toEqual(['Dockerfile: the final stage does not copy the built console (console/dist)']);
    const wholeConsole = dockerfile.replace(/^(COPY --from=console[^\n]*\n)/m, '$1COPY --from=console /app/console ./console\n');
    expect(checkDockerfile(wholeConsole, dockerignore)).toEqual(['Dockerfile: the final stage copies the console sources or toolchain, not only console/dist']);
  });

  it('evaluates label selectors as Kubernetes does', () => {
    const pod = { app: 'gateway', tier: 'edge' };
    expect(selects({ matchLabels: { app: 'gateway' } }, pod)).toBe(true);
    expect(selects({ matchLabels: { app: 'gateway', tier: 'db' } }, pod)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['edge', 'x'] }] }, pod)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['edge'] }] }, pod)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, pod)).toBe(true);
    expect(selects({}, pod)).toBe(true);
  });
});
