import { z } from 'zod';

/** Reusable readers for environment variables. Each accepts a string and yields a typed value. */

export const port = (fallback: number) =>
  z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0 to 65535 (0 picks a free port)').max(65535, 'must be 0 to 65535').default(fallback);

export const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

export const text = (fallback: string) => z.string().min(1, 'must not be empty').default(fallback);

export const httpUrl = (fallback: string) =>
  z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL')
    .default(fallback);

export const mongoUri = (fallback: string) =>
  z
    .string()
    .refine((value) => /^mongodb(\+srv)?:\/\//.test(value) && URL.canParse(value), 'must be a mongodb:// or mongodb+srv:// URI')
    .default(fallback);

const hostPort = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

/** A comma-separated list of host:port pairs, as Kafka's bootstrap.servers. */
export const brokerList = (fallback: readonly string[]) =>
  z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine((entries) => entries.length > 0 && entries.every((entry) => hostPort.test(entry)), 'must be host:port[,host:port...]')
    .default([...fallback]);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(fallback);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(fallback);

/** A comma-separated list of http(s) origins such as https://shop.example.com; empty by default. */
export const originList = () =>
  z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine((entries) => entries.every((entry) => /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(entry)), 'must be origins such as https://shop.example.com, comma-separated')
    .default([]);

/** Any non-empty text, or nothing: for optional values such as credentials. */
export const optionalText = () => z.string().min(1, 'must not be empty when set').optional();

/** A whole number from 0 (meaning "off") up to max. */
export const countOrOff = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').max(max, `must be at most ${max}`).default(fallback);

/** An http(s) URL, or nothing: for optional endpoints such as a trace collector. */
export const optionalHttpUrl = () =>
  z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL when set')
    .optional();

/** A share from 0 to 1, such as a sampling ratio. */
export const ratio = (fallback: number) =>
  z.coerce.number({ error: 'must be a number from 0 to 1' }).min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').default(fallback);
