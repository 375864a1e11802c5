/**
 * What must stay unique across the whole file: ID numbers (region + birth date + sequence) and
 * identities as the duplicate-identity rule sees them (its name key + birth date + gender).
 * Held as key sets, so a run of 100,000 households keeps keys, not records.
 */
import { makeResidentId, type Gender } from '@saf/identity';
import type { Rng } from './random.ts';
// Only the name key, not the whole rules package: the generator's start-up stays free of zod.
import { nameKey } from '@saf/rules/nameKey';

export class Registry {
  private readonly idKeys = new Set<string>();

  /**
   * @param tag what every record id of this generation carries (`namespace` + `-`), empty for the demo's
   * @param reserved ID numbers (as `issuedKey` gives them) another generation holds: never issued here
   */
  constructor(
    readonly tag = '',
    private readonly reserved: ReadonlySet<string> = new Set(),
  ) {}

  private readonly identityKeys = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** A fresh valid ID: odd sequence for men, even for women (GB 11643-1999). */
  issueId(rng: Rng, region: string, birthDate: string, gender: Gender): string {
    const base = `${region}${birthDate.replaceAll('-', '')}`;
    const parity = gender === 'MALE' ? 1 : 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      const sequence = rng.int(0, 499) * 2 + parity;
      if (sequence === 0) continue;
      const key = base + String(sequence).padStart(3, '0');
      if (!this.idKeys.has(key) && !this.reserved.has(key)) {
        this.idKeys.add(key);
        return makeResidentId(region, birthDate, sequence);
      }
    }
    for (let sequence = 998 + parity; sequence > 0; sequence -= 2) {
      const key = base + String(sequence).padStart(3, '0');
      if (!this.idKeys.has(key) && !this.reserved.has(key)) {
        this.idKeys.add(key);
        return makeResidentId(region, birthDate, sequence);
      }
    }
    throw new Error(`no free ID sequence for ${base}`);
  }

  /** Claims an identity; false when someone already has this name, birth date and gender. */
  claimIdentity(name: string, birthDate: string, gender: Gender): boolean {
    const key = `${nameKey(name)}|${birthDate}|${gender}`;
    if (this.identityKeys.has(key)) return false;
    this.identityKeys.add(key);
    return true;
  }

  /** The next number of a series (household numbers per county, award ids per department, …). */
  next(series: string): number {
    const n = (this.counters.get(series) ?? 0) + 1;
    this.counters.set(series, n);
    return n;
  }
}

/** An ID number's key as `Registry` holds it: its first 17 characters (region, birth date, sequence). */
export const issuedKey = (residentId: string): string => residentId.slice(0, 17);
