import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const isoDate = z.iso.date();
const lowRentHousing = z.object({ unit: z.string().max(200), floorAreaSqm: z.number().min(0), monthlyRentFen: z.number().int().min(0) }).partial();
const rentalSubsidy = z.object({ subsidisedAreaSqm: z.number().min(0), marketRentFen: z.number().int().min(0) }).partial();
const affordableHousing = z.object({ project: z.string().max(200), floorAreaSqm: z.number().min(0) }).partial();
const ruralRenovation = z.object({ renovationType: z.enum(['REBUILD','REINFORCE','QUAKE_SAFE_NEW']), completedDate: isoDate }).partial();

/** The `details` each 住建 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  LOW_RENT_HOUSING: lowRentHousing,
  RENTAL_SUBSIDY: rentalSubsidy,
  AFFORDABLE_HOUSING: affordableHousing,
  RURAL_HOUSING_RENOVATION: ruralRenovation,
};

export const checkDetails = detailsChecker(detailsSchemas);
