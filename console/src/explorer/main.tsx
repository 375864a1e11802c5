import { StrictMode, type ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { loadSession } from '../lib/session.ts';
import { shallowIntrospection } from './introspection.ts';
import './explorer.css';

// The GraphQL explorer for developers and analysts, bundled (no CDN). It uses the console's
// session (same tab), so it sees exactly what the signed-in caller may see. The gateway serves it
// outside production only.

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

const session = loadSession();

const fetcher: Fetcher = async (params, options) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [k, v] of Object.entries(options?.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (session && !headers.authorization) headers.authorization = `Bearer ${session.token}`;
  if (session?.purpose && !headers['x-purpose']) headers['x-purpose'] = encodeURIComponent(session.purpose);
  const body = params.operationName === 'IntrospectionQuery' ? { ...params, query: shallowIntrospection(params.query) } : params;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit' });
  return res.json();
};

const DEFAULT_QUERY = `# 社会救助 GraphQL explorer. Signed in as ${session ? `${session.claims.sub} (${session.claims.role})` : 'nobody: sign in on the console first'}.
# The household number below is an example: put one of yours.
query Household {
  household(id: "H654002000001") {
    id
    regionCode
    members { id name relation }
    awards { department programme amountFen startDate endDate status }
    duplicateAidFindings { rule explanation status }
  }
}
`;

function Explorer() {
  if (!session) {
    return (
      <main className="explorer-signin">
        <h1>GraphQL explorer</h1>
        <p>
          Sign in on the <a href="/">console</a> first (in this tab); the explorer uses its token. 请先在<a href="/">工作台</a>登录。
        </p>
      </main>
    );
  }
  return <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} />;
}

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
