import type { LeafCommand } from '../command.ts';
import { connectFromEnvironment, environmentHelp } from '../events/backbone.ts';
import { throwawayGroupPrefix } from '../events/throwaway-group.ts';
import { snapshotGroups } from '../lag/backbone.ts';
import { formatGroupLag } from '../lag/format.ts';
import { computeGroupLag } from '../lag/lag.ts';

export const lagCommand: LeafCommand = {
  name: 'lag',
  summary: 'consumer groups: state, members, and lag per topic and partition',
  usage: 'tributary lag [--group <id>] [--all] [--json]',
  options: { group: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
  optionHelp: {
    group: 'only this consumer group',
    all: `also the throwaway groups of tail and dlq (${throwawayGroupPrefix}*)`,
    json: 'print the groups as one JSON array',
  },
  details: `For each group: its state and members (client id, host, assigned partitions), then per topic and partition the committed offset, the end offset (last stable offset) and the lag between them; a partition the group has not committed in counts its whole retained log, as our consumers start from the earliest offset. OWNER names the member (#1, #2, ...) holding the partition now.\n\n${environmentHelp}`,
  run: async ({ values, io }) => {
    const groupId = typeof values['group'] === 'string' ? values['group'] : undefined;
    const { kafka } = connectFromEnvironment(io.env, 'tributary-cli');
    const groups = (await snapshotGroups(kafka, { groupId, all: values['all'] === true })).map(computeGroupLag);
    if (values['json'] === true) {
      io.out(JSON.stringify(groups, null, 2));
      return 0;
    }
    if (groups.length === 0) {
      io.err('no consumer groups on the broker');
      return 0;
    }
    io.out(groups.map((group) => formatGroupLag(group).join('\n')).join('\n\n'));
    return 0;
  },
};
