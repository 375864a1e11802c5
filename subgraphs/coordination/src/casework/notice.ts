import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { todayInChina } from '@saf/department';
import { programme } from '@saf/programmes';
import type { Db } from '@saf/db';
import { applications } from '../db/schema.ts';
import type { Assessment } from './assessment.ts';

/**
 * 公示 (SPEC section 10): the applications in their 7-day notice under a region prefix, as the
 * township posts them. Built only from what may be published: the masked name stored at
 * submission (the full name never reaches this code), the region code (a community at the
 * finest), programme, household size and amount. No ID number, birth date or address.
 */
export interface PublicNoticeEntry {
  applicationId: string;
  maskedName: string;
  regionCode: string;
  programme: string;
  householdSize: number;
  amountFen: number | null;
  noticeStart: string;
  noticeEnd: string;
}

/** The finest place a notice names: a community (12 digits), never below. */
const COMMUNITY_DIGITS = 12;

export async function publicNotice(db: Db, regionPrefix: string, today = todayInChina()): Promise<PublicNoticeEntry[]> {
  const rows = await db
    .select()
    .from(applications)
    .where(and(eq(applications.stage, 'IN_NOTICE'), sql`${applications.regionCode} LIKE ${`${regionPrefix}%`}`, gte(applications.noticeEnd, today)))
    .orderBy(asc(applications.noticeStart), asc(applications.id));
  return rows.map((row) => {
    const assessment = row.assessment as Assessment | null;
    const size = assessment?.householdSize ?? 0;
    // 低保: the household's monthly total, the gap for each member.
    const amountFen = assessment?.gapFen != null ? assessment.gapFen * size : row.amountFen;
    return {
      applicationId: row.id,
      maskedName: row.maskedName,
      regionCode: row.regionCode.slice(0, COMMUNITY_DIGITS),
      programme: row.programme,
      householdSize: size,
      amountFen,
      noticeStart: row.noticeStart!,
      noticeEnd: row.noticeEnd!,
    };
  });
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number | null) => (fen === null ? '—' : `${(fen / 100).toFixed(2)} 元`);

/** The notice as a page to print and post (A4, Chinese), from the entries alone. */
export function publicNoticeHtml(regionCode: string, entries: PublicNoticeEntry[], today = todayInChina()): string {
  const rows = entries
    .map((e) => `<tr><td>${escape(e.maskedName)}</td><td>${escape(e.regionCode)}</td><td>${escape(programme(e.programme)?.nameZh ?? e.programme)}</td><td>${e.householdSize}</td><td>${escape(yuan(e.amountFen))}</td><td>${escape(e.noticeStart)} 至 ${escape(e.noticeEnd)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>社会救助审批公示 ${escape(regionCode)}</title>
<style>body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:2cm}h1{text-align:center}table{width:100%;border-collapse:collapse}td,th{border:1px solid #000;padding:4px 8px}@page{size:A4;margin:1.5cm}</style>
</head><body>
<h1>社会救助审批公示</h1>
<p>区划 ${escape(regionCode)}。以下申请已经入户调查和乡镇（街道）审核，现予公示 7 天。如有异议，请在公示期内向乡镇（街道）社会救助工作平台反映。</p>
<table><thead><tr><th>申请人</th><th>区划</th><th>救助项目</th><th>家庭人口</th><th>拟救助金额（每月）</th><th>公示期</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">当前无公示</td></tr>'}
</tbody></table>
<p>公示日期：${escape(today)}</p>
</body></html>
`;
}
