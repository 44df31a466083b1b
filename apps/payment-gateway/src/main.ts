import { runMain } from '@tributary/service';
import { serviceName, startPaymentGateway } from './service.ts';
import { loadPaymentGatewaySettings } from './settings.ts';

await runMain(serviceName, () => loadPaymentGatewaySettings(), startPaymentGateway);
