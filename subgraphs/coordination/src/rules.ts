import { desc } from 'drizzle-orm';
import { defaultRuleSet, parseRuleSet, type RuleSet } from '@saf/rules';
import type { Db } from '@saf/db';
import { badInput } from '@saf/service';
import { ruleSetVersions } from './db/schema.ts';

export interface RuleSetVersion {
  version: number;
  ruleSet: RuleSet;
  json: string;
  changedBy: string | null;
  note: string | null;
  at: string | null;
}

const DEFAULT: RuleSetVersion = { version: 0, ruleSet: defaultRuleSet, json: JSON.stringify(defaultRuleSet, null, 2), changedBy: null, note: 'default rule set (packages/rules/rules.json)', at: null };

/**
 * The rule set in force: the newest stored version, else the default. Cached for a moment so a
 * request does not read it every time; a change made here applies at once, one made by another
 * replica within `ttlMs`.
 */
export class RuleSetStore {
  private cached: { value: RuleSetVersion; at: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2000,
  ) {}

  async current(): Promise<RuleSetVersion> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const [row] = await this.db.select().from(ruleSetVersions).orderBy(desc(ruleSetVersions.version)).limit(1);
    const value = row
      ? { version: row.version, ruleSet: parseRuleSet(row.rules), json: JSON.stringify(row.rules, null, 2), changedBy: row.changedBy, note: row.note, at: row.at }
      : DEFAULT;
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Validates and stores a new version; the error names what is wrong. */
  async update(json: string, note: string, changedBy: string | null): Promise<RuleSetVersion> {
    if (!note.trim()) throw badInput('a note saying why the rules change is required', 'note');
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw badInput(`rules are not valid JSON: ${(err as Error).message}`, 'rules');
    }
    let ruleSet: RuleSet;
    try {
      ruleSet = parseRuleSet(parsed);
    } catch (err) {
      throw badInput(`rules are not a valid rule set: ${(err as Error).message}`, 'rules');
    }
    const [row] = await this.db.insert(ruleSetVersions).values({ rules: parsed, note, changedBy }).returning();
    const value = { version: row!.version, ruleSet, json: JSON.stringify(parsed, null, 2), changedBy, note, at: row!.at };
    this.cached = { value, at: Date.now() };
    return value;
  }
}
