/**
 * The sum over all label sets of one series in a Prometheus text exposition, e.g.
 * `consumer_batch_size_sum`: enough to turn a service's histograms into means between two reads.
 * `labels` keeps only the label sets that have every one of the given label values.
 */
export const seriesTotal = (exposition: string, name: string, labels: Record<string, string> = {}): number => {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return exposition
    .split('\n')
    .filter((line) => line === name || line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .filter((line) => wanted.every((pair) => line.slice(0, line.lastIndexOf(' ')).includes(pair)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};
