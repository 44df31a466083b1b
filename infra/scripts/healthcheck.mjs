// Container health check: GET /healthz on the service's own port, exit 0 when it answers 2xx.
// The port variable follows the apps' naming (orders-api -> ORDERS_API_PORT); the image's build
// argument PORT is the fallback. Plain node, no curl or wget needed in the image.
const app = process.env.TRIBUTARY_APP ?? '';
const portVariable = `${app.toUpperCase().replaceAll('-', '_')}_PORT`;
const port = process.env[portVariable] || process.env.TRIBUTARY_DEFAULT_PORT || '3000';

try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_500) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
