import { detailsField } from '@saf/department';

export const HousingAward = {
  department: () => 'HOUSING',
  lowRentHousing: detailsField('HOUSING', ['LOW_RENT_HOUSING']),
  rentalSubsidy: detailsField('HOUSING', ['RENTAL_SUBSIDY']),
  affordableHousing: detailsField('HOUSING', ['AFFORDABLE_HOUSING']),
  ruralRenovation: detailsField('HOUSING', ['RURAL_HOUSING_RENOVATION']),
};
