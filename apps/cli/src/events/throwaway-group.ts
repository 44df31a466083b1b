import { randomUUID } from 'node:crypto';

/**
 * Commands that only read (tail, dlq) join a consumer group of their own and delete it when done.
 * They share this prefix so `tributary lag` can leave them out.
 */
export const throwawayGroupPrefix = 'tributary-tail-';

export const throwawayGroupId = (): string => `${throwawayGroupPrefix}${randomUUID()}`;

export const isThrowawayGroup = (groupId: string): boolean => groupId.startsWith(throwawayGroupPrefix);
