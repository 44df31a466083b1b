import { z } from 'zod';

/** Ids are plain strings of a known alphabet: nothing shaped like a query operator reaches the store. */
export const idPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export const idOf = (what: string) => z.string().regex(idPattern, `must be ${what} id (1 to 128 letters, digits, . _ : -)`);
