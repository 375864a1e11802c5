// Casework (SPEC section 10): applications, the public notice and review tasks.

export interface Assessment {
  complete: boolean;
  missingDepartments: string[];
  householdSize: number;
  incomePerHeadFen: number | null;
  standardFen: number | null;
  eligible: boolean | null;
  reasons: string[];
  gapFen: number | null;
}

export interface ApplicationEvent {
  action: string;
  by: string;
  byRole: string;
  at: string;
  note: string | null;
  toStage: string;
}

export interface ApprovalInProgress {
  status: 'RUNNING' | 'UNCONFIRMED';
  since: string;
}

export interface Application {
  id: string;
  stage: string;
  householdId: string;
  personId: string;
  programme: string;
  department: string;
  regionCode: string;
  amountFen: number | null;
  reason: string;
  consentSignedBy: string | null;
  consentSignedOn: string | null;
  awardId: string | null;
  waitingDays: number;
  waitingHours: number;
  noticeStart: string | null;
  noticeEnd: string | null;
  openObjections: number;
  availableActions: string[];
  /** An approval the department has not confirmed (审批中 / 审批确认中): the stage stays IN_NOTICE meanwhile. */
  approvalInProgress: ApprovalInProgress | null;
  assessment: Assessment | null;
  findings: { id: string; rule: string; explanation: string; explanationEn: string }[];
  history: ApplicationEvent[];
}

const APPLICATION_FIELDS = `id stage householdId personId programme department regionCode amountFen reason consentSignedBy consentSignedOn awardId
  waitingDays waitingHours noticeStart noticeEnd openObjections availableActions approvalInProgress { status since }
  assessment { complete missingDepartments householdSize incomePerHeadFen standardFen eligible reasons gapFen }
  findings { id rule explanation explanationEn }
  history { action by byRole at note toStage }`;

export const APPLICATION = /* GraphQL */ `
  query Application($id: ID!) { application(id: $id) { ${APPLICATION_FIELDS} } }`;

export const ADVANCE = /* GraphQL */ `
  mutation AdvanceApplication($id: ID!, $action: ApplicationAction!, $note: String!) {
    advanceApplication(id: $id, action: $action, note: $note) { ${APPLICATION_FIELDS} }
  }`;

export const SUBMIT = /* GraphQL */ `
  mutation SubmitApplication($input: ApplicationInput!) { submitApplication(input: $input) { id } }`;

export const APPLICATIONS = /* GraphQL */ `
  query Applications($regionCode: String!, $stage: ApplicationStage, $first: Int, $after: String) {
    applications(regionCode: $regionCode, stage: $stage, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id stage householdId personId programme department regionCode waitingDays waitingHours approvalInProgress { status since } } }
    }
  }`;

export const PUBLIC_NOTICE = /* GraphQL */ `
  query PublicNotice($regionCode: String!) {
    publicNotice(regionCode: $regionCode) { applicationId maskedName regionCode programme householdSize amountFen noticeStart noticeEnd }
  }`;

export const REVIEW_TASKS = /* GraphQL */ `
  query ReviewTasks($regionCode: String!, $first: Int, $after: String) {
    reviewTasks(regionCode: $regionCode, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id department householdId personId awardId reason createdAt status outcome closedBy closedAt note history { action outcome by at note } } }
    }
  }`;

export const CLOSE_REVIEW_TASK = /* GraphQL */ `
  mutation CloseReviewTask($id: ID!, $outcome: ReviewOutcome!, $note: String!) {
    closeReviewTask(id: $id, outcome: $outcome, note: $note) { id status outcome closedBy closedAt note }
  }`;

export const STAGES = ['SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
