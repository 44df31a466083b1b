"""An outside client of the platform on confluent-kafka (librdkafka), for the contract test.

  produce BROKERS REGISTRY TOPIC SCHEMA_FILE ORDER_JSON [--headers]
      Produces one OrderPlaced from the repository's own .avsc with auto.register.schemas=false
      and the topic-record subject strategy, keyed by its orderId, on librdkafka's murmur2_random
      partitioner (the Java client's, which kafkajs's DefaultPartitioner matches). Prints
      {"partition": N, "offset": N}.
  decode BROKERS REGISTRY TOPIC...
      Reads every record of the (quiet) topics from the start and decodes each with AvroDeserializer. Prints one JSON line per record: topic, partition, offset, key, record name
      and value, decimals as their text and timestamps as epoch milliseconds.
"""
import datetime
import decimal
import json
import sys
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient, topic_record_subject_name_strategy
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def to_avro(order):
    order = dict(order)
    order["placedAt"] = datetime.datetime.fromtimestamp(order["placedAt"] / 1000, tz=datetime.timezone.utc)
    order["items"] = [dict(line, unitPrice=decimal.Decimal(line["unitPrice"])) for line in order["items"]]
    return order


def produce(brokers, registry_url, topic, schema_file, order_json, with_headers):
    with open(schema_file, encoding="utf-8") as f:
        schema_text = f.read()
    registry = SchemaRegistryClient({"url": registry_url})
    serializer = AvroSerializer(
        registry,
        schema_text,
        conf={"auto.register.schemas": False, "subject.name.strategy": topic_record_subject_name_strategy},
    )
    order = json.loads(order_json)
    # murmur2_random: murmur2 of the key as the Java client; librdkafka's default (consistent_random,
    # CRC32) would put the order's events on other partitions than the platform's.
    producer = Producer({"bootstrap.servers": brokers, "partitioner": "murmur2_random", "enable.idempotence": True})
    headers = []
    if with_headers:
        headers = [
            ("event-id", str(uuid.uuid4())),
            ("event-type", "OrderPlaced"),
            ("occurred-at", datetime.datetime.now(datetime.timezone.utc).isoformat()),
            ("correlation-id", str(uuid.uuid4())),
            ("producer", "python-contract-test"),
        ]
    delivered = {}

    def on_delivery(error, message):
        if error is not None:
            raise SystemExit(f"delivery failed: {error}")
        delivered.update(partition=message.partition(), offset=message.offset())

    value = serializer(to_avro(order), SerializationContext(topic, MessageField.VALUE))
    producer.produce(topic, key=order["orderId"].encode(), value=value, headers=headers, on_delivery=on_delivery)
    producer.flush(30)
    print(json.dumps(delivered))


def plain(value):
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def decode(brokers, registry_url, topics):
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"contract-{uuid.uuid4()}", "enable.auto.commit": False, "isolation.level": "read_committed"})
    assigned = []
    for topic in topics:
        for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
            assigned.append(TopicPartition(topic, partition, OFFSET_BEGINNING))
    consumer.assign(assigned)
    # The topics are quiet when this runs: the end is where nothing more arrives for a while.
    while (message := consumer.poll(5)) is not None:
        if message.error():
            raise SystemExit(f"consume failed: {message.error()}")
        value = deserializer(message.value(), SerializationContext(message.topic(), MessageField.VALUE))
        record = {"topic": message.topic(), "partition": message.partition(), "offset": message.offset(), "key": message.key().decode(), "value": plain(value)}
        print(json.dumps(record))
    consumer.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "produce":
        produce(*args[:5], with_headers="--headers" in args)
    elif command == "decode":
        decode(args[0], args[1], args[2:])
    else:
        raise SystemExit(__doc__)
