/**
 * Group commit for produce requests. The idempotent producer has one request in flight per broker,
 * so concurrent sends wait for each other anyway; instead of waiting one by one, the calls that
 * arrive while a request is in flight travel together in the next one. The first call of a quiet
 * moment goes out at once (no linger), so grouping never adds latency, and under load each request
 * carries many calls: fewer requests for the client to encode and the broker to handle.
 */
export interface SendGroupsOptions<Call, Result> {
  /** Sends the calls of one group in one request; answers one result per call, in their order. */
  send: (calls: readonly Call[]) => Promise<Result[]>;
  /** How much of a request a call takes (its records, its bytes): groups stay within `maxWeight`. */
  weight: (call: Call) => number;
  /** A group's largest weight; a heavier call still goes, alone. */
  maxWeight: number;
}

interface Waiting<Call, Result> {
  call: Call;
  resolve: (result: Result) => void;
  reject: (cause: unknown) => void;
}

/** The oldest waiting calls that fit in one group: always at least one, never reordered. */
export const takeGroup = <T>(waiting: T[], weight: (item: T) => number, maxWeight: number): T[] => {
  let taken = 0;
  let total = 0;
  for (const item of waiting) {
    const next = total + weight(item);
    if (taken > 0 && next > maxWeight) break;
    total = next;
    taken += 1;
  }
  return waiting.splice(0, taken);
};

/**
 * Returns the function to send one call with. Calls are sent in the order they were made; a group
 * that fails fails each of its calls with the same cause, and the next group is sent regardless.
 */
export const createSendGroups = <Call, Result>({ send, weight, maxWeight }: SendGroupsOptions<Call, Result>): ((call: Call) => Promise<Result>) => {
  const waiting: Waiting<Call, Result>[] = [];
  let sending = false;

  const drain = async (): Promise<void> => {
    sending = true;
    while (waiting.length > 0) {
      const group = takeGroup(waiting, (entry) => weight(entry.call), maxWeight);
      try {
        const results = await send(group.map((entry) => entry.call));
        group.forEach((entry, index) => entry.resolve(results[index] as Result));
      } catch (cause) {
        for (const entry of group) entry.reject(cause);
      }
    }
    sending = false;
  };

  return (call) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ call, resolve, reject });
      if (!sending) void drain();
    });
};
