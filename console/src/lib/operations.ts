/**
 * An entry's operation: the GraphQL operation's name, with " (part 2 of 3)" when the gateway split
 * one read naming very many people over several entries.
 */
export function splitOperation(raw: string): { name: string; part?: { part: string; parts: string } } {
  const m = /^(.*) \(part (\d+) of (\d+)\)$/.exec(raw);
  return m ? { name: m[1]!, part: { part: m[2]!, parts: m[3]! } } : { name: raw };
}
