import { bodyErrors } from '@tributary/http';
import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { OrderPlaced } from '@tributary/contracts';
import { z } from 'zod';

/** Money carries up to 4 decimal places and 18 digits, as the OrderPlaced contract's decimal. */
const priceScale = 4;
const priceDigits = 18;

/*
 * What JSON Schema can say of a price (the OpenAPI document is made from this schema): a string of
 * digits with at most 4 decimal places, or a number from 0. The transform checks the rest.
 */
const unitPrice = z
  .union([z.string().regex(/^[0-9]{1,14}(\.[0-9]{1,4})?$/), z.number().min(0).lt(100_000_000_000_000)], { error: 'must be a decimal number or a decimal string such as "19.99"' })
  .transform((value, context) => {
    try {
      const scaled = parseDecimal(value, priceScale);
      if (scaled < 0n) {
        context.addIssue({ code: 'custom', message: 'must not be negative' });
        return z.NEVER;
      }
      if (scaled.toString().length > priceDigits) {
        context.addIssue({ code: 'custom', message: `must have at most ${priceDigits - priceScale} digits before the decimal point` });
        return z.NEVER;
      }
      return formatDecimal(scaled, priceScale);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** The order total, scaled by 10^priceScale, from lines whose prices are already valid. */
const totalOf = (lines: readonly { quantity: number; unitPrice: string }[]): bigint =>
  lines.reduce((sum, line) => sum + BigInt(line.quantity) * parseDecimal(line.unitPrice, priceScale), 0n);

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
      .max(100, 'an order has at most 100 items')
      // The total travels on as the payment's amount, a decimal of the same precision as each price.
      .refine((lines) => totalOf(lines).toString().length <= priceDigits, `the order total must have at most ${priceDigits - priceScale} digits before the decimal point`),
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
