/**
 * Names by ethnicity, written the way Ili registries write them in Chinese characters: Han, Hui and
 * Xibe names are surname + given name; Uyghur and Kazakh names are given name · father's given name;
 * Mongol names are a single given name.
 *
 * The pools hold only the canonical spelling of each transliteration (买买提, never 麦麦提): variant
 * spellings and other scripts appear only in the planted duplicate identities, and the registry
 * lets no two persons share a name key (the rule's nameKey), birth date and gender by accident.
 */
import type { Gender } from '@saf/identity';
import type { Rng } from './random.ts';
import type { Ethnicity } from './regions.ts';

const HAN_SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'];
const HUI_SURNAMES = [...'马马马马杨丁白海韩穆纳哈冶虎锁沙李张王'];
const XIBE_SURNAMES = [...'关关佟吴韩何安赵伊郭富胡付那图常顾'];

/** Han-style given names by generation (born before 1975, 1975–1999, 2000 on). */
const HAN_GIVEN = {
  MALE: [
    ['建国', '建军', '国强', '志强', '永刚', '建华', '卫东', '红军', '春生', '德才', '振华', '立新', '树林', '保国', '明', '刚', '平', '军', '勇', '华', '忠', '福'],
    ['伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '辉', '鹏', '飞', '波', '海涛', '晓东', '文斌', '俊杰', '宏伟', '志明', '建新', '小龙', '旭东'],
    ['子轩', '浩然', '宇航', '梓豪', '博文', '一鸣', '天佑', '家豪', '晨阳', '明轩', '宇', '浩', '凯', '俊', '帆', '鑫', '睿', '泽宇', '思远', '嘉豪', '子墨', '皓轩'],
  ],
  FEMALE: [
    ['秀英', '桂英', '玉兰', '秀兰', '淑珍', '凤英', '翠花', '桂兰', '秀珍', '玉梅', '春梅', '红梅', '淑芬', '兰', '英', '芳', '珍', '霞'],
    ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '燕', '玲', '丽娟', '海燕', '晓燕', '美玲', '晓丽', '丽华', '红霞', '小红', '雪梅', '慧'],
    ['欣怡', '梓涵', '子涵', '雨涵', '诗琪', '思雨', '佳怡', '一诺', '语桐', '雅婷', '婷', '雪', '琳', '洁', '颖', '倩', '萱', '可欣', '梦瑶', '若曦'],
  ],
} as const;

const UYGHUR_GIVEN = {
  MALE: ['艾力', '买买提', '吐尔逊', '阿不都热合曼', '艾合买提', '热合木', '伊力哈木', '阿迪力', '亚森', '吾买尔', '库尔班', '依明', '肉孜', '玉素甫', '买合木提', '吐尔洪', '艾则孜', '卡德尔', '塔依尔', '司马义', '米吉提', '帕尔哈提', '艾尔肯', '阿里木', '木拉提', '努尔买买提', '阿不来提', '艾克拜尔', '吾斯曼', '克热木', '吐尔地', '麦尔丹', '阿卜杜拉', '热西提', '斯拉木', '哈力克', '托合提', '沙吾提', '阿布力孜', '艾买提'],
  FEMALE: ['阿依古丽', '古丽娜尔', '热依汗', '帕提古丽', '米热古丽', '祖丽胡马尔', '阿依努尔', '再努尔', '吐尔孙古丽', '迪丽努尔', '阿孜古丽', '努尔古丽', '玛依拉', '古再丽努尔', '凯丽比努尔', '帕丽旦', '阿米娜', '海丽其罕', '布佐热', '茹克亚', '阿瓦古丽', '萨迪古丽', '米日班', '古丽米热', '热孜万古丽', '加米拉', '阿依夏木', '排孜拉'],
} as const;

const KAZAKH_GIVEN = {
  MALE: ['努尔兰', '别克', '叶尔兰', '哈那提', '阿斯哈尔', '叶尔江', '努尔江', '达吾列提', '马合沙提', '波拉提', '叶尔肯', '阿曼', '巴合提', '赛力克', '塔斯肯', '叶斯波拉提', '胡安德克', '别克波拉提', '加恩别克', '朱马汗', '阿依多斯', '哈布都拉', '吐尔逊别克', '叶尔波拉提', '库安德克', '哈孜木', '努尔兰别克', '吾拉孜别克', '达尼亚尔', '阿斯力别克', '哈力木别克'],
  FEMALE: ['阿依达娜', '古丽巴哈尔', '阿娜尔', '加娜尔', '古丽米拉', '沙吾列', '阿克玛拉', '哈丽玛', '巴哈古丽', '热依拉', '迪娜拉', '阿尔达克', '古丽扎达', '阿依江', '阿依肯', '玛依努尔', '加依娜古丽', '阿赛丽', '阿依波丽', '萨拜', '努尔加玛丽', '哈米拉', '阿丽米拉', '托合塔古丽'],
} as const;

const MONGOL_GIVEN = {
  MALE: ['巴特尔', '额尔德尼', '孟克', '哈斯巴根', '朝鲁', '苏和', '宝音', '巴图', '阿拉坦', '吉日嘎拉', '达瓦', '布和', '额尔敦', '那顺', '特木尔', '道尔吉', '巴音', '图门', '乌力吉', '孟克巴雅尔', '额尔敦巴特尔'],
  FEMALE: ['其木格', '乌云', '娜仁花', '格日勒', '乌兰', '敖登', '萨仁', '图雅', '斯琴', '高娃', '托娅', '娜米拉', '其其格', '阿拉坦其其格', '乌日娜', '塔娜', '苏日娜', '萨仁高娃', '额尔敦其木格', '乌云毕力格'],
} as const;

export type NameStyle = 'SURNAME' | 'PATRONYMIC' | 'SINGLE';

export function nameStyle(ethnicity: Ethnicity): NameStyle {
  return ethnicity === 'UYGHUR' || ethnicity === 'KAZAKH' ? 'PATRONYMIC' : ethnicity === 'MONGOL' ? 'SINGLE' : 'SURNAME';
}

export function surname(rng: Rng, ethnicity: Ethnicity): string {
  return rng.pick(ethnicity === 'HUI' ? HUI_SURNAMES : ethnicity === 'XIBE' ? XIBE_SURNAMES : HAN_SURNAMES);
}

/** A given name fitting ethnicity, gender and (for Han-style names) the generation. */
export function givenName(rng: Rng, ethnicity: Ethnicity, gender: Gender, birthDate: string): string {
  switch (ethnicity) {
    case 'UYGHUR':
      return rng.pick(UYGHUR_GIVEN[gender]);
    case 'KAZAKH':
      return rng.pick(KAZAKH_GIVEN[gender]);
    case 'MONGOL':
      return rng.pick(MONGOL_GIVEN[gender]);
    default: {
      const generation = birthDate < '1975-01-01' ? 0 : birthDate < '2000-01-01' ? 1 : 2;
      return rng.pick(HAN_GIVEN[gender][generation]!);
    }
  }
}

/** A male given name to serve as someone's father's name (Uyghur and Kazakh names). */
export function fathersName(rng: Rng, ethnicity: Ethnicity): string {
  return rng.pick(ethnicity === 'KAZAKH' ? KAZAKH_GIVEN.MALE : UYGHUR_GIVEN.MALE);
}

/** The parts of a name; `family` is the surname or the father's given name. */
export function fullName(style: NameStyle, given: string, family: string): string {
  return style === 'SURNAME' ? family + given : style === 'PATRONYMIC' ? `${given}·${family}` : given;
}

/** Han, Hui and Xibe surnames, and Han-style given names (tests check they keep the comparison they had). */
export const HAN_STYLE_NAMES = {
  surnames: [...new Set([...HAN_SURNAMES, ...HUI_SURNAMES, ...XIBE_SURNAMES])],
  given: [...new Set(Object.values(HAN_GIVEN).flat(2))],
};

/** Uyghur and Kazakh given names (tests check the duplicate-identity rule knows them in every script). */
export const PATRONYMIC_GIVEN_NAMES: readonly string[] = [...Object.values(UYGHUR_GIVEN).flat(), ...Object.values(KAZAKH_GIVEN).flat()];

/** Every given name of the pools (tests check none is a variant spelling). */
export const ALL_GIVEN_NAMES: readonly string[] = [
  ...Object.values(HAN_GIVEN).flat(2),
  ...Object.values(UYGHUR_GIVEN).flat(),
  ...Object.values(KAZAKH_GIVEN).flat(),
  ...Object.values(MONGOL_GIVEN).flat(),
];
