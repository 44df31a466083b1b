import type { LeafCommand } from '../command.ts';
import { chooseProjection, environmentHelp, projectionNames, withProjectionContext } from '../replay/context.ts';
import { usageError } from '../usage-error.ts';
import { runVerify } from '../verify/run.ts';

export const verifyCommand: LeafCommand = {
  name: 'verify',
  summary: 'prove a read model equals a fresh rebuild (or another copy) document by document',
  usage: 'tributary verify <projection> [--against <collection>] [--show <n>] [--keep-scratch] [--json]',
  positionals: true,
  options: { against: { type: 'string' }, show: { type: 'string' }, 'keep-scratch': { type: 'boolean' }, json: { type: 'boolean' } },
  optionHelp: {
    against: 'compare the live copy with this collection instead of a fresh rebuild',
    show: 'how many differences to list (default 10)',
    'keep-scratch': 'keep the scratch rebuild instead of dropping it',
    json: 'print the comparison as one JSON object',
  },
  details: [
    `Projections: ${projectionNames}.`,
    '',
    'By default rebuilds the projection from its topics into a scratch collection, up to the offsets the',
    'live projector has committed, and compares: document counts, a content hash per document and over',
    'all, leaving out the store\'s bookkeeping (_version, _positions, _tombstone). Documents the live copy',
    'changed past those offsets are not compared. Exit code 0 when identical, 1 when they differ.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async ({ positionals, values, io }) => {
    const usage = verifyCommand.usage;
    const [name, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`too many arguments: ${usage}`);
    const definition = chooseProjection(name, usage);
    const showText = typeof values['show'] === 'string' ? values['show'] : '10';
    if (!/^\d{1,4}$/.test(showText)) throw usageError(`--show ${JSON.stringify(showText)} is not a whole number`);
    const against = typeof values['against'] === 'string' ? values['against'] : undefined;
    return withProjectionContext(io, definition, 'tributary-verify', (context) =>
      runVerify(context, { against, keepScratch: values['keep-scratch'] === true, json: values['json'] === true, show: Number(showText) }, io),
    );
  },
};
