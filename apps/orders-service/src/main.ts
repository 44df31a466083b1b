import { runMain } from '@tributary/service';
import { serviceName, startOrdersService } from './service.ts';
import { loadOrdersServiceSettings } from './settings.ts';

await runMain(serviceName, () => loadOrdersServiceSettings(), startOrdersService);
