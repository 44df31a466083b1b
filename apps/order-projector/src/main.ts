import { runMain } from '@tributary/service';
import { serviceName, startOrderProjector } from './service.ts';
import { loadOrderProjectorSettings } from './settings.ts';

await runMain(serviceName, () => loadOrderProjectorSettings(), startOrderProjector);
