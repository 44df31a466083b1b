import { TributaryError } from '@tributary/errors';
import { MongoServerError, type Db } from 'mongodb';
import type { SagaDecision } from './decide.ts';
import type { SagaFacts } from './facts.ts';

export const sagaCollections = { facts: 'order_saga_facts', outcomes: 'order_outcomes' } as const;

/**
 * The one final word on an order. Written with insertOne, so the unique _id makes the first writer
 * win whoever it is (the saga confirming or rejecting, or the API cancelling), on any store,
 * with no multi-document transaction and no filter beyond _id.
 */
export type SagaOutcome = (SagaDecision | { eventType: 'OrderCancelled'; payload: { orderId: string; customerId: string; reason: string | null; cancelledAt: Date } }) & {
  orderId: string;
  /** The service that decided. */
  decidedBy: string;
  /** The consumed event (or the request) the decision was made for: its redelivery may publish it again. */
  decidedOn: string;
};

/** One fact of one order per document: `<orderId>/<fact>`. */
type FactName = Exclude<keyof SagaFacts, 'orderId'>;
const factNames: readonly FactName[] = ['placed', 'stock', 'payment', 'cancelled', 'deadline'];
type StoredFact = { _id: string; orderId: string; fact: FactName; value: unknown };
type StoredOutcome = Omit<SagaOutcome, 'orderId'> & { _id: string };

export type ClaimResult = { claimed: true } | { claimed: false; existing: SagaOutcome };

export interface SagaStore {
  /**
   * Adds facts to an order and returns everything known about it after the write. Each fact is
   * inserted as its own document and never updated: stores whose single-document updates are not
   * atomic under concurrency (FerretDB 1.x) would otherwise lose a fact written at the same moment
   * from another partition. Of two writers adding different facts at once, at least one reads both.
   */
  recordFacts(orderId: string, facts: Partial<Omit<SagaFacts, 'orderId'>>): Promise<SagaFacts>;
  readFacts(orderId: string): Promise<SagaFacts | undefined>;
  /** Records the final word unless an order already has one, in which case that one is returned. */
  claimOutcome(outcome: SagaOutcome): Promise<ClaimResult>;
  readOutcome(orderId: string): Promise<SagaOutcome | undefined>;
  /** Takes back an outcome whose event could not be published, so the order is not left final in silence. */
  releaseOutcome(orderId: string): Promise<void>;
}

const duplicateKey = 11000;

export const storeError = (cause: unknown, action: string): unknown =>
  // Driver network errors are classified as transient by name; keep them, wrap the rest with context.
  cause instanceof MongoServerError ? new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${cause.message}`, { cause }) : cause;

const fromStoredOutcome = ({ _id, ...rest }: StoredOutcome): SagaOutcome => ({ ...rest, orderId: _id }) as SagaOutcome;

export const openSagaStore = (db: Db): SagaStore => {
  const facts = db.collection<StoredFact>(sagaCollections.facts);
  const outcomes = db.collection<StoredOutcome>(sagaCollections.outcomes);
  return {
    async recordFacts(orderId, fields) {
      for (const name of factNames) {
        const value = fields[name];
        if (value === undefined) continue;
        try {
          await facts.insertOne({ _id: `${orderId}/${name}`, orderId, fact: name, value });
        } catch (cause) {
          // Already known: a redelivery, or a second copy of the same outcome. The first one stands.
          if (!(cause instanceof MongoServerError) || cause.code !== duplicateKey) throw storeError(cause, `record facts of order ${orderId}`);
        }
      }
      return (await this.readFacts(orderId)) ?? { orderId };
    },
    async readFacts(orderId) {
      // One lookup by _id: the filter every store serves from its primary index.
      const ids = factNames.map((name) => `${orderId}/${name}`);
      const known = await facts
        .find({ _id: { $in: ids } })
        .toArray()
        .catch((cause: unknown) => {
          throw storeError(cause, `read order ${orderId}`);
        });
      if (known.length === 0) return undefined;
      return Object.assign({ orderId }, ...known.map((fact) => ({ [fact.fact]: fact.value }))) as SagaFacts;
    },
    async claimOutcome(outcome) {
      const { orderId, ...rest } = outcome;
      try {
        await outcomes.insertOne({ ...rest, _id: orderId });
        return { claimed: true };
      } catch (cause) {
        if (!(cause instanceof MongoServerError) || cause.code !== duplicateKey) throw storeError(cause, `record the outcome of order ${orderId}`);
      }
      const existing = await this.readOutcome(orderId);
      if (!existing) throw new TributaryError('STORE_UNAVAILABLE', `Order ${orderId} has an outcome that cannot be read back; retrying`);
      return { claimed: false, existing };
    },
    async readOutcome(orderId) {
      const found = await outcomes.findOne({ _id: orderId }).catch((cause: unknown) => {
        throw storeError(cause, `read the outcome of order ${orderId}`);
      });
      return found ? fromStoredOutcome(found) : undefined;
    },
    async releaseOutcome(orderId) {
      await outcomes.deleteOne({ _id: orderId }).catch((cause: unknown) => {
        throw storeError(cause, `release the outcome of order ${orderId}`);
      });
    },
  };
};
