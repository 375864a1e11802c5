/**
 * Places of the Ili Kazakh Autonomous Prefecture (伊犁哈萨克自治州, 6540) with GB/T 2260 county codes
 * and township codes in the statistical extension (0xx 街道, 1xx 镇, 2xx 乡; communities 0xx 社区,
 * 2xx 村). Township lists are a plausible sample, not the full register.
 */
import { isRegionPrefix } from '@saf/identity';
import type { Rng, Weighted } from './random.ts';

export type Ethnicity = 'HAN' | 'UYGHUR' | 'KAZAKH' | 'HUI' | 'XIBE' | 'MONGOL';
export type TownshipKind = 'STREET' | 'TOWN' | 'TOWNSHIP';

export interface Township {
  code: string;
  name: string;
  kind: TownshipKind;
}

export interface County {
  code: string;
  name: string;
  /** County-level city (市): mostly urban hukou. */
  city: boolean;
  /** Relative population, for picking. */
  weight: number;
  ethnicities: Weighted<Ethnicity>;
  townships: Township[];
}

function townships(county: string, entries: [string, string][]): Township[] {
  return entries.map(([suffix, name]) => ({
    code: county + suffix,
    name,
    kind: suffix.startsWith('0') ? 'STREET' : suffix.startsWith('1') ? 'TOWN' : 'TOWNSHIP',
  }));
}

export const COUNTIES: readonly County[] = [
  {
    code: '654002', name: '伊宁市', city: true, weight: 18,
    ethnicities: [['UYGHUR', 45], ['HAN', 30], ['HUI', 12], ['KAZAKH', 8], ['XIBE', 2], ['MONGOL', 3]],
    townships: townships('654002', [['001', '萨依布依街道'], ['002', '托格拉克街道'], ['003', '墩买里街道'], ['004', '伊犁河路街道'], ['005', '解放路街道'], ['006', '琼科瑞克街道'], ['007', '艾兰木巴格街道'], ['008', '喀赞其街道'], ['100', '巴彦岱镇'], ['101', '潘津镇'], ['102', '英也尔镇'], ['200', '达达木图乡'], ['201', '塔什科瑞克乡']]),
  },
  {
    code: '654003', name: '奎屯市', city: true, weight: 8,
    ethnicities: [['HAN', 80], ['HUI', 8], ['UYGHUR', 5], ['KAZAKH', 5], ['MONGOL', 2]],
    townships: townships('654003', [['001', '团结路街道'], ['002', '乌鲁木齐东路街道'], ['003', '北京路街道'], ['004', '火车站街道'], ['200', '开干齐乡']]),
  },
  {
    code: '654004', name: '霍尔果斯市', city: true, weight: 3,
    ethnicities: [['HAN', 45], ['KAZAKH', 20], ['UYGHUR', 20], ['HUI', 10], ['XIBE', 5]],
    townships: townships('654004', [['001', '亚欧路街道'], ['002', '卡拉苏河街道'], ['100', '霍尔果斯镇'], ['200', '伊车嘎善锡伯族乡']]),
  },
  {
    code: '654021', name: '伊宁县', city: false, weight: 14,
    ethnicities: [['UYGHUR', 50], ['KAZAKH', 20], ['HAN', 15], ['HUI', 13], ['XIBE', 2]],
    townships: townships('654021', [['100', '吉里于孜镇'], ['101', '墩麻扎镇'], ['102', '英塔木镇'], ['103', '胡地亚于孜镇'], ['104', '阿热吾斯塘镇'], ['200', '喀拉亚尕奇乡'], ['201', '萨地克于孜乡'], ['202', '愉群翁回族乡'], ['203', '温亚尔乡']]),
  },
  {
    code: '654022', name: '察布查尔锡伯自治县', city: false, weight: 8,
    ethnicities: [['UYGHUR', 30], ['KAZAKH', 22], ['XIBE', 20], ['HAN', 18], ['HUI', 10]],
    townships: townships('654022', [['100', '察布查尔镇'], ['101', '爱新色里镇'], ['102', '孙扎齐牛录镇'], ['103', '琼博拉镇'], ['200', '纳达齐牛录乡'], ['201', '绰霍尔乡'], ['202', '扎库齐牛录乡'], ['203', '加尕斯台乡']]),
  },
  {
    code: '654023', name: '霍城县', city: false, weight: 12,
    ethnicities: [['HAN', 40], ['UYGHUR', 25], ['HUI', 18], ['KAZAKH', 15], ['MONGOL', 2]],
    townships: townships('654023', [['100', '水定镇'], ['101', '清水河镇'], ['102', '芦草沟镇'], ['103', '惠远镇'], ['104', '萨尔布拉克镇'], ['200', '三道河乡'], ['201', '大西沟乡'], ['202', '兰干乡']]),
  },
  {
    code: '654024', name: '巩留县', city: false, weight: 7,
    ethnicities: [['KAZAKH', 48], ['HAN', 30], ['UYGHUR', 12], ['HUI', 8], ['MONGOL', 2]],
    townships: townships('654024', [['100', '巩留镇'], ['101', '提克阿热克镇'], ['102', '东买里镇'], ['200', '莫乎尔乡'], ['201', '吉尔格郎乡'], ['202', '塔斯托别乡']]),
  },
  {
    code: '654025', name: '新源县', city: false, weight: 12,
    ethnicities: [['HAN', 42], ['KAZAKH', 40], ['UYGHUR', 8], ['HUI', 8], ['MONGOL', 2]],
    townships: townships('654025', [['100', '新源镇'], ['101', '则克台镇'], ['102', '那拉提镇'], ['103', '喀拉布拉镇'], ['104', '肖尔布拉克镇'], ['200', '别斯托别乡'], ['201', '坎苏乡'], ['202', '吐尔根乡']]),
  },
  {
    code: '654026', name: '昭苏县', city: false, weight: 7,
    ethnicities: [['KAZAKH', 52], ['HAN', 25], ['UYGHUR', 8], ['HUI', 7], ['MONGOL', 8]],
    townships: townships('654026', [['100', '昭苏镇'], ['101', '喀夏加尔镇'], ['102', '阿克达拉镇'], ['200', '乌尊布拉克乡'], ['201', '夏特柯尔克孜族乡'], ['202', '察汗乌苏蒙古族乡']]),
  },
  {
    code: '654027', name: '特克斯县', city: false, weight: 6,
    ethnicities: [['KAZAKH', 55], ['HAN', 25], ['UYGHUR', 10], ['HUI', 4], ['MONGOL', 6]],
    townships: townships('654027', [['100', '特克斯镇'], ['101', '乔拉克铁热克镇'], ['102', '喀拉达拉镇'], ['103', '齐勒乌泽克镇'], ['200', '喀拉托海乡'], ['201', '呼吉尔特蒙古族乡']]),
  },
  {
    code: '654028', name: '尼勒克县', city: false, weight: 7,
    ethnicities: [['KAZAKH', 52], ['HAN', 28], ['UYGHUR', 8], ['HUI', 6], ['MONGOL', 6]],
    townships: townships('654028', [['100', '尼勒克镇'], ['101', '乌赞镇'], ['102', '加哈乌拉斯台镇'], ['200', '喀拉苏乡'], ['201', '克令乡'], ['202', '胡吉尔台乡'], ['203', '苏布台乡']]),
  },
];

const countyByCode = new Map(COUNTIES.map((c) => [c.code, c]));

export function countyOf(code: string): County {
  const county = countyByCode.get(code.slice(0, 6));
  if (!county) throw new Error(`no Ili county ${code.slice(0, 6)}`);
  return county;
}

/**
 * Codes the ID numbers of older residents still carry: before 2001 the counties were under the Ili
 * region (伊犁地区, 6541xx); 霍尔果斯市 was formed out of 霍城县 in 2014.
 */
export function birthRegionCode(county: string, birthDate: string): string {
  let code = county === '654004' && birthDate < '2014-06-26' ? '654023' : county;
  if (birthDate < '2001-01-01') {
    const historical: Record<string, string> = {
      '654002': '654101', '654021': '654121', '654022': '654122', '654023': '654123', '654024': '654124',
      '654025': '654125', '654026': '654126', '654027': '654127', '654028': '654128',
    };
    code = historical[code] ?? code;
  }
  return code;
}

/** Counties outside Xinjiang many Han and Hui residents of Ili were born in (河南, 四川, 甘肃, 江苏, 山东). */
export const MIGRANT_BIRTH_REGIONS = ['410526', '411721', '511321', '510922', '620421', '622921', '320321', '371526'] as const;

const COMMUNITY_NAMES = ['人民路社区', '胜利街社区', '新华路社区', '团结社区', '幸福社区', '和谐社区', '光明社区', '红旗社区', '友谊社区', '天山社区', '园林社区', '文化社区'];
const VILLAGE_NAMES = ['托格拉克村', '喀拉苏村', '阿克塔木村', '阔克铁热克村', '阿尔玛勒村', '克伦布拉克村', '阔斯托别村', '吐尔根村', '新村', '团结村', '英阿亚村', '布力开村', '萨尔巴斯陶村', '喀拉达拉村'];
const STREETS = ['解放路', '新华路', '斯大林街', '飞机场路', '胜利街', '伊犁河路', '天山路', '北京路', '上海路', '团结路', '人民路', '青年路', '黄河路', '长江路', '友谊路', '文化路'];

/** Communities (社区) of a street or town, villages (村) of a town or township: 12-digit codes. */
export function communitiesOf(t: Township): string[] {
  const codes: string[] = [];
  if (t.kind !== 'TOWNSHIP') for (let i = 1; i <= (t.kind === 'STREET' ? 6 : 3); i++) codes.push(t.code + String(i).padStart(3, '0'));
  if (t.kind !== 'STREET') for (let i = 201; i <= (t.kind === 'TOWN' ? 206 : 210); i++) codes.push(t.code + String(i));
  return codes;
}

function communityName(code: string): string {
  const n = Number(code.slice(9));
  const salt = Number(code.slice(6, 9));
  return n < 200 ? COMMUNITY_NAMES[(n + salt) % COMMUNITY_NAMES.length]! : VILLAGE_NAMES[(n + salt) % VILLAGE_NAMES.length]!;
}

export interface Place {
  regionCode: string;
  county: County;
  township: Township | null;
  urban: boolean;
}

/** Where households may be placed: every county, township and community under a prefix. */
export class RegionScope {
  readonly prefix: string;
  /** The counties the scope reaches into. */
  readonly counties: readonly County[];

  constructor(prefix: string) {
    if (!isRegionPrefix(prefix)) throw new Error(`regionPrefix must be a region code prefix of 2, 4, 6, 9 or 12 digits, got "${prefix}"`);
    this.prefix = prefix;
    this.counties = COUNTIES.filter((c) => c.code.startsWith(prefix) || prefix.startsWith(c.code));
    if (this.counties.length === 0) throw new Error(`regionPrefix ${prefix} is not in the Ili prefecture (6540…): the generator knows only Ili places`);
    if (prefix.length >= 9 && !this.counties.some((c) => c.townships.some((t) => t.code === prefix.slice(0, 9)))) {
      throw new Error(`regionPrefix ${prefix}: no known township ${prefix.slice(0, 9)}; known ones under ${prefix.slice(0, 6)} are ${countyOf(prefix).townships.map((t) => t.code).join(', ')}`);
    }
  }

  /** A county of the scope, by population. */
  county(rng: Rng): County {
    return rng.weighted(this.counties.map((c) => [c, c.weight] as const));
  }

  /** A place for a household: county code (some), township (many) or community (most). */
  place(rng: Rng, county: County = this.county(rng)): Place {
    const inScope = county.townships.filter((t) => t.code.startsWith(this.prefix.slice(0, 9)));
    const township = rng.pick(inScope);
    let regionCode: string;
    if (this.prefix.length === 12) regionCode = this.prefix;
    else {
      const level = this.prefix.length === 9 ? rng.weighted([['township', 45], ['community', 55]] as const) : rng.weighted([['county', 15], ['township', 40], ['community', 45]] as const);
      regionCode = level === 'county' ? county.code : level === 'township' ? township.code : rng.pick(communitiesOf(township));
    }
    const byKind = { STREET: 0.92, TOWN: 0.45, TOWNSHIP: 0.05 } as const;
    const urban = rng.chance(regionCode.length === 6 ? (county.city ? 0.85 : 0.35) : byKind[township.kind]);
    return { regionCode, county, township: regionCode.length === 6 ? null : township, urban };
  }
}

/** A street address (urban) or village address (rural) at the place. */
export function addressOf(rng: Rng, place: Place): string {
  const county = place.county.name;
  const township = place.township?.name ?? '';
  const community = place.regionCode.length === 12 ? communityName(place.regionCode) : '';
  const inVillage = place.regionCode.length === 12 ? Number(place.regionCode.slice(9)) >= 200 : !place.urban;
  if (!inVillage) {
    const street = rng.pick(STREETS);
    return `${county}${township}${community}${street}${rng.int(1, 280)}号${rng.int(1, 24)}栋${rng.int(1, 6)}单元${rng.int(1, 7)}0${rng.int(1, 4)}室`;
  }
  const village = community || (township ? rng.pick(VILLAGE_NAMES) : '');
  return `${county}${township}${village}${rng.int(1, 12)}组${rng.int(1, 160)}号`;
}
