import { useEffect, useState } from 'react';
import { Unauthenticated, Unreachable } from '../api/client.ts';
import { registryHistory, type PublishedService, type RegistryAnswer, type SchemaVersion } from '../api/registry.ts';
import { Notice } from '../components/Notice.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../lib/sessionContext.tsx';

type Loaded<T> = { kind: 'loading' } | RegistryAnswer<T> | { kind: 'error' };

/** Loads one registry path; a refused token signs out as everywhere else. */
function useRegistry<T>(path: string | null): Loaded<T> {
  const api = useSession();
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState({ kind: 'loading' });
    registryHistory<T>(api.session, path).then(
      (answer) => live && setState(answer),
      (err) => {
        if (err instanceof Unauthenticated) api.signOut('expired');
        else if (live) setState(err instanceof Unreachable ? { kind: 'unavailable' } : { kind: 'error' });
      },
    );
    return () => {
      live = false;
    };
  }, [path, api]);
  return state;
}

function Problem({ state }: { state: Loaded<unknown> }) {
  const { t } = useI18n();
  if (state.kind === 'loading') return <p className="hint">{t('registry.loading')}</p>;
  if (state.kind === 'none') return <Notice kind="info" title={t('registry.none')} />;
  if (state.kind === 'forbidden') return <Notice kind="forbidden" title={t('forbidden.title')} />;
  if (state.kind === 'unavailable' || state.kind === 'error') return <Notice kind="error" title={t('registry.unavailable')} />;
  return null;
}

/** The schema registry's history per service: versions and refusals, who, when, the diff, the check. */
export function SchemaRegistryPage() {
  const { t, dateTime } = useI18n();
  const [service, setService] = useState<string | null>(null);
  const services = useRegistry<PublishedService[]>('/services');
  return (
    <section aria-labelledby="registry-h">
      <h1 id="registry-h">{t('registry.title')}</h1>
      <p className="hint">{t('registry.hint')}</p>
      {services.kind !== 'ok' ? (
        <Problem state={services} />
      ) : (
        <div className="table-scroll">
        <table aria-label={t('registry.services')}>
          <thead>
            <tr>
              <th>{t('registry.service')}</th>
              <th>{t('registry.version')}</th>
              <th>{t('registry.owner')}</th>
              <th>{t('registry.by')}</th>
              <th>{t('registry.at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {services.data.map((s) => (
              <tr key={s.service}>
                <td>{s.service}</td>
                <td>{s.version}{s.status === 'removed' && <> {t('registry.removedMark')}</>}</td>
                <td>{s.owner?.split(' (')[0]}</td>
                <td>{s.publishedBy}</td>
                <td>{dateTime(s.publishedAt)}</td>
                <td>
                  <button type="button" onClick={() => setService(s.service)} aria-pressed={service === s.service}>
                    {t('registry.history')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {service && <History service={service} />}
    </section>
  );
}

function History({ service }: { service: string }) {
  const { t, dateTime } = useI18n();
  const history = useRegistry<{ versions: SchemaVersion[] }>(`/services/${encodeURIComponent(service)}/versions`);
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">{t('registry.historyOf', { service })}</h2>
      {history.kind !== 'ok' ? (
        <Problem state={history} />
      ) : (
        <ol className="plain-list">
          {history.data.versions.map((v) => (
            <li key={v.id} className="card" data-testid="schema-version">
              <h3>{v.status === 'accepted' ? t('registry.versionN', { n: v.version ?? 0 }) : v.status === 'removed' ? t('registry.removedN', { n: v.version ?? 0 }) : t('registry.refused')}</h3>
              <p>
                {t('registry.publishedBy', { who: v.publishedBy, service: v.signedBy, at: dateTime(v.publishedAt) })}
              </p>
              <p className="hint">{v.url}</p>
              {v.acknowledgement && <Notice kind="warning" title={t('registry.acknowledged')}>{v.acknowledgement}</Notice>}
              {v.check.problems.length > 0 && (
                <Notice kind="error" title={t('registry.problems')}>
                  <ul>{v.check.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
                </Notice>
              )}
              {v.check.breaking.length > 0 && (
                <>
                  <h4>{t('registry.breaking')}</h4>
                  <ul>
                    {v.check.breaking.map((b) => (
                      <li key={b.id}>
                        {b.description} {b.usedBy.length === 0 ? t('registry.unused') : t('registry.usedBy', { ops: b.usedBy.map((u) => `${u.name}${u.clients.length ? ` (${u.clients.join(', ')})` : ''}`).join('; ') })}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {v.check.dangerous.length > 0 && (
                <>
                  <h4>{t('registry.dangerous')}</h4>
                  <ul>{v.check.dangerous.map((d) => <li key={d.id}>{d.description}</li>)}</ul>
                </>
              )}
              {v.check.changed.length > 0 && <p>{t('registry.changed', { list: v.check.changed.map((c) => `${c.name} (${c.owner.split(' (')[0]})`).join(', ') })}</p>}
              <details>
                <summary>{t('registry.diff')}</summary>
                <pre className="diff">{v.diff || t('registry.noDiff')}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
