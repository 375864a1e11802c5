// Types of scripts/bundle.mjs (plain JavaScript: `npm start` runs it before any TypeScript).
export const outdirOf: (root: string) => string;
export function startEntries(root: string): string[];
export const compiledPath: (outdir: string, entry: string) => string;
export function bundle(root: string, entries: readonly string[], outdir?: string): Promise<Map<string, string>>;
export function imageEntries(root: string): string[];
export const IMAGE_OUTDIR: string;
