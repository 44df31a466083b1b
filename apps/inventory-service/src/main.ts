import { runMain } from '@tributary/service';
import { serviceName, startInventoryService } from './service.ts';
import { loadInventoryServiceSettings } from './settings.ts';

await runMain(serviceName, () => loadInventoryServiceSettings(), startInventoryService);
