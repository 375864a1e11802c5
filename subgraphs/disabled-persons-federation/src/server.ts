import { awardKind, createDepartmentServer, type BuiltSubgraph, type SubgraphDeps } from '@saf/department';
import { loadTypeDefs } from '@saf/service';
import { checkDetails } from './details.ts';
import { certificateKind } from './db/ingest.ts';
import { createCertificateHolders } from './db/holders.ts';
import { createCertificateLoader } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer(deps: SubgraphDeps): BuiltSubgraph {
  return createDepartmentServer({
    name: 'disabled-persons-federation',
    department: 'DISABLED_PERSONS_FEDERATION',
    typeDefs,
    paymentsField: 'disabilityPayments',
    resolvers,
    kinds: [{ ...awardKind, check: checkDetails }, certificateKind],
    extraLoaders: (db) => ({ certificates: createCertificateLoader(db), certificateHolders: createCertificateHolders(db) }),
    ...deps,
  });
}
