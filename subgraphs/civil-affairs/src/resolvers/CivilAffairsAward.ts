import { detailsField } from '@saf/department';

export const CivilAffairsAward = {
  department: () => 'CIVIL_AFFAIRS',
  minimumLiving: detailsField('CIVIL_AFFAIRS', ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL']),
  extremePoverty: detailsField('CIVIL_AFFAIRS', ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED']),
  disasterRelief: detailsField('CIVIL_AFFAIRS', ['DISASTER_RELIEF']),
  temporaryAssistance: detailsField('CIVIL_AFFAIRS', ['TEMPORARY_ASSISTANCE']),
};
