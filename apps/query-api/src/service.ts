import { defineService, type StartedService } from '@tributary/service';
import { queryApi } from './api.ts';
import { openQueryModels, queryRoutes } from './routes.ts';
import { queryApiSettings, type QueryApiSettings } from './settings.ts';

export const serviceName = 'query-api';
export type QueryApi = StartedService;

/** HTTP queries over the read models the order projector keeps. */
export const startQueryApi = defineService({
  name: serviceName,
  settings: queryApiSettings,
  uses: (_settings: QueryApiSettings) => ({ store: true }),
  domain: async ({ store }) => ({ routes: queryRoutes(await openQueryModels(store.db)), api: queryApi }),
});
