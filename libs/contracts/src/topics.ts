import type { TopicFor } from './gate.ts';

/**
 * Topics are named after their stream (`orders`), optionally behind a prefix shared by a whole
 * environment or test (`staging-orders`): one rule, so subjects are `<prefix><stream>-<record>`.
 */
export const topicPrefixVariable = 'TRIBUTARY_TOPIC_PREFIX';

export const topicsWithPrefix = (prefix = ''): TopicFor => (stream) => `${prefix}${stream}`;
