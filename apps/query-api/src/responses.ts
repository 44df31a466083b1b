import { orderStatuses, summaryStatuses, type CustomerSummary, type OrderView, type TimelineStep } from '@tributary/order-views';
import { z } from 'zod';
import type { CustomerSummaryAnswer, OrderPage } from './order-lists.ts';

/*
 * What query-api answers, as zod schemas for its OpenAPI document. The checks at the end fail to
 * compile when a schema and the read model's own type say different things.
 */

const decimal = z.string().meta({ description: 'Exact decimal text, such as "19.99"' });
const time = z.string().meta({ description: 'ISO-8601 time in UTC, to the millisecond' });
const timelineSteps = ['PLACED', 'STOCK_RESERVED', 'STOCK_REJECTED', 'STOCK_RELEASED', 'STOCK_FAILED', 'PAYMENT_AUTHORIZED', 'PAYMENT_DECLINED', 'PAYMENT_FAILED', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const;
const channels = ['WEB', 'MOBILE', 'STORE', 'API'] as const;

export const orderViewBody = z.strictObject({
  orderId: z.string(),
  status: z.enum(orderStatuses),
  customerId: z.string().nullable(),
  currency: z.string().nullable(),
  channel: z.enum(channels).nullable(),
  promoCode: z.string().nullable(),
  items: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int(), unitPrice: decimal, lineTotal: decimal })),
  total: decimal.nullable(),
  placedAt: time.nullable(),
  updatedAt: time,
  timeline: z.array(z.strictObject({ step: z.enum(timelineSteps), at: time })),
  shortSkus: z.array(z.strictObject({ sku: z.string(), requested: z.number().int(), available: z.number().int() })),
  reason: z.string().nullable(),
});

const page = { orders: z.array(orderViewBody), nextCursor: z.string().nullable().meta({ description: 'Pass it back as cursor for the next page; null on the last page' }) };

export const customerOrdersBody = z.strictObject({ customerId: z.string(), ...page });

export const ordersByStatusBody = z.strictObject({ status: z.string(), placedBefore: time.optional(), ...page });

export const customerSummaryBody = z.strictObject({
  customerId: z.string(),
  orderCount: z.number().int(),
  byStatus: z.partialRecord(z.enum(summaryStatuses), z.strictObject({ count: z.number().int(), totals: z.record(z.string(), decimal) })),
  updatedAt: time,
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<z.output<typeof orderViewBody>, OrderView>,
  Same<z.output<typeof orderViewBody>['timeline'][number]['step'], TimelineStep>,
  Same<z.output<typeof customerSummaryBody>, CustomerSummaryAnswer>,
  Same<Omit<CustomerSummary, 'ledger' | 'orders'>, CustomerSummaryAnswer>,
  Same<Pick<z.output<typeof customerOrdersBody>, keyof OrderPage>, OrderPage>,
] = [true, true, true, true, true];
void checks;
