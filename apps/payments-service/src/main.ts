import { runMain } from '@tributary/service';
import { serviceName, startPaymentsService } from './service.ts';
import { loadPaymentsServiceSettings } from './settings.ts';

await runMain(serviceName, () => loadPaymentsServiceSettings(), startPaymentsService);
