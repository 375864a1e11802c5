import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { K8S_DIR, PROD_COMPOSE_FILE, checkChainKeyCustody, loadManifests, type Manifest } from '../check-manifests.ts';

type Json = Record<string, any>;
const manifests = (): Manifest[] => structuredClone(loadManifests(K8S_DIR).manifests);
const compose = (): Json => parseAllDocuments(readFileSync(PROD_COMPOSE_FILE, 'utf8'), { merge: true })[0]!.toJS();
const deployment = (list: Manifest[], name: string): Json => list.find((m) => m.doc.kind === 'Deployment' && (m.doc.metadata as Json).name === name)!.doc as Json;

describe('the access log chain key in the deployments', () => {
  it('is given to the audit service alone in the committed files', () => {
    expect(checkChainKeyCustody(manifests(), compose())).toEqual([]);
  });

  it('names a gateway given the key, and an audit service without it', () => {
    const k8s = manifests();
    const gateway = deployment(k8s, 'gateway');
    gateway.spec.template.spec.containers[0].env.push({ name: 'AUDIT_CHAIN_KEY_FILE', value: '/run/secrets/saf/chain-key' });
    gateway.spec.template.spec.volumes.push({ name: 'chain', secret: { secretName: 'saf-audit-chain' } });
    const audit = deployment(k8s, 'audit');
    audit.spec.template.spec.containers[0].env = audit.spec.template.spec.containers[0].env.filter((e: Json) => e.name !== 'AUDIT_CHAIN_KEY_FILE');
    const file = compose();
    file.services['gateway-1'].secrets.push('audit-chain-key');
    delete file.services.audit.environment.AUDIT_CHAIN_KEY_FILE;
    expect(checkChainKeyCustody(k8s, file)).toEqual([
      expect.stringMatching(/^compose: service audit has no AUDIT_CHAIN_KEY_FILE/),
      expect.stringMatching(/^compose: service gateway-1 is given the access log's chain key/),
      expect.stringMatching(/Deployment\/gateway is given the access log's chain key/),
      expect.stringMatching(/Deployment\/audit does not get the chain key/),
    ]);
  });
});
