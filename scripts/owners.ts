/**
 * Every subgraph names the department office that owns it, twice: `"owner"` in its package.json
 * (for tools) and an `# Owner:` line in its schema.graphql (for whoever reads the schema). They
 * must name the same organisation: the text before the English gloss in parentheses, e.g.
 * `人力资源和社会保障局 就业促进科` in `人力资源和社会保障局 就业促进科 (labour and social security)`.
 */

export interface OwnedSubgraph {
  name: string;
  /** The package.json text, or undefined when there is none. */
  packageJson: string | undefined;
  /** The schema.graphql text, or undefined when there is none. */
  schema: string | undefined;
}

export function packageOwner(packageJson: string): string | undefined {
  const owner = (JSON.parse(packageJson) as { owner?: unknown }).owner;
  return typeof owner === 'string' && owner.trim() !== '' ? owner.trim() : undefined;
}

export function schemaOwner(schema: string): string | undefined {
  return schema.match(/^#\s*Owner:\s*(.+?)\s*$/m)?.[1];
}

/** The organisation an owner text names: up to the English gloss `(…)` or the end of the sentence. */
export function organisation(owner: string): string {
  return owner.split(/\s\(|\.(?:\s|$)/)[0]?.trim() ?? '';
}

/** Problems, one line each, naming the subgraph and the file; empty when every owner agrees. */
export function ownerProblems(subgraphs: readonly OwnedSubgraph[]): string[] {
  const problems: string[] = [];
  for (const s of subgraphs) {
    const where = `subgraphs/${s.name}`;
    if (s.packageJson === undefined) problems.push(`${where}/package.json is missing`);
    if (s.schema === undefined) problems.push(`${where}/schema.graphql is missing`);
    if (s.packageJson === undefined || s.schema === undefined) continue;
    let fromPackage: string | undefined;
    try {
      fromPackage = packageOwner(s.packageJson);
    } catch (err) {
      problems.push(`${where}/package.json is not JSON: ${(err as Error).message}`);
      continue;
    }
    const fromSchema = schemaOwner(s.schema);
    if (!fromPackage) problems.push(`${where}/package.json has no "owner"`);
    if (!fromSchema) problems.push(`${where}/schema.graphql has no "# Owner:" line`);
    if (fromPackage && fromSchema && organisation(fromPackage) !== organisation(fromSchema)) {
      problems.push(`${where}: package.json owner "${organisation(fromPackage)}" and schema.graphql "# Owner:" "${organisation(fromSchema)}" differ`);
    }
  }
  return problems;
}
