/**
 * The one place that says which backbone versions the local stack runs. Cache folders are named
 * after these, so bumping a version installs the new one next to the old instead of mixing them.
 */
export const versions = {
  /** Kafka 4.4.0 is incomplete on Maven Central; 4.3.1 is verified with kafkajs 2.2.4. */
  kafka: '4.3.1',
  kafkaScala: '2.13',
  /** Kafka's jars log through slf4j; this binding routes them to log4j2 so one config file rules. */
  log4jSlf4j: '2.24.3',
  /**
   * 3.0.x is the newest line that runs on Java 17: 3.3.x is compiled for Java 21 and also opens a
   * separate management port on 0.0.0.0:9000 that cannot be turned off at run time.
   */
  apicurio: '3.0.9',
  /** Built from infra/local/ferretdb, whose go.mod pins the same version. */
  ferretdb: '1.24.2',
  /**
   * Jaeger v2, built from infra/local/jaeger, whose go.mod pins the module at v1.75.0: the
   * project tags each release twice, and v1.75.0 is the same commit as v2.12.0 (the Go module
   * path has no /v2, so only its v1 tags resolve). The compose file runs the same version's image.
   */
  jaeger: '2.12.0',
} as const;

/** Kafka 4 brokers need Java 17; Apicurio 3.0 runs on it too. */
export const minimumJavaMajor = 17;
