import { toTributaryError } from '@tributary/errors';
import { readHeaders } from '@tributary/kafka';
import type { LeafCommand } from '../command.ts';
import { connectFromEnvironment, environmentHelp } from '../events/backbone.ts';
import { parseLimit, parseTailStart } from '../events/tail-start.ts';
import { throwawayGroupId } from '../events/throwaway-group.ts';
import { usageError } from '../usage-error.ts';

export const tailCommand: LeafCommand = {
  name: 'tail',
  summary: 'decode records of a topic and print them as JSON lines, following until Ctrl-C or --limit',
  usage: 'tributary tail <topic> [--from earliest|latest|<ISO timestamp>] [--limit N]',
  positionals: true,
  options: { from: { type: 'string' }, limit: { type: 'string' } },
  optionHelp: {
    from: 'where to start: earliest (default), latest, or the first record at or after an ISO timestamp',
    limit: 'stop after N records',
  },
  details: `Each line: topic, partition, offset, timestamp, key, headers, eventType, schemaId and the decoded value; a record that does not decode is printed with its error instead. Reads with a throwaway consumer group that is deleted afterwards.\n\n${environmentHelp}`,
  run: async ({ positionals, values, io }) => {
    const [topic, ...extra] = positionals;
    if (!topic || extra.length > 0) throw usageError('give exactly one topic: tributary tail <topic>');
    const start = parseTailStart(typeof values['from'] === 'string' ? values['from'] : undefined);
    const limit = parseLimit(typeof values['limit'] === 'string' ? values['limit'] : undefined);

    const { kafka, codec } = connectFromEnvironment(io.env, 'tributary-cli');
    const groupId = throwawayGroupId();
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await admin.connect();
    try {
      const partitions = await admin.fetchTopicOffsets(topic).catch((cause: unknown) => {
        throw usageError(`cannot read topic ${topic} (does it exist?): ${(cause as Error).message}`);
      });
      const seekTo = start.kind === 'timestamp' ? await admin.fetchTopicOffsetsByTimestamp(topic, start.at.getTime()) : undefined;

      let printed = 0;
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const onSignal = () => finish();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: start.kind !== 'latest' });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (limit !== undefined && printed >= limit) return;
          const base = {
            topic,
            partition,
            offset: message.offset,
            timestamp: new Date(Number(message.timestamp)).toISOString(),
            key: message.key?.toString() ?? null,
            headers: readHeaders(message.headers),
          };
          try {
            const decoded = await codec.decode(message.value);
            io.out(JSON.stringify({ ...base, eventType: decoded.eventType, schemaId: decoded.schemaId, value: decoded.payload }));
          } catch (error) {
            const failure = toTributaryError(error);
            io.out(JSON.stringify({ ...base, error: { code: failure.code, message: failure.message } }));
          }
          printed += 1;
          if (limit !== undefined && printed >= limit) finish();
        },
      });
      for (const { partition, offset } of seekTo ?? []) consumer.seek({ topic, partition, offset });
      io.err(`tail: reading ${topic} (${partitions.length} partitions) from ${start.kind === 'timestamp' ? start.at.toISOString() : start.kind}${limit ? `, ${limit} record(s)` : '; Ctrl-C stops'}`);
      await done;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    } finally {
      await consumer.disconnect();
      // The throwaway group would otherwise linger in the broker's group list.
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
    return 0;
  },
};
