import { Partitioners } from 'kafkajs';

/**
 * Which partition a keyed record goes to: the positive murmur2 hash of the key modulo the partition
 * count, as the Java client's default partitioner, and librdkafka's `murmur2_random` (what a client
 * on librdkafka must set: its own default, consistent_random, puts keys elsewhere). Every producer
 * is given it by name, so kafkajs has no default of its own to warn about.
 */
export const keyPartitioner = Partitioners.DefaultPartitioner;
