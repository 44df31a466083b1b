import { runMain } from '@tributary/service';
import { serviceName, startQueryApi } from './service.ts';
import { loadQueryApiSettings } from './settings.ts';

await runMain(serviceName, () => loadQueryApiSettings(), startQueryApi);
