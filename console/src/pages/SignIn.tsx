import { useId, useState, type FormEvent } from 'react';
import { Unauthenticated, Unreachable, request } from '../api/client.ts';
import { SIGN_IN_CHECK } from '../api/queries.ts';
import { Notice } from '../components/Notice.tsx';
import { useI18n } from '../i18n/index.tsx';
import { DEPARTMENTS, type Department } from '../lib/catalogue.ts';
import { isRegionPrefix, regionLabel } from '../lib/regions.ts';
import { purposeLabel, purposesOf, type Purpose } from '../lib/purposes.ts';
import { ROLES, readClaims, type Role, type Session } from '../lib/session.ts';

/**
 * The region each role's development token starts with: a caseworker works in one county (伊宁市);
 * the other roles' tokens carry no region, which means everywhere (a coordinator limited to one
 * city by a pre-filled field would be refused the rest without knowing why).
 */
const DEFAULT_REGION: Record<Role, string> = { CASEWORKER: '654002', DEPARTMENT_OFFICER: '', COORDINATOR: '', ANALYST: '', AUDITOR: '' };

type Problem = 'malformed' | 'expired' | 'role' | 'refused' | 'unreachable' | 'purpose' | 'mint' | 'region' | 'department';

/** The gateway checks the token before anything else: a cheap operation that reads no one's data. */
async function checkToken(token: string): Promise<Problem | null> {
  try {
    await request({ token, purpose: '' }, SIGN_IN_CHECK);
    return null;
  } catch (err) {
    if (err instanceof Unauthenticated) return 'refused';
    if (err instanceof Unreachable) return 'unreachable';
    throw err;
  }
}

export function SignInPage({ onSignIn, expired, dev }: { onSignIn: (s: Session) => void; expired: boolean; dev: boolean }) {
  const { t, label, lang, setLang } = useI18n();
  const ids = { token: useId(), purpose: useId(), role: useId(), region: useId(), dept: useId(), sub: useId(), purpose2: useId() };
  const [token, setToken] = useState('');
  // Each form its own purpose, from its caller's list: the pasted token's role, or the role minted.
  const [tokenPurpose, setTokenPurpose] = useState('');
  const [mintPurpose, setMintPurpose] = useState('');
  const [role, setRole] = useState<Role>('CASEWORKER');
  const [region, setRegion] = useState(DEFAULT_REGION.CASEWORKER);
  const [department, setDepartment] = useState<Department>('CIVIL_AFFAIRS');
  const pasted = readClaims(token);
  const tokenPurposes = pasted.ok ? purposesOf(pasted.claims) : null;
  const mintPurposes = purposesOf({ role, department: role === 'DEPARTMENT_OFFICER' ? department : undefined });
  // A purpose chosen for another role (the role, department or token changed since) is not sent.
  const chosenForToken = tokenPurposes?.some((p) => p.code === tokenPurpose) ? tokenPurpose : '';
  const chosenForMint = mintPurposes.some((p) => p.code === mintPurpose) ? mintPurpose : '';
  const [sub, setSub] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const finish = async (jwt: string, purpose: string) => {
    const claims = readClaims(jwt);
    if (!claims.ok) return setProblem(claims.reason);
    const refused = await checkToken(jwt);
    if (refused) return setProblem(refused);
    onSignIn({ token: jwt.trim(), claims: claims.claims, purpose });
  };

  const submitToken = async (e: FormEvent) => {
    e.preventDefault();
    if (!pasted.ok) return setProblem(pasted.reason);
    if (!chosenForToken) return setProblem('purpose');
    setBusy(true);
    setProblem(null);
    try {
      await finish(token, chosenForToken);
    } finally {
      setBusy(false);
    }
  };

  const submitMint = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosenForMint) return setProblem('purpose');
    if ((role === 'CASEWORKER' || region) && !isRegionPrefix(region)) return setProblem('region');
    setBusy(true);
    setProblem(null);
    try {
      const body = { role, sub: sub.trim() || undefined, region: region || undefined, department: role === 'DEPARTMENT_OFFICER' ? department : undefined };
      const res = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
      if (!res.ok) return setProblem('mint');
      const { token: minted } = (await res.json()) as { token: string };
      await finish(minted, chosenForMint);
    } catch {
      setProblem('unreachable');
    } finally {
      setBusy(false);
    }
  };

  /** The purposes `options` offers (null: no caller known yet, nothing to choose from). */
  const purposeSelect = (id: string, options: Purpose[] | null, value: string, set: (code: string) => void) => (
    <div className="field">
      <label htmlFor={id}>{t('purpose.label')}</label>
      <select id={id} value={value} required disabled={!options} onChange={(e) => set(e.target.value)} aria-describedby={`${id}-hint`}>
        <option value="">{options ? t('purpose.choose') : t('purpose.tokenFirst')}</option>
        {(options ?? []).map((p) => (
          <option key={p.code} value={p.code}>{purposeLabel(p.code, lang)}</option>
        ))}
      </select>
      <p className="hint" id={`${id}-hint`}>{t('purpose.hint')}</p>
    </div>
  );

  return (
    <main id="main" className="signin">
      <div className="signin-head">
        <h1>{t('app.title')}</h1>
        <button type="button" className="secondary" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh-CN'}>{t('lang.switch')}</button>
      </div>
      <p className="lead">{t('signIn.lead')}</p>
      {expired && <Notice kind="warning">{t('signIn.expired')}</Notice>}
      {problem && <Notice kind="error">{t(`signIn.problem.${problem}`)}</Notice>}
      <div className="signin-forms">
        <form onSubmit={submitToken} className="card" aria-labelledby={`${ids.token}-h`}>
          <h2 id={`${ids.token}-h`}>{t('signIn.withToken')}</h2>
          <div className="field">
            <label htmlFor={ids.token}>{t('signIn.token')}</label>
            <textarea id={ids.token} value={token} onChange={(e) => setToken(e.target.value)} rows={4} required spellCheck={false} autoComplete="off" />
          </div>
          {purposeSelect(ids.purpose, tokenPurposes, chosenForToken, setTokenPurpose)}
          <button type="submit" disabled={busy}>{t('signIn.submit')}</button>
        </form>
        {dev && (
          <form onSubmit={submitMint} className="card dev" aria-labelledby={`${ids.role}-h`}>
            <h2 id={`${ids.role}-h`}>{t('signIn.dev')}</h2>
            <p className="hint">{t('signIn.devHint')}</p>
            <div className="field">
              <label htmlFor={ids.role}>{t('signIn.role')}</label>
              <select id={ids.role} value={role} onChange={(e) => { const next = e.target.value as Role; setRole(next); setRegion(DEFAULT_REGION[next]); }}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>{label('role', r)}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.region}>{t('signIn.region')}</label>
              <input id={ids.region} value={region} onChange={(e) => setRegion(e.target.value.trim())} inputMode="numeric" required={role === 'CASEWORKER'} aria-describedby={`${ids.region}-hint`} />
              <p className="hint" id={`${ids.region}-hint`}>{t('signIn.regionHint')}</p>
              <p className="hint region-scope" data-testid="region-scope" aria-live="polite">
                {region ? t('signIn.scope', { region: isRegionPrefix(region) ? regionLabel(region, lang) : region }) : role === 'CASEWORKER' ? t('signIn.scopeRequired') : t('signIn.scopeAll')}
              </p>
            </div>
            {role === 'DEPARTMENT_OFFICER' && (
              <div className="field">
                <label htmlFor={ids.dept}>{t('signIn.department')}</label>
                <select id={ids.dept} value={department} onChange={(e) => setDepartment(e.target.value as Department)}>
                  {DEPARTMENTS.map((d) => (
                    <option key={d} value={d}>{label('deptLong', d)}</option>
                  ))}
                </select>
              </div>
            )}
            <div className="field">
              <label htmlFor={ids.sub}>{t('signIn.sub')}</label>
              <input id={ids.sub} value={sub} onChange={(e) => setSub(e.target.value)} autoComplete="off" />
            </div>
            {purposeSelect(ids.purpose2, mintPurposes, chosenForMint, setMintPurpose)}
            <button type="submit" disabled={busy}>{t('signIn.mint')}</button>
          </form>
        )}
      </div>
    </main>
  );
}
