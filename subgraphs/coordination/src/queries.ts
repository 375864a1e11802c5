/**
 * What the coordination office asks the graph for. Keep the award selections in sync with
 * `AWARD_FIELDS` (src/requires.ts).
 */
const AWARDS = `civilAffairsAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } labourAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } healthAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } educationAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } housingAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } justiceAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } disabilityAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status }`;
const HOUSEHOLD = `id regionCode ${AWARDS} members { id name gender birthDate deathDate ${AWARDS} }`;

/**
 * A page of a region's households for a sweep: civil affairs lists households and members, every
 * department adds its awards of them, all in compact rows (see `SweepBatch` in the schema). One
 * gateway request, one fetch per subgraph, however many households. `householdIds` is selected
 * so that the access-log entry names every household read.
 */
export const SWEEP_BATCH = `query SweepBatch($region: String!, $first: Int!, $after: String, $until: String) {
  _internalSweepBatch(regionCode: $region, first: $first, after: $after, until: $until) {
    hasNextPage endCursor householdIds households persons
    civilAffairsAwards labourAwards healthAwards educationAwards housingAwards justiceAwards disabilityAwards
  }
}`;

/** A page of a sweep by streams: civil affairs' households and members alone (the awards came by the departments' streams); named as a page by id is, for the access log. */
export const SWEEP_HOUSEHOLDS = `query SweepBatch($region: String!, $first: Int!, $after: String, $until: String) {
  _internalSweepBatch(regionCode: $region, first: $first, after: $after, until: $until) { hasNextPage endCursor householdIds households persons }
}`;

/** A person, their household and every award of both, for checking a proposed award. */
export const PROPOSAL_CONTEXT = `query ProposalContext($personId: ID!) {
  person(id: $personId) { id name gender birthDate deathDate ${AWARDS} household { ${HOUSEHOLD} } }
}`;
