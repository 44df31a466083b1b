import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { OrderPlaced } from './events.ts';

/** Money is summed as scaled integers; this scale covers every currency's minor units (and the schemas' decimals). */
const moneyScale = 4;

export const toScaled = (amount: string): bigint => parseDecimal(amount, moneyScale);

export const fromScaled = (scaled: bigint): string => formatDecimal(scaled, moneyScale);

export const lineTotal = (quantity: number, unitPrice: string): bigint => BigInt(quantity) * toScaled(unitPrice);

export const orderTotal = (placed: OrderPlaced): bigint => placed.items.reduce((sum, line) => sum + lineTotal(line.quantity, line.unitPrice), 0n);
