import { describe, expect, it } from 'vitest';
import { formatStatusTable } from './status-table.ts';

describe('formatStatusTable', () => {
  it('aligns columns and shows a dash for a missing pid', () => {
    const table = formatStatusTable([
      { component: 'kafka-1', role: 'broker, controller (active)', state: 'running', pid: 1234, address: '127.0.0.1:9092', logFile: '/l/kafka-1.log' },
      { component: 'registry', role: '-', state: 'port taken', pid: undefined, address: 'http://127.0.0.1:8081/apis/ccompat/v7', logFile: '/l/registry.log' },
      { component: 'store', role: '-', state: 'stopped', pid: undefined, address: 'mongodb://127.0.0.1:27017', logFile: '/l/store.log' },
    ]);
    expect(table.split('\n')).toEqual([
      'COMPONENT  STATE       PID   ROLE                         ADDRESS',
      'kafka-1    running     1234  broker, controller (active)  127.0.0.1:9092',
      'registry   port taken  -     -                            http://127.0.0.1:8081/apis/ccompat/v7',
      'store      stopped     -     -                            mongodb://127.0.0.1:27017',
    ]);
  });
});
