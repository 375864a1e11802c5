import type { Resolvers } from '@saf/service';
import type { Context } from '../context.ts';
import { Query } from './Query.ts';

export const resolvers = { Query } as unknown as Resolvers<Context>;
