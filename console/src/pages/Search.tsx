import { useId, useState, type FormEvent } from 'react';
import { SEARCH_HOUSEHOLDS } from '../api/queries.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { maskId } from '../lib/format.ts';
import { isRegionPrefix, regionLabel } from '../lib/regions.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';

interface Found {
  id: string;
  regionCode: string;
  address: string | null;
  members: { id: string; name: string | null; relation: string | null; deathDate: string | null }[];
}

/**
 * Search first, no browsing: a household number, a resident ID number or part of a name, within
 * the caller's region (a caseworker's is fixed by the token). ID numbers are masked in the list.
 */
export function SearchPage() {
  const { t, label, lang } = useI18n();
  const { session } = useSession();
  const { query } = useLocation();
  const ids = { text: useId(), region: useId() };
  const fixedRegion = session.claims.role === 'CASEWORKER' ? session.claims.region ?? '' : null;
  const [text, setText] = useState(query.get('q') ?? '');
  const [region, setRegion] = useState(query.get('region') ?? session.claims.region ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const submitted = { text: query.get('q') ?? '', regionCode: fixedRegion ?? query.get('region') ?? '' };
  const ready = submitted.text.trim().length >= 2 && isRegionPrefix(submitted.regionCode);
  const { state } = useQuery<{ searchHouseholds: Found[] }>(SEARCH_HOUSEHOLDS, ready ? { regionCode: submitted.regionCode, text: submitted.text.trim() } : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = fixedRegion ?? region.trim();
    if (text.trim().length < 2) return setProblem(t('search.tooShort'));
    if (!isRegionPrefix(r)) return setProblem(t('search.badRegion'));
    setProblem(null);
    const params = new URLSearchParams({ q: text.trim() });
    if (fixedRegion === null) params.set('region', r);
    navigate(`/search?${params}`);
  };

  return (
    <section aria-labelledby="search-h">
      <h1 id="search-h">{t('search.title')}</h1>
      <form className="search-form card" onSubmit={submit} role="search">
        <div className="field grow">
          <label htmlFor={ids.text}>{t('search.label')}</label>
          <input id={ids.text} type="search" value={text} onChange={(e) => setText(e.target.value)} aria-describedby={`${ids.text}-hint`} autoComplete="off" />
          <p className="hint" id={`${ids.text}-hint`}>{t('search.hint')}</p>
        </div>
        {fixedRegion === null ? (
          <div className="field">
            <label htmlFor={ids.region}>{t('search.region')}</label>
            <input id={ids.region} value={region} onChange={(e) => setRegion(e.target.value)} inputMode="numeric" />
          </div>
        ) : (
          <p className="region-fixed">{t('search.within', { region: regionLabel(fixedRegion, lang) })}</p>
        )}
        <button type="submit">{t('search.submit')}</button>
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
      <OutcomeView state={state}>
        {({ searchHouseholds: found }) =>
          found.length === 0 ? (
            <Notice kind="info">{t('search.none')}</Notice>
          ) : (
            <table className="results">
              <caption>{t('search.results', { count: found.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('household.number')}</th>
                  <th scope="col">{t('household.head')}</th>
                  <th scope="col">{t('member.idNumber')}</th>
                  <th scope="col">{t('household.memberCount')}</th>
                  <th scope="col">{t('household.address')}</th>
                </tr>
              </thead>
              <tbody>
                {found.map((h) => {
                  const head = h.members.find((m) => m.relation === 'HEAD') ?? h.members[0];
                  return (
                    <tr key={h.id}>
                      <td><Link to={`/households/${encodeURIComponent(h.id)}`}>{h.id}</Link></td>
                      <td>{head?.name ?? ''}{head?.relation ? ` (${label('relation', head.relation)})` : ''}</td>
                      <td className="mono">{head ? maskId(head.id) : ''}</td>
                      <td>{h.members.length}</td>
                      <td>{h.address ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </OutcomeView>
    </section>
  );
}
