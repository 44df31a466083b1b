import type { LeafCommand } from '../command.ts';
import { chooseProjection, environmentHelp, projectionNames, withProjectionContext } from '../replay/context.ts';
import { parseStart, parseTime } from '../replay/from.ts';
import { runReplay } from '../replay/run.ts';
import { usageError } from '../usage-error.ts';

export const replayCommand: LeafCommand = {
  name: 'replay',
  summary: 'rebuild a read model from its topics in the background and switch readers to it',
  usage: 'tributary replay <projection> [--from earliest|<ISO time>|<topic:partition:offset,...>] [--to <ISO time>] [--keep-old] [--dry-run] [--json]',
  positionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, 'keep-old': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  optionHelp: {
    from: 'where to start (default earliest); from a time or offsets, documents untouched since are copied and the others re-derived from their whole history',
    to: 'stop at this time and keep the copy for inspection without switching',
    'keep-old': 'keep the replaced copy under a dated name instead of dropping it',
    'dry-run': 'print the plan (topics, partitions, offsets, event count, names) and change nothing',
    json: 'progress and the result as JSON lines on stdout',
  },
  details: [
    `Projections: ${projectionNames}.`,
    '',
    'Folds the projection\'s topics (and the live projector\'s retry topics of them, where redriven records',
    'wait) with a consumer group of its own into a shadow collection while the',
    'live copy keeps serving and the live projector keeps running. Once the shadow has caught up with the',
    'live group, readers and the projector are switched to it through the read model\'s alias (within a',
    'second); the shadow then reads past what the live projector wrote to the old copy meanwhile. A replay',
    'only folds read models: it produces no events and calls no service. One replay per projection runs',
    'at a time. Interrupted, the next run resumes a replay from earliest or restarts any other, and says',
    'which; a copy is never switched before it has caught up.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async ({ positionals, values, io }) => {
    const usage = replayCommand.usage;
    const [name, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`too many arguments: ${usage}`);
    const definition = chooseProjection(name, usage);
    const to = typeof values['to'] === 'string' ? parseTime(values['to'], 'to') : undefined;
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    process.once('SIGINT', interrupt);
    try {
      return await withProjectionContext(io, definition, 'tributary-replay', async (context) => {
        const from = parseStart(typeof values['from'] === 'string' ? values['from'] : undefined, context.topics);
        if (to && from.kind === 'time' && to <= from.at) throw usageError('--to must be later than --from');
        return runReplay(context, { from, to, dryRun: values['dry-run'] === true, keepOld: values['keep-old'] === true, json: values['json'] === true, signal: controller.signal }, io);
      });
    } finally {
      process.off('SIGINT', interrupt);
    }
  },
};
