// The operations the console sends; named, so the access log shows what was done. Each is
// registered as a trusted operation (gateway/trusted-operations.json, `npm run operations`):
// production runs only registered documents, so a changed query here needs that file regenerated.

/** Whether a token is good, at sign-in. */
export const SIGN_IN_CHECK = 'query SignInCheck { __typename }';

export const SEARCH_HOUSEHOLDS = /* GraphQL */ `
  query SearchHouseholds($regionCode: String!, $text: String!) {
    searchHouseholds(regionCode: $regionCode, text: $text) {
      id regionCode address
      members { id name relation deathDate }
    }
  }`;

const AWARD = 'id department programme personId householdId regionCode amountFen frequency startDate endDate status';
const FINDING = 'id rule householdId personIds awardIds awardKeys departments programmes overlapStart overlapEnd explanation explanationEn outsideJurisdiction status firstSeenAt';

/** A finding's history, for the household page (a proposal's findings have none). */
const FINDING_HISTORY = 'history { event note actor actorRole at }';

// Department-specific details come from each department's own award field (keep in sync with
// the *Details types of the supergraph and components/AwardDetails.tsx).
const DETAILS = `
  civilAffairsAwards { id minimumLiving { householdSize localStandardFen incomePerCapitaFen } extremePoverty { institution selfCare } disasterRelief { disasterType occurredAt reliefAt } temporaryAssistance { reason } }
  labourAwards { id unemploymentInsurance { months contributionYears previousEmployer } publicWelfareJob { position employer } reemploymentSupport { certificateNumber } training { course provider hours } jobPlacement { agency } }
  healthAwards { id medicalAssistance { hospital totalCostFen insuranceReimbursedFen selfPaidFen } premiumSubsidy { scheme year } }
  educationAwards { id schooling { school stage schoolYear grade } studentLoan { bank principalFen } }
  housingAwards { id lowRentHousing { unit floorAreaSqm monthlyRentFen } rentalSubsidy { subsidisedAreaSqm marketRentFen } affordableHousing { project floorAreaSqm } ruralRenovation { renovationType completedDate } }
  justiceAwards { id legalAid { caseType stage lawFirm } }
  disabilityAwards { id subsidy { certificateId } rehabilitation { service provider } }`;

export const HOUSEHOLD_PICTURE = /* GraphQL */ `
  query HouseholdPicture($id: ID!) {
    household(id: $id) {
      id regionCode hukou address
      members {
        id name gender birthDate deathDate relation
        disabilityCertificates { id category grade issuedDate validUntil }
        ${DETAILS}
      }
      awards { ${AWARD} }
      duplicateAidFindings { ${FINDING} ${FINDING_HISTORY} }
    }
  }`;

// A query of its own, beside the picture: a graph without these fields yet, or a department that
// refuses them, leaves the rest of the household page as it is.
export const HOUSEHOLD_MEANS = /* GraphQL */ `
  query HouseholdMeans($id: ID!, $date: String) {
    household(id: $id) {
      id hukou
      assistanceStandards(date: $date) { id programme regionCode monthlyFen startDate endDate }
      members {
        id name relation deathDate
        incomes { id source monthlyFen startDate endDate }
        properties { id kind areaSqm acquiredDate disposedDate }
      }
    }
  }`;

export const HOUSEHOLD_MEMBERS = /* GraphQL */ `
  query HouseholdForProposal($id: ID!) {
    household(id: $id) { id regionCode members { id name relation deathDate } }
  }`;

export const REVIEW_FINDING = /* GraphQL */ `
  mutation ReviewDuplicateAidFinding($id: ID!, $decision: FindingDecision!, $note: String!) {
    reviewDuplicateAidFinding(id: $id, decision: $decision, note: $note) { id status }
  }`;

export const CHECK_PROPOSED_AWARD = /* GraphQL */ `
  query CheckProposedAward($award: ProposedAwardInput!) {
    checkProposedAward(award: $award) { ${FINDING} }
  }`;

export const FINDINGS_OVERVIEW = /* GraphQL */ `
  query DuplicateAidFindingsOverview($regionCode: String!) {
    duplicateAidFindings(regionCode: $regionCode, first: 500) {
      totalCount
      pageInfo { hasNextPage }
      edges { node { id rule householdId regionCode status departments } }
    }
  }`;

export const RUN_SWEEP = /* GraphQL */ `
  mutation RunDuplicateAidSweep($regionCode: String!) {
    runDuplicateAidSweep(regionCode: $regionCode) { id status }
  }`;

export const SWEEP = /* GraphQL */ `
  query DuplicateAidSweepProgress($id: ID!) {
    duplicateAidSweep(id: $id) { id regionCode status error householdsTotal householdsChecked personsChecked findingsCount newCount goneCount startedAt finishedAt }
  }`;

export const STATISTICS = /* GraphQL */ `
  query AssistanceStatistics($regionCode: String!, $date: String) {
    assistanceStatistics(regionCode: $regionCode, date: $date) { programme regionCode beneficiaries households amountFen }
  }`;

/** Every field an access log entry may have; the page drops those the graph does not know. */
export const ACCESS_LOG_FIELDS = ['seq', 'at', 'sub', 'role', 'region', 'department', 'purpose', 'operation', 'subjectIds', 'requestId'];

export function accessLogQuery(fields: string[]): string {
  return `query AccessLog($personId: ID!, $first: Int, $after: String) {
    accessLog(personId: $personId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${fields.join(' ')} } }
    }
  }`;
}

const RATE = 'regionCode centralized dispersed total rate met';
const RELIEF = 'regionCode cases within24Hours late unrecorded shareWithin24Hours';

export const TARGETS = /* GraphQL */ `
  query AssistanceTargets($regionCode: String!, $date: String) {
    assistanceTargets(regionCode: $regionCode, date: $date) {
      regionCode date
      centralizedSupport { goal region { ${RATE} } counties { ${RATE} } }
      disasterRelief { from to targetHours region { ${RELIEF} } counties { ${RELIEF} } }
      coverageGaps { kind description region { regionCode persons households } }
    }
  }`;

/** A caseworker's worklist: open findings in a region, oldest first (what has waited longest). */
export const WORKLIST = /* GraphQL */ `
  query DuplicateAidWorklist($regionCode: String!, $rule: String, $department: Department, $after: String) {
    duplicateAidFindings(regionCode: $regionCode, status: OPEN, rule: $rule, department: $department, order: OLDEST_FIRST, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id rule householdId regionCode departments programmes firstSeenAt } }
    }
  }`;

/** Past and current sweeps of a region, the latest asked for first. */
export const SWEEPS = /* GraphQL */ `
  query DuplicateAidSweeps($regionCode: String!, $after: String) {
    duplicateAidSweeps(regionCode: $regionCode, first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id regionCode status error householdsTotal householdsChecked findingsCount newCount goneCount startedAt finishedAt } }
    }
  }`;

export const STATISTICS_CSV = /* GraphQL */ `
  query StatisticsCsv($statistic: StatisticKind!, $regionCode: String!, $date: String) {
    statisticsCsv(statistic: $statistic, regionCode: $regionCode, date: $date)
  }`;

// Data sharing (SPEC section 12): the catalogue, agreements and their use.
const AGREEMENT_FIELDS = 'id requester owner coordinates purpose legalBasis validFrom validUntil status builtIn adHocQueries requestedBy history { action by office note at }';

export const DATA_CATALOGUE = /* GraphQL */ `
  query DataCatalogue($department: Department) {
    dataCatalogue(department: $department) { coordinate department description sharing sensitivity }
  }`;

export const SHARING_AGREEMENTS = /* GraphQL */ `
  query SharingAgreements($department: Department, $status: String) {
    sharingAgreements(department: $department, status: $status) { ${AGREEMENT_FIELDS} }
  }`;

export const REQUEST_SHARING = /* GraphQL */ `
  mutation RequestSharing($input: SharingRequestInput!) {
    requestSharing(input: $input) { ${AGREEMENT_FIELDS} }
  }`;

export const DECIDE_SHARING = /* GraphQL */ `
  mutation DecideSharing($id: ID!, $approve: Boolean!, $note: String!) {
    decideSharing(id: $id, approve: $approve, note: $note) { ${AGREEMENT_FIELDS} }
  }`;

export const REVOKE_SHARING = /* GraphQL */ `
  mutation RevokeSharing($id: ID!, $note: String!) {
    revokeSharing(id: $id, note: $note) { ${AGREEMENT_FIELDS} }
  }`;

export const REGISTER_SHARING_OPERATION = /* GraphQL */ `
  mutation RegisterSharingOperation($agreementId: ID!, $document: String!) {
    registerSharingOperation(agreementId: $agreementId, document: $document) { hash agreementId operationName registeredBy at }
  }`;

export const SHARING_USAGE = /* GraphQL */ `
  query SharingUsage($agreementId: ID!, $from: String, $to: String) {
    sharingUsage(agreementId: $agreementId, from: $from, to: $to) { coordinate caller purpose day reads }
  }`;
