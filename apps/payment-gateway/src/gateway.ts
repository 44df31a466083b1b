import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { changeBehaviour, type Behaviour, type BehaviourChange } from './behaviour.ts';
import { decide, failsNow, refusalOf, rollOfKey, type DeclineReason, type RefusalReason } from './decision.ts';
import { fingerprintOf, recall, type IdempotencyRecord, type PaymentRequest } from './idempotency.ts';
import { createKeyedSerializer } from './serialize.ts';

export type PaymentAnswer =
  | ({ status: 'AUTHORIZED'; authorizationId: string } & PaymentRequest)
  | ({ status: 'DECLINED'; reason: DeclineReason } & PaymentRequest);

/** What became of one request; an injected failure, a refusal or a conflict is data here, the HTTP layer answers it. */
export type Authorization =
  | { kind: 'answered'; answer: PaymentAnswer; replayed: boolean }
  | { kind: 'conflict' }
  | { kind: 'failed' }
  | { kind: 'refused'; reason: RefusalReason };

export interface Charges {
  total: number;
  /** Per idempotency key, the times the gateway decided a request (authorized or declined); replays are not counted. */
  keys: Record<string, number>;
}

export interface GatewayOptions {
  behaviour: Behaviour;
  /** Uniform in [0, 1); tests pass a fixed sequence. */
  random?: () => number;
  wait?: (ms: number) => Promise<unknown>;
  newAuthorizationId?: () => string;
}

const copyOf = (behaviour: Behaviour): Behaviour => ({ ...behaviour, refusedCurrencies: [...behaviour.refusedCurrencies] });

/** The simulated gateway without HTTP: idempotency records, decisions and the ledger of charges. */
export const createGateway = ({ behaviour, random = Math.random, wait = sleep, newAuthorizationId = randomUUID }: GatewayOptions) => {
  let current = behaviour;
  const records = new Map<string, IdempotencyRecord<PaymentAnswer>>();
  const charged = new Map<string, number>();
  const serialize = createKeyedSerializer();

  const authorize = (key: string, request: PaymentRequest): Promise<Authorization> =>
    serialize(key, async (): Promise<Authorization> => {
      const { latencyMs } = current;
      if (latencyMs > 0) await wait(latencyMs);
      const known = recall(records.get(key), fingerprintOf(request));
      if (known.kind === 'conflict') return { kind: 'conflict' };
      if (known.kind === 'replay') return { kind: 'answered', answer: known.answer, replayed: true };
      // A refusal is not stored either: it follows from the request and the behaviour, so it repeats
      // while they stay, and a key refused before the behaviour changed can be charged after.
      const refused = refusalOf(request, current, rollOfKey(key));
      if (refused) return { kind: 'refused', reason: refused };
      // Nothing is stored for an injected failure: the caller's retry with the same key can succeed.
      if (failsNow(current, random())) return { kind: 'failed' };
      const decision = decide(request.amount, current, random());
      const answer: PaymentAnswer =
        decision.status === 'AUTHORIZED' ? { status: 'AUTHORIZED', authorizationId: newAuthorizationId(), ...request } : { status: 'DECLINED', reason: decision.reason, ...request };
      records.set(key, { fingerprint: fingerprintOf(request), answer });
      charged.set(key, (charged.get(key) ?? 0) + 1);
      return { kind: 'answered', answer, replayed: false };
    });

  return {
    authorize,
    behaviour: (): Behaviour => copyOf(current),
    changeBehaviour(change: BehaviourChange): Behaviour {
      current = changeBehaviour(current, change);
      return copyOf(current);
    },
    charges: (): Charges => {
      const keys = Object.fromEntries(charged);
      return { total: [...charged.values()].reduce((sum, n) => sum + n, 0), keys };
    },
    /** The times a key was charged and its stored answer; undefined for a key never answered. */
    charge: (key: string): { timesCharged: number; answer: PaymentAnswer } | undefined => {
      const record = records.get(key);
      return record ? { timesCharged: charged.get(key) ?? 0, answer: record.answer } : undefined;
    },
  };
};

export type Gateway = ReturnType<typeof createGateway>;
