import { detailsOf, type AwardRow } from '@saf/department';

export const HousingAward = {
  department: () => 'HOUSING',
  lowRentHousing: (a: AwardRow) => detailsOf(a, ['LOW_RENT_HOUSING']),
  rentalSubsidy: (a: AwardRow) => detailsOf(a, ['RENTAL_SUBSIDY']),
  affordableHousing: (a: AwardRow) => detailsOf(a, ['AFFORDABLE_HOUSING']),
  ruralRenovation: (a: AwardRow) => detailsOf(a, ['RURAL_HOUSING_RENOVATION']),
};
