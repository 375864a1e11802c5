/**
 * Amounts (integer fen) and department `details` for each programme, at Ili's levels of the
 * period (城乡低保 standards, 特困 at 1.3 × the urban standard, the resident medical insurance
 * premium, national student aid, …). The field names follow `subgraphs/<department>/src/details.ts`.
 */
import { AS_OF, addDays, yearOf } from './dates.ts';
import type { Rng } from './random.ts';
import type { County, Place } from './regions.ts';

const shortName = (county: County): string => county.name.replace('锡伯自治县', '县');
const townOf = (place: Place): string => place.township?.name ?? shortName(place.county);

/** Monthly 低保 standard per person (fen): rises every year; towns a little above villages. */
export function minimumLivingStandard(urban: boolean, year: number, county: County): number {
  const base = urban ? 52_000 + (year - 2019) * 3_000 : 35_000 + (year - 2019) * 2_200;
  return base + (county.city ? 2_000 : 0);
}

export function minimumLiving(rng: Rng, urban: boolean, startDate: string, place: Place, householdSize: number) {
  const standard = minimumLivingStandard(urban, yearOf(startDate), place.county);
  const incomePerCapitaFen = rng.step(0, standard - (urban ? 40_000 : 25_000), 100);
  return {
    amountFen: standard - incomePerCapitaFen,
    details: { householdSize, localStandardFen: standard, incomePerCapitaFen },
  };
}

export type SelfCare = 'FULL' | 'PARTIAL' | 'NONE';

export function extremePoverty(rng: Rng, centralized: boolean, startDate: string, place: Place) {
  const selfCare: SelfCare = rng.weighted([['FULL', 55], ['PARTIAL', 30], ['NONE', 15]]);
  const basic = Math.round((minimumLivingStandard(true, yearOf(startDate), place.county) * 1.3) / 100) * 100;
  const care = { FULL: 0, PARTIAL: 15_000, NONE: 40_000 }[selfCare];
  const institution = rng.pick([
    `${shortName(place.county)}社会福利中心`,
    `${shortName(place.county)}中心敬老院`,
    `${townOf(place)}敬老院`,
    '伊犁哈萨克自治州社会福利院',
  ]);
  return { amountFen: basic + care, details: centralized ? { institution, selfCare } : { selfCare } };
}

/** The individual contribution to 城乡居民基本医疗保险 (yuan per year), subsidised in full for 特困. */
const PREMIUM_YUAN: Record<number, number> = { 2019: 250, 2020: 280, 2021: 320, 2022: 350, 2023: 380, 2024: 400, 2025: 400, 2026: 420 };

export function premiumSubsidy(year: number, extremePoor: boolean) {
  const premium = (PREMIUM_YUAN[year] ?? 400) * 100;
  return { amountFen: extremePoor ? premium : Math.round(premium * 0.7), details: { scheme: '城乡居民基本医疗保险', year } };
}

export function medicalAssistance(rng: Rng, inpatient: boolean, place: Place, extremePoor: boolean) {
  const county = shortName(place.county);
  const hospital = inpatient
    ? rng.pick([`${county}人民医院`, '伊犁哈萨克自治州友谊医院', '伊犁哈萨克自治州中医医院', '伊犁哈萨克自治州奎屯医院', `${county}维吾尔医医院`])
    : rng.pick([`${townOf(place)}卫生院`, `${county}人民医院`, `${county}妇幼保健院`]);
  const totalCostFen = inpatient ? rng.step(300_000, 8_000_000, 100) : rng.step(8_000, 300_000, 100);
  const insuranceReimbursedFen = Math.round((totalCostFen * rng.int(55, 80)) / 100);
  const selfPaidFen = totalCostFen - insuranceReimbursedFen;
  const amountFen = Math.round((selfPaidFen * (extremePoor ? 1 : rng.int(60, 75) / 100)) / 100) * 100;
  return { amountFen, details: { hospital, totalCostFen, insuranceReimbursedFen, selfPaidFen } };
}

export type Stage = 'PRESCHOOL' | 'PRIMARY' | 'JUNIOR_SECONDARY' | 'SENIOR_SECONDARY' | 'VOCATIONAL' | 'HIGHER';

/** The stage and grade of a pupil of `age` on 1 September, or null outside schooling. */
export function stageAt(age: number, vocational: boolean): { stage: Stage; grade?: number } | null {
  if (age >= 3 && age <= 5) return { stage: 'PRESCHOOL' };
  if (age >= 6 && age <= 11) return { stage: 'PRIMARY', grade: age - 5 };
  if (age >= 12 && age <= 14) return { stage: 'JUNIOR_SECONDARY', grade: age - 5 };
  if (age >= 15 && age <= 17) return vocational ? { stage: 'VOCATIONAL', grade: age - 14 } : { stage: 'SENIOR_SECONDARY', grade: age - 5 };
  if (age >= 18 && age <= 21) return { stage: 'HIGHER', grade: age - 17 };
  return null;
}

export function schoolName(rng: Rng, stage: Stage, place: Place): string {
  const county = shortName(place.county);
  const rural = place.township !== null && place.township.kind !== 'STREET';
  switch (stage) {
    case 'PRESCHOOL': return rural ? `${townOf(place)}中心幼儿园` : `${county}第${rng.int(1, 12)}幼儿园`;
    case 'PRIMARY': return rural ? `${townOf(place)}中心小学` : `${county}第${rng.int(1, 25)}小学`;
    case 'JUNIOR_SECONDARY': return rural ? `${townOf(place)}中学` : `${county}第${rng.int(1, 30)}中学`;
    case 'SENIOR_SECONDARY': return rng.pick([`${county}高级中学`, `${county}第${rng.int(1, 3)}中学`, '伊宁市第三中学', '伊犁哈萨克自治州第一中学']);
    case 'VOCATIONAL': return rng.pick(['伊犁哈萨克自治州技工学校', `${county}中等职业技术学校`, '伊犁职业技术学院']);
    case 'HIGHER': return rng.pick(['伊犁师范大学', '新疆大学', '新疆师范大学', '新疆医科大学', '新疆农业大学', '新疆财经大学', '石河子大学', '塔里木大学', '昌吉学院']);
  }
}

/** Yearly student aid amounts (fen) by programme and stage, at national standards. */
export function studentAid(rng: Rng, code: string, stage: Stage, boarding: boolean): number {
  switch (code) {
    case 'TWO_EXEMPTIONS_ONE_SUBSIDY':
      // The subsidy is for boarders' living costs; day pupils get the exemptions (textbooks) only.
      return boarding ? (stage === 'PRIMARY' ? 125_000 : 150_000) : rng.step(9_000, 16_000, 100);
    case 'STUDENT_GRANT':
      return stage === 'PRESCHOOL' ? 100_000 : stage === 'HIGHER' ? rng.pick([250_000, 370_000, 450_000]) : 230_000;
    case 'TUITION_WAIVER':
      return stage === 'HIGHER' ? rng.step(300_000, 600_000, 10_000) : rng.step(80_000, 240_000, 10_000);
    case 'STUDENT_LOAN':
      return rng.step(800_000, 1_600_000, 100_000);
    default:
      return rng.pick([500_000, 600_000, 800_000]);
  }
}

const MINIMUM_WAGE_FEN = (county: County) => (county.city ? 190_000 : 170_000);

export function unemploymentInsurance(rng: Rng, place: Place) {
  const contributionYears = rng.int(1, 25);
  const months = rng.int(3, contributionYears < 5 ? 12 : contributionYears < 10 ? 18 : 24);
  const previousEmployer = `${shortName(place.county)}${rng.pick(['天润', '恒泰', '丰源', '新天', '金桥', '华信', '宏达', '鑫源', '伊河', '天马'])}${rng.pick(['纺织', '建材', '商贸', '农业开发', '食品', '物流', '建筑工程', '煤业'])}有限公司`;
  return { months, amountFen: Math.round(MINIMUM_WAGE_FEN(place.county) * 0.9), details: { months, contributionYears, previousEmployer } };
}

export function publicWelfareJob(rng: Rng, place: Place) {
  const county = shortName(place.county);
  const [position, employer] = rng.pick([
    ['保洁员', `${county}城市管理局`],
    ['护林员', `${county}林业和草原局`],
    ['护路员', `${county}交通运输局`],
    ['治安巡逻员', `${townOf(place)}${place.township?.kind === 'STREET' ? '办事处' : '人民政府'}`],
    ['社区网格员', `${townOf(place)}${place.township?.kind === 'STREET' ? '办事处' : '人民政府'}`],
    ['养老服务员', `${county}社会福利中心`],
    ['河道管护员', `${county}水利局`],
  ] as const);
  return { amountFen: MINIMUM_WAGE_FEN(place.county) + rng.step(0, 20_000, 1_000), details: { position, employer } };
}

export function reemploymentSupport(rng: Rng, place: Place, startDate: string) {
  return {
    amountFen: rng.step(60_000, 90_000, 1_000),
    details: { certificateNumber: `${place.county.code}${yearOf(startDate)}${String(rng.int(1, 99_999)).padStart(5, '0')}` },
  };
}

export function training(rng: Rng, place: Place) {
  const hours = rng.pick([40, 64, 80, 120, 160, 200]);
  const course = rng.pick(['电焊工', '中式烹调师', '育婴员', '农机驾驶与维修', '养老护理员', '电工', '美容美发', '家政服务员', '砌筑工', '民族刺绣', '电子商务']);
  const provider = rng.pick(['伊犁哈萨克自治州技工学校', '伊犁职业技术学院', `${shortName(place.county)}职业技能培训中心`, `${shortName(place.county)}就业培训中心`]);
  return { amountFen: hours * rng.step(1_500, 2_000, 100), details: { course, provider, hours }, days: Math.ceil(hours / 8) };
}

export function jobPlacement(rng: Rng, place: Place) {
  return {
    amountFen: rng.step(20_000, 40_000, 1_000),
    details: { agency: rng.pick([`${shortName(place.county)}公共就业服务中心`, '伊犁哈萨克自治州公共就业服务中心', `${shortName(place.county)}人力资源市场`]) },
  };
}

export function disability(rng: Rng) {
  return {
    category: rng.weighted([['PHYSICAL', 35], ['VISUAL', 12], ['HEARING', 12], ['SPEECH', 3], ['INTELLECTUAL', 12], ['MENTAL', 12], ['MULTIPLE', 14]] as const),
    grade: rng.weighted([[1, 15], [2, 30], [3, 30], [4, 25]]),
  };
}

export function rehabilitation(rng: Rng, place: Place, category: string, child: boolean) {
  const service =
    category === 'HEARING' ? (child ? '人工耳蜗植入' : '助听器适配') :
    category === 'VISUAL' ? '白内障复明手术' :
    category === 'INTELLECTUAL' || category === 'MENTAL' ? (child ? '孤独症儿童康复训练' : '精神障碍社区康复') :
    rng.pick(['辅助器具适配', '肢体康复训练']);
  const provider = rng.pick(['伊犁哈萨克自治州残疾人康复中心', `${shortName(place.county)}残疾人康复服务中心`, '伊犁哈萨克自治州友谊医院']);
  return { amountFen: child ? rng.step(500_000, 2_000_000, 10_000) : rng.step(50_000, 600_000, 1_000), details: { service, provider } };
}

export function rentalSubsidy(rng: Rng, householdSize: number) {
  const subsidisedAreaSqm = Math.min(50, householdSize * 15);
  return {
    amountFen: subsidisedAreaSqm * rng.step(800, 1_200, 50),
    details: { subsidisedAreaSqm, marketRentFen: subsidisedAreaSqm * rng.step(1_500, 2_600, 50) },
  };
}

export function lowRentHousing(rng: Rng, place: Place) {
  const floorAreaSqm = rng.int(70, 100) / 2;
  const monthlyRentFen = Math.round((floorAreaSqm * rng.int(100, 200)) / 100) * 100;
  const unit = `${shortName(place.county)}${rng.pick(['幸福家园', '惠民小区', '安居苑', '保障性住房小区', '廉租房一期', '丽景苑'])}${rng.int(1, 18)}号楼${rng.int(1, 4)}单元${rng.int(1, 6)}0${rng.int(1, 4)}室`;
  return { amountFen: Math.round((floorAreaSqm * rng.int(1_200, 2_000)) / 100) * 100 - monthlyRentFen, details: { unit, floorAreaSqm, monthlyRentFen } };
}

export function affordableHousing(rng: Rng, place: Place) {
  const floorAreaSqm = rng.int(120, 180) / 2;
  const project = `${shortName(place.county)}${rng.pick(['丽景', '和谐', '天鹅湖', '锦绣', '金桥'])}经济适用住房项目`;
  return { amountFen: Math.round(floorAreaSqm * rng.int(800, 1_200)) * 100, details: { project, floorAreaSqm } };
}

export function ruralRenovation(rng: Rng, startDate: string) {
  const renovationType = rng.weighted([['QUAKE_SAFE_NEW', 50], ['REBUILD', 30], ['REINFORCE', 20]] as const);
  const amountFen = renovationType === 'REINFORCE' ? rng.step(500_000, 1_500_000, 10_000) : rng.step(2_000_000, 4_500_000, 10_000);
  const completed = addDays(startDate, rng.int(90, 300));
  return { amountFen, completedDate: completed <= AS_OF ? completed : null, renovationType };
}

export function legalAid(rng: Rng, place: Place) {
  const caseType = rng.weighted([['CIVIL', 60], ['CRIMINAL', 20], ['ADMINISTRATIVE', 5], ['NON_LITIGATION', 15]] as const);
  const lawFirm = rng.pick([`${shortName(place.county)}法律援助中心`, '伊犁哈萨克自治州法律援助中心', '新疆伊犁河律师事务所', '新疆天山律师事务所伊犁分所', '新疆西域律师事务所']);
  return { caseType, lawFirm, amountFen: caseType === 'CRIMINAL' ? rng.step(100_000, 200_000, 10_000) : rng.step(150_000, 300_000, 10_000) };
}

export function temporaryAssistance(rng: Rng) {
  const reason = rng.pick(['突发重大疾病，医疗费用支出过大', '家中失火，房屋及生活用品损毁', '交通事故致主要劳动力受伤', '子女就学费用支出突然增加', '家庭成员意外死亡', '生活必需支出突然增加，基本生活暂时困难', '务工返乡途中遭遇意外']);
  return { amountFen: rng.step(50_000, 600_000, 10_000), details: { reason } };
}

/** Typical hazards by county: hail and snow in the Zhaosu and Tekes basins, quakes and floods along the valleys. */
export function disasterType(rng: Rng, county: County): string {
  const byCounty: Record<string, readonly string[]> = {
    '654026': ['冰雹', '暴雪', '洪涝'],
    '654027': ['冰雹', '暴雪', '地震'],
    '654024': ['地震', '洪涝', '泥石流', '暴雪'],
    '654025': ['地震', '洪涝', '泥石流', '暴雪'],
    '654028': ['地震', '暴雪', '泥石流'],
  };
  return rng.pick(byCounty[county.code] ?? ['大风', '洪涝', '冰雹', '干旱', '火灾']);
}

/** `YYYY-MM-DDTHH:mm:00+08:00` (Beijing time). */
export function beijingTime(date: string, minutes: number): string {
  const day = addDays(date, Math.floor(minutes / 1440));
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00+08:00`;
}

/** A disaster and the relief: most relief arrives within 24 hours (the policy's target), some later. */
export function disasterRelief(rng: Rng, county: County, occurredOn: string) {
  const occurredMinute = rng.int(0, 1439);
  const delayMinutes = rng.chance(0.85) ? rng.int(90, 23 * 60) : rng.int(25 * 60, 96 * 60);
  const reliefMinute = occurredMinute + delayMinutes;
  return {
    amountFen: rng.step(50_000, 300_000, 10_000),
    startDate: addDays(occurredOn, Math.floor(reliefMinute / 1440)),
    details: { disasterType: disasterType(rng, county), occurredAt: beijingTime(occurredOn, occurredMinute), reliefAt: beijingTime(occurredOn, reliefMinute) },
  };
}

export function entitledCare(rng: Rng) {
  return { amountFen: rng.step(150_000, 350_000, 1_000), details: { category: rng.pick(['在乡复员军人', '带病回乡退伍军人', '烈士遗属', '因公牺牲军人遗属']) } };
}

export function orphanAllowance(rng: Rng) {
  return { amountFen: rng.step(130_000, 160_000, 1_000), details: {} };
}
