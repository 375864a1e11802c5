/**
 * What the coordination office asks the graph for. Keep the award selections in sync with
 * `AWARD_FIELDS` (src/requires.ts).
 */
const AWARDS = `civilAffairsAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } labourAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } healthAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } educationAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } housingAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } justiceAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status } disabilityAwards { id department programme personId householdId regionCode amountFen frequency startDate endDate status }`;
const HOUSEHOLD = `id regionCode ${AWARDS} members { id name gender birthDate deathDate ${AWARDS} }`;

/** A page of a region's households with every member and every department's awards. */
export const SWEEP_PAGE = `query SweepPage($region: String!, $first: Int!, $after: String) {
  householdsInRegion(regionCode: $region, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${HOUSEHOLD} } }
  }
}`;

/** A person, their household and every award of both, for checking a proposed award. */
export const PROPOSAL_CONTEXT = `query ProposalContext($personId: ID!) {
  person(id: $personId) { id name gender birthDate deathDate ${AWARDS} household { ${HOUSEHOLD} } }
}`;
