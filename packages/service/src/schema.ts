import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import { enumsSDL } from '@saf/programmes';

/**
 * The sharing catalogue's directive (SPEC section 12): each subgraph imports it with
 * `@link(url: "https://specs.social-assistance.example/sharing/v1.0", import: ["@sharing"])` and
 * `@composeDirective(name: "@sharing")`, and marks every field it defines, or the type that holds
 * them, with its sharing class and sensitivity; composition carries the marks into the supergraph
 * (npm run compose refuses a field without one).
 */
export const SHARING_SPEC_URL = 'https://specs.social-assistance.example/sharing/v1.0';
export const sharingSDL = `
"""How a field is shared with other departments (数据共享目录): declared by the department that owns it."""
directive @sharing(class: SharingClass!, sensitivity: Sensitivity!) on FIELD_DEFINITION | OBJECT

"""共享类型: 无条件共享, 有条件共享 (under an agreement the owner approved), 不予共享."""
enum SharingClass {
  """无条件共享 shared with every department"""
  UNCONDITIONAL
  """有条件共享 shared under an approved sharing agreement, for its purpose only"""
  CONDITIONAL
  """不予共享 not shared"""
  NOT_SHARED
}

"""敏感级别 of the data a field holds."""
enum Sensitivity {
  """低: aggregates, codes, nothing about a person"""
  LOW
  """中: about a person, not identifying on its own"""
  MEDIUM
  """高: identifies a person or household, or tells their circumstances"""
  HIGH
}
`;

/** Reads a subgraph's `schema.graphql`, adding the catalogue's shared enums and the sharing directive. */
export function readSubgraphSDL(file: URL): string {
  return `${readFileSync(file, 'utf8')}\n${enumsSDL}\n${sharingSDL}`;
}

export function loadTypeDefs(file: URL): DocumentNode {
  return parse(readSubgraphSDL(file));
}
