import { describe, expect, it } from 'vitest';
import { sharingSDL } from '@saf/service';
import { composePublished, type Published } from '../src/compose.ts';

const LINKS = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable", "@composeDirective"])
  @link(url: "https://specs.social-assistance.example/sharing/v1.0", import: ["@sharing"])
  @composeDirective(name: "@sharing")`;
const service = (name: string, sdl: string): Published => ({ service: name, sdl: `${LINKS}\n${sdl}\n${sharingSDL}`, url: `http://${name}.invalid/graphql`, owner: null });

describe('the registry refuses marks the gateway would misread as not about a person', () => {
  it('a field marked LOW whose name names a person', () => {
    const result = composePublished([service('veterans', 'type Query { figures: [Figure!]! @sharing(class: UNCONDITIONAL, sensitivity: LOW) } type Figure @sharing(class: UNCONDITIONAL, sensitivity: LOW) { personId: ID! amountFen: Int! }')]);
    expect('errors' in result && result.errors).toEqual([expect.stringMatching(/^\[SHARING\] veterans: Figure\.personId is marked LOW/)]);
  });

  it('a type one service marks HIGH and the others outvote as LOW', () => {
    const total = (name: string, sensitivity: string) =>
      service(name, `type Query { ${name}Total: Total @sharing(class: UNCONDITIONAL, sensitivity: LOW) } type Total @shareable @sharing(class: UNCONDITIONAL, sensitivity: ${sensitivity}) { amountFen: Int! }`);
    const result = composePublished([total('a', 'LOW'), total('b', 'LOW'), total('c', 'HIGH')]);
    expect('errors' in result && result.errors).toEqual([expect.stringMatching(/^\[SHARING\] c: Total is about a person there/)]);
    // Marked alike, it composes.
    expect(composePublished([total('a', 'HIGH'), total('b', 'HIGH'), total('c', 'HIGH')])).toHaveProperty('supergraphSdl');
  });

  it('a schema published without marks, which the gateway counts as about a person', () => {
    expect(composePublished([service('plain', 'type Query { vehicles(personId: ID!): [Vehicle!]! } type Vehicle { plate: String! }')])).toHaveProperty('supergraphSdl');
  });
});
