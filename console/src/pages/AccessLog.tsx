import { useCallback, useId, useState, type FormEvent, type ReactNode } from 'react';
import { ACCESS_LOG_FIELDS, accessLogQuery } from '../api/queries.ts';
import { useGraphQL, type QueryState } from '../api/useGraphQL.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { maskId } from '../lib/format.ts';
import { splitOperation } from '../lib/operations.ts';
import { regionLabel } from '../lib/regions.ts';
import { purposeLabel } from '../lib/purposes.ts';

type Entry = Record<string, unknown>;
interface Page {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Entry }[];
}

const PAGE = 20;
/** More subjects than this (a sweep's batch names a thousand) collapse to a count that expands. */
const SUBJECTS_INLINE = 3;

/** Resident ID numbers masked as in every list; household numbers as they are. */
const maskSubject = (id: string) => (/^\d{17}[\dX]$/.test(id) ? maskId(id) : id);

/** The auditor's view: who read a person's (or household's) data, when, as what, and why. */
export function AccessLogPage() {
  const { t, label, dateTime, number, lang } = useI18n();
  const run = useGraphQL();
  const inputId = useId();
  const [input, setInput] = useState('');
  const [subject, setSubject] = useState<string | null>(null);
  const [fields, setFields] = useState(ACCESS_LOG_FIELDS);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [state, setState] = useState<QueryState<Page>>({ kind: 'idle' });

  /**
   * Asks for every field the page can show and drops those the graph says it does not have, so
   * the page works against whichever version of the access log is deployed.
   */
  const fetchPage = useCallback(
    async (personId: string, after: string | null, wanted: string[]): Promise<{ state: QueryState<Page>; fields: string[] }> => {
      let fieldsNow = wanted;
      for (let attempt = 0; attempt < 4; attempt++) {
        const res = await run<{ accessLog: Page }>(accessLogQuery(fieldsNow), { personId, first: PAGE, after });
        if (res.kind === 'missing') {
          const unknown = res.fields.filter((f) => f.startsWith('AccessLogEntry.')).map((f) => f.slice('AccessLogEntry.'.length));
          if (unknown.length && unknown.length < fieldsNow.length) {
            fieldsNow = fieldsNow.filter((f) => !unknown.includes(f));
            continue;
          }
        }
        return { state: res.kind === 'ok' ? { ...res, data: res.data.accessLog } : res, fields: fieldsNow };
      }
      return { state: { kind: 'error', message: 'access log fields' }, fields: fieldsNow };
    },
    [run],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const id = input.trim().toUpperCase();
    if (!id) return;
    setSubject(id);
    setEntries([]);
    setState({ kind: 'loading' });
    const res = await fetchPage(id, null, ACCESS_LOG_FIELDS);
    setFields(res.fields);
    setState(res.state);
    if (res.state.kind === 'ok') setEntries(res.state.data.edges.map((e) => e.node));
  };

  const more = async () => {
    if (state.kind !== 'ok' || !subject) return;
    const res = await fetchPage(subject, state.data.pageInfo.endCursor, fields);
    setState(res.state);
    if (res.state.kind === 'ok') {
      const next = res.state.data.edges.map((e) => e.node);
      setEntries((old) => [...old, ...next]);
    }
  };

  const cell = (field: string, value: unknown): ReactNode => {
    if (value === null || value === undefined) return '';
    if (field === 'at') return dateTime(String(value));
    if (field === 'role') return label('role', String(value));
    if (field === 'department') return label('dept', String(value));
    if (field === 'region') return regionLabel(String(value), lang);
    if (field === 'purpose') return purposeLabel(String(value), lang);
    // The console's own operations in words; another client's as it named them.
    if (field === 'operation') {
      const { name, part } = splitOperation(String(value));
      return <span title={String(value)}>{`${label('operation', name)}${part ? t('log.part', part) : ''}`}</span>;
    }
    // The full id stays in the text (copy, find in page); the column shows its start.
    if (field === 'requestId') return <span className="request-id" title={String(value)}>{String(value)}</span>;
    if (field === 'subjectIds' && Array.isArray(value)) {
      const ids = value.map((id) => maskSubject(String(id)));
      if (ids.length <= SUBJECTS_INLINE) return ids.join(', ');
      return (
        <details className="subjects">
          <summary title={t('log.subjectsHint')}>{t('log.subjects', { count: number(ids.length) })}</summary>
          <ul>{ids.map((id, i) => <li key={`${id}-${i}`}>{id}</li>)}</ul>
        </details>
      );
    }
    if (Array.isArray(value)) return value.join(', ');
    return String(value);
  };

  return (
    <section aria-labelledby="log-h">
      <h1 id="log-h">{t('log.title')}</h1>
      <form className="card inline-form" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor={inputId}>{t('log.subject')}</label>
          <input id={inputId} value={input} onChange={(e) => setInput(e.target.value)} autoComplete="off" aria-describedby={`${inputId}-hint`} />
          <p className="hint" id={`${inputId}-hint`}>{t('log.hint')}</p>
        </div>
        <button type="submit">{t('log.submit')}</button>
      </form>
      <OutcomeView state={state} feature={t('log.feature')}>
        {(page) =>
          entries.length === 0 ? (
            <Notice kind="info">{t('log.none')}</Notice>
          ) : (
            <>
              <div className="table-scroll">
              <table className="results log">
                <caption>{t('log.caption', { subject: subject ?? '', shown: entries.length, total: page.totalCount ?? entries.length })}</caption>
                <thead>
                  <tr>{fields.map((f) => <th scope="col" key={f} className={`col-${f}`}>{label('detail', `log.${f}`)}</th>)}</tr>
                </thead>
                <tbody>
                  {entries.map((entry, i) => (
                    <tr key={String(entry.seq ?? entry.requestId ?? i)}>
                      {fields.map((f) => <td key={f} className={`col-${f}`}>{cell(f, entry[f])}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
              </div>
              {page.pageInfo.hasNextPage && <button type="button" className="secondary" onClick={() => void more()}>{t('log.more')}</button>}
            </>
          )
        }
      </OutcomeView>
    </section>
  );
}
