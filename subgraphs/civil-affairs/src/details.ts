import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const fen = z.number().int().min(0);
const dateTime = z.iso.datetime({ offset: true });

const minimumLiving = z.object({ householdSize: z.number().int().min(1).max(30), localStandardFen: fen, incomePerCapitaFen: fen }).partial();
const extremePoverty = z.object({ institution: z.string().max(200), selfCare: z.enum(['FULL', 'PARTIAL', 'NONE']) }).partial();
const disasterRelief = z.object({ disasterType: z.string().max(50), occurredAt: dateTime, reliefAt: dateTime }).partial();
const temporaryAssistance = z.object({ reason: z.string().max(500) }).partial();

/** The `details` each civil affairs programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  MINIMUM_LIVING_URBAN: minimumLiving,
  MINIMUM_LIVING_RURAL: minimumLiving,
  EXTREME_POVERTY_CENTRALIZED: extremePoverty,
  EXTREME_POVERTY_DISPERSED: extremePoverty,
  DISASTER_RELIEF: disasterRelief,
  TEMPORARY_ASSISTANCE: temporaryAssistance,
};

export const checkDetails = detailsChecker(detailsSchemas);

