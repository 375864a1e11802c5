import { useId, useState } from 'react';
import { STATISTICS_CSV } from '../api/queries.ts';
import { useGraphQL } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { Notice } from './Notice.tsx';

/** The statistics the graph exports as CSV (StatisticKind). */
const KINDS = ['ASSISTANCE_STATISTICS', 'PROGRAMME_OVERLAP', 'PROGRAMME_COUNT_DISTRIBUTION', 'CENTRALIZED_SUPPORT', 'DISASTER_RELIEF', 'COVERAGE_GAPS'] as const;

/**
 * Saves `text` as a file: a Blob (the CSV's byte order mark is its first character, so the file
 * starts EF BB BF) behind an object URL clicked as a download link. No inline script and no
 * data: URL, so the console's CSP needs nothing more; the URL is let go once the download began.
 */
export function saveFile(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A download of one statistic as CSV for the region and date shown (statisticsCsv). */
export function CsvDownload({ regionCode, date }: { regionCode: string; date: string }) {
  const { t, label } = useI18n();
  const run = useGraphQL();
  const kindId = useId();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('ASSISTANCE_STATISTICS');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const download = async () => {
    setBusy(true);
    setProblem(null);
    const res = await run<{ statisticsCsv: string }>(STATISTICS_CSV, { statistic: kind, regionCode, date });
    setBusy(false);
    if (res.kind === 'ok') return saveFile(res.data.statisticsCsv, `${label('statKind', kind)}_${regionCode}_${date}.csv`, 'text/csv;charset=utf-8');
    if (res.kind === 'forbidden') return setProblem(t('forbidden.title'));
    setProblem(res.kind === 'error' || res.kind === 'invalid' ? res.message : res.kind === 'missing' ? t('missing.title') : t('error.title'));
  };

  return (
    <div className="card csv-download">
      <div className="inline-form">
        <div className="field">
          <label htmlFor={kindId}>{t('stats.csv.kind')}</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => <option key={k} value={k}>{label('statKind', k)}</option>)}
          </select>
        </div>
        <button type="button" onClick={() => void download()} disabled={busy}>{busy ? t('stats.csv.busy') : t('stats.csv.download')}</button>
      </div>
      <p className="hint">{t('stats.csv.hint')}</p>
      {problem && <Notice kind="error" title={t('stats.csv.failed')}>{problem}</Notice>}
    </div>
  );
}
