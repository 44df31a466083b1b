import { bodyErrors } from '@tributary/http';
import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { OrderPlaced } from '@tributary/contracts';
import { z } from 'zod';

/**
 * A price has at most 4 decimal places, as the OrderPlaced contract's decimal (precision 18), and
 * fewer than 10^6 units of currency: with at most 100 lines of at most 10^6 units each, the
 * order's total (the payment's amount, a decimal of the same precision) then always fits.
 */
const priceScale = 4;
const priceBound = 1_000_000;
const boundMessage = `must be below ${priceBound} with at most ${priceScale} decimal places`;

/*
 * Each rule is one JSON Schema can say, so the OpenAPI document made from this schema describes
 * exactly the prices accepted: a string of digits, or a JSON number that is a multiple of 0.0001.
 * Such a number is exact to 4 decimal places below the bound once rounded off its binary error
 * (3 * 0.0001 is 0.00030000000000000003 in a double).
 */
const priceText = z.string().regex(/^[0-9]{1,6}(\.[0-9]{1,4})?$/, boundMessage);
const priceNumber = z
  .number()
  .min(0, 'must not be negative')
  .lt(priceBound, boundMessage)
  .meta({ multipleOf: 1 / 10 ** priceScale })
  .transform((value, context) => {
    const scaled = Math.round(value * 10 ** priceScale);
    if (Math.abs(value * 10 ** priceScale - scaled) > 1e-6) {
      context.addIssue({ code: 'custom', message: `has more than ${priceScale} decimal places` });
      return z.NEVER;
    }
    return formatDecimal(BigInt(scaled), priceScale);
  });

const unitPrice = z
  .union([priceText, priceNumber], { error: `must be a decimal string such as "19.99" or a number, ${boundMessage}` })
  .transform((value) => formatDecimal(parseDecimal(value, priceScale), priceScale));

const identifier = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(/^[A-Za-z0-9._:-]+$/, `${what} may use letters, digits and . _ : - only`);

/** The body of POST /orders. Unknown fields are refused, so a typo in a field name is not silently dropped. */
export const placeOrderCommand = z.strictObject(
  {
    customerId: identifier('customerId'),
    currency: z.string({ error: 'currency must be a string' }).regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as "EUR"'),
    items: z
      .array(
        z.strictObject({
          sku: identifier('sku'),
          quantity: z.number({ error: 'quantity must be a number' }).int('quantity must be a whole number').min(1, 'quantity must be at least 1').max(1_000_000, 'quantity must be at most 1000000'),
          unitPrice,
        }),
        { error: 'items must be a list of order lines' },
      )
      .min(1, 'an order needs at least one item')
      .max(100, 'an order has at most 100 items'),
    channel: z.enum(['WEB', 'MOBILE', 'STORE', 'API'], { error: 'channel must be one of WEB, MOBILE, STORE, API' }).default('WEB'),
    promoCode: z
      .string({ error: 'promoCode must be a string' })
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'promoCode must be 1 to 32 letters, digits, _ or -')
      .nullable()
      .default(null),
  },
  { error: bodyErrors('body must be a JSON object') },
);

export type PlaceOrderCommand = z.output<typeof placeOrderCommand>;

/** The OrderPlaced payload for an accepted command: pure, the id and clock come from outside. */
export const orderPlaced = (command: PlaceOrderCommand, orderId: string, now: Date): OrderPlaced => ({
  orderId,
  customerId: command.customerId,
  currency: command.currency,
  items: command.items.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice })),
  placedAt: now,
  channel: command.channel,
  promoCode: command.promoCode,
});
