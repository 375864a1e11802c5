import { detailsOf, type AwardRow } from '@saf/department';

export const CivilAffairsAward = {
  department: () => 'CIVIL_AFFAIRS',
  minimumLiving: (a: AwardRow) => detailsOf(a, ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL']),
  extremePoverty: (a: AwardRow) => detailsOf(a, ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED']),
  disasterRelief: (a: AwardRow) => detailsOf(a, ['DISASTER_RELIEF']),
  temporaryAssistance: (a: AwardRow) => detailsOf(a, ['TEMPORARY_ASSISTANCE']),
};
