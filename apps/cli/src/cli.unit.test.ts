import { TributaryError } from '@tributary/errors';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { GroupCommand, Io } from './command.ts';

const capture = (env: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), env };
  return { io, out, err };
};

const ran: unknown[] = [];
const root: GroupCommand = {
  name: 'tributary',
  summary: 'test root',
  subcommands: [
    {
      name: 'stack',
      summary: 'group',
      subcommands: [
        {
          name: 'up',
          summary: 'start',
          usage: 'tributary stack up [--json]',
          options: { json: { type: 'boolean' } },
          optionHelp: { json: 'as JSON' },
          run: ({ values }) => {
            ran.push(values);
            return Promise.resolve();
          },
        },
        {
          name: 'fail',
          summary: 'fails',
          usage: 'tributary stack fail',
          run: () => Promise.reject(new TributaryError('PORT_IN_USE', 'Port 9092 is taken; stop it')),
        },
        { name: 'crash', summary: 'crashes', usage: 'tributary stack crash', run: () => Promise.reject(new Error('boom')) },
      ],
    },
  ],
};

describe('runCli', () => {
  it('dispatches to a subcommand with parsed options', async () => {
    const { io } = capture();
    expect(await runCli(root, ['stack', 'up', '--json'], io)).toBe(0);
    expect(ran.at(-1)).toMatchObject({ json: true });
  });

  it('prints help for the root, a group and a leaf', async () => {
    for (const args of [['--help'], ['stack', '--help'], ['stack', 'up', '--help']]) {
      const { io, out } = capture();
      expect(await runCli(root, args, io)).toBe(0);
      expect(out.join('\n')).toContain('Usage:');
    }
    const { io, out } = capture();
    await runCli(root, ['stack', 'up', '-h'], io);
    expect(out.join('\n')).toContain('--json      as JSON');
  });

  it('answers an unknown command or option with one line and exit code 2', async () => {
    for (const args of [['nope'], ['stack', 'nope'], ['stack', 'up', '--nope']]) {
      const { io, err } = capture();
      expect(await runCli(root, args, io)).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^error \[USAGE\]: /);
    }
  });

  it('prints a TributaryError as code and message, without a stack trace', async () => {
    const { io, err } = capture();
    expect(await runCli(root, ['stack', 'fail'], io)).toBe(1);
    expect(err).toEqual(['error [PORT_IN_USE]: Port 9092 is taken; stop it']);
  });

  it('shows the stack trace only with TRIBUTARY_DEBUG=1', async () => {
    const quiet = capture();
    expect(await runCli(root, ['stack', 'crash'], quiet.io)).toBe(1);
    expect(quiet.err).toEqual(['error [INTERNAL]: boom']);
    const debug = capture({ TRIBUTARY_DEBUG: '1' });
    await runCli(root, ['stack', 'crash'], debug.io);
    expect(debug.err[1]).toContain('cli.unit.test.ts');
  });
});
