import { programme } from '@saf/programmes';
import type { UniformAward } from '../requires.ts';

export const AidAward = {
  programmeNameZh: (a: UniformAward) => programme(a.programme)?.nameZh ?? a.programme,
};
