import { useId } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { NAV, SCREENS, type Screen } from '../lib/roles.ts';
import { regionLabel } from '../lib/regions.ts';
import { Link } from '../lib/router.tsx';
import { purposeLabel, purposesOf } from '../lib/purposes.ts';
import { useSession } from '../lib/sessionContext.tsx';

const NAV_KEYS = { search: 'nav.search', worklist: 'nav.worklist', household: 'nav.search', check: 'nav.check', dashboard: 'nav.dashboard', statistics: 'nav.statistics', accessLog: 'nav.accessLog', schemas: 'nav.schemas', funds: 'nav.funds', sharing: 'nav.sharing', applications: 'nav.applications', application: 'nav.applications', notice: 'nav.notice', reviewTasks: 'nav.reviewTasks' } as const;

export function Header({ current, dev }: { current: Screen | null; dev: boolean }) {
  const { t, label, lang, setLang } = useI18n();
  const { session, signOut, setPurpose } = useSession();
  const purposeId = useId();
  const { claims } = session;
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-title">{t('app.title')}</span>
        <span className="brand-sub">{t('app.subtitle')}</span>
      </div>
      <nav aria-label={t('nav.label')}>
        <ul>
          {NAV[claims.role].map((screen) => (
            <li key={screen}>
              <Link to={SCREENS[screen].path} aria-current={current === screen || (screen === 'search' && current === 'household') ? 'page' : undefined}>
                {t(NAV_KEYS[screen])}
              </Link>
            </li>
          ))}
          {dev && (
            <li>
              <a href="/explorer/">{t('nav.explorer')}</a>
            </li>
          )}
        </ul>
      </nav>
      <div className="header-tools">
        <span className="who" data-testid="who">
          {claims.sub} · {label('role', claims.role)}
          {claims.region ? ` · ${regionLabel(claims.region, lang)}` : ''}
          {claims.department ? ` · ${label('dept', claims.department)}` : ''}
        </span>
        <label htmlFor={purposeId} className="inline-label">{t('purpose.label')}</label>
        <select id={purposeId} value={session.purpose} onChange={(e) => setPurpose(e.target.value)}>
          {purposesOf(claims).map((p) => (
            <option key={p.code} value={p.code}>{purposeLabel(p.code, lang)}</option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh-CN'}>
          {t('lang.switch')}
        </button>
        <button type="button" className="secondary" onClick={() => signOut()}>{t('signOut')}</button>
      </div>
    </header>
  );
}
