/**
 * The sum over all label sets of one series in a Prometheus text exposition, e.g.
 * `consumer_batch_size_sum`: enough to turn a service's histograms into means between two reads.
 */
export const seriesTotal = (exposition: string, name: string): number =>
  exposition
    .split('\n')
    .filter((line) => line === name || line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
