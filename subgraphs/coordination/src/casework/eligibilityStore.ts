import { desc } from 'drizzle-orm';
import { defaultEligibilityRules, parseEligibilityRules, type EligibilityRules } from '@saf/rules';
import type { Db } from '@saf/db';
import { badInput } from '@saf/service';
import { eligibilityRuleVersions } from '../db/schema.ts';

export interface EligibilityVersion {
  version: number;
  rules: EligibilityRules;
  json: string;
  changedBy: string | null;
  note: string | null;
  at: string | null;
}

const DEFAULT: EligibilityVersion = { version: 0, rules: defaultEligibilityRules, json: JSON.stringify(defaultEligibilityRules, null, 2), changedBy: null, note: 'default conditions (packages/rules/eligibility.json)', at: null };

/**
 * The eligibility conditions in force: the newest stored version, else the default; the
 * coordination office changes them with a note, each change a new version (as `RuleSetStore`).
 */
export class EligibilityStore {
  constructor(private readonly db: Db) {}

  async current(): Promise<EligibilityVersion> {
    const [row] = await this.db.select().from(eligibilityRuleVersions).orderBy(desc(eligibilityRuleVersions.version)).limit(1);
    return row ? { version: row.version, rules: parseEligibilityRules(row.rules), json: JSON.stringify(row.rules, null, 2), changedBy: row.changedBy, note: row.note, at: row.at } : DEFAULT;
  }

  async update(json: string, note: string, changedBy: string): Promise<EligibilityVersion> {
    if (!note.trim()) throw badInput('a note saying why the conditions change is required', 'note');
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw badInput(`rules are not valid JSON: ${(err as Error).message}`, 'rules');
    }
    let rules: EligibilityRules;
    try {
      rules = parseEligibilityRules(parsed);
    } catch (err) {
      throw badInput(`rules are not valid eligibility conditions: ${(err as Error).message}`, 'rules');
    }
    const [row] = await this.db.insert(eligibilityRuleVersions).values({ rules: parsed, note: note.trim(), changedBy }).returning();
    return { version: row!.version, rules, json: JSON.stringify(parsed, null, 2), changedBy, note: note.trim(), at: row!.at };
  }
}
