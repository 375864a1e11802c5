/**
 * The payment rules' own time for a region-month (SPEC section 11), at several sizes: the part of
 * a payment sweep the coordination office computes once every page is in (the seven rules over the
 * whole region's June payments, awards, members and accounts), without the gateway, the
 * departments or PostgreSQL. For when the whole system's row (`npm run bench`) cannot run on the
 * host: it says how the rules scale, not what a sweep takes.
 *
 *   npx tsx bench/paymentRules.ts [households,...]   (default 10000,30000,100000; seed bench)
 */
import { createGeneration, paymentRuleInputs } from '@saf/generator';
import { defaultRuleSet, detectPaymentFindings, type RulePayment } from '@saf/rules';

const PERIOD = '2025-06';
const ROUNDS = 3;
const sizes = (process.argv[2] ?? '10000,30000,100000').split(',').map(Number);

for (const households of sizes) {
  const generated = performance.now();
  const records = [...createGeneration({ households, seed: 'bench', paymentsYear: 2025 }).records];
  const generationSeconds = (performance.now() - generated) / 1000;
  const { persons: rulePersons, awards, accounts, payments: all } = paymentRuleInputs(records);
  const payments: RulePayment[] = all
    .filter((p) => p.period === PERIOD)
    .map((p) => ({ department: p.department, id: p.id, awardId: p.awardId, personId: p.personId, period: p.period, amountFen: p.amountFen, accountNumber: p.accountNumber, status: p.status }));
  // CPU time of this process as well as wall time: on a shared, busy host the wall time is mostly
  // waiting for a core; the CPU time is what the rules cost.
  const wall: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const used = process.cpuUsage();
    findings = detectPaymentFindings({ period: PERIOD, payments, awards, persons: rulePersons, accounts, ruleSet: defaultRuleSet }).length;
    const { user, system } = process.cpuUsage(used);
    cpu.push((user + system) / 1000);
    wall.push(performance.now() - started);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `| ${households.toLocaleString('en-US')} | ${rulePersons.length.toLocaleString('en-US')} | ${payments.length.toLocaleString('en-US')} | ${awards.length.toLocaleString('en-US')} | ${findings} | ${median(cpu).toFixed(0)} ms (rounds ${cpu.map((t) => t.toFixed(0)).join(', ')}) | ${median(wall).toFixed(0)} ms | ${Math.round(payments.length / (median(cpu) / 1000)).toLocaleString('en-US')} | ${generationSeconds.toFixed(0)} s |\n`,
  );
}
