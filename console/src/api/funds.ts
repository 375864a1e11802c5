/**
 * The 资金发放 page's operations (SPEC section 11), apart from the page so that the trusted
 * operations (scripts/trusted-operations.ts) register exactly what the console sends.
 */
export const ROLL = `id department regionCode period status lineCount totalFen heldCount generatedBy approvedBy
  lines { line awardId programme personId amountFen accountNumber status holds { kind findingId rule explanation } }`;
export const GENERATE = `mutation GenerateRoll($d: Department!, $r: String!, $p: String!) { generatePaymentRoll(department: $d, regionCode: $r, period: $p) { ${ROLL} } }`;
export const APPROVE = `mutation ApproveRoll($id: ID!, $n: String!) { approvePaymentRoll(id: $id, note: $n) { id } }`;
export const RECONCILE = `mutation ReconcileRoll($id: ID!, $r: String!) { reconcilePaymentRoll(id: $id, bankReturn: $r) { id } }`;
export const ROLL_BY_ID = `query PaymentRoll($id: ID!) { paymentRoll(id: $id) { ${ROLL} } }`;
export const BANK_FILE = `query BankFile($id: ID!) { paymentRoll(id: $id) { id bankFile } }`;
export const FINDINGS = `query PaymentFindings($r: String!, $p: String) { paymentFindings(regionCode: $r, period: $p, first: 100) { totalCount edges { node { id rule period personIds paymentIds departments accountNumber explanation status } } } }`;
export const SWEEP = `mutation RunPaymentSweep($r: String!, $p: String!) { runPaymentSweep(regionCode: $r, period: $p) { id status } }`;
export const SWEEP_STATUS = `query PaymentSweepStatus($id: ID!) { paymentSweep(id: $id) { id status error findingsCount } }`;
export const REVIEW = `mutation ReviewPaymentFinding($id: ID!, $d: FindingDecision!, $n: String!) { reviewPaymentFinding(id: $id, decision: $d, note: $n) { id status } }`;
export const FUNDS = `query FundsStatistics($r: String!, $p: String!) { fundsStatistics(regionCode: $r, period: $p) { department programme regionCode period paidFen failedFen recipients } fundsWithoutAward(regionCode: $r, period: $p) { department regionCode period paidFen failedFen recipients } }`;
