import { runMain } from '@tributary/service';
import { serviceName, startOrdersApi } from './service.ts';
import { loadOrdersApiSettings } from './settings.ts';

await runMain(serviceName, () => loadOrdersApiSettings(), startOrdersApi);
