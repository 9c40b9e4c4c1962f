package io.microregistry.benchmarks;

/**
 * One JMH result of a select benchmark.
 *
 * @param subject     {@code micro-registry} (select), {@code acquire} (acquire + success) or {@code curator}
 * @param strategy    strategy name ({@code round-robin} for Curator)
 * @param nodes       nodes in the service
 * @param threads     benchmark threads
 * @param filter      {@code none} or {@code version}
 * @param nsPerOp     average time per select
 * @param nsError     JMH's 99.9% confidence half-width, NaN when it cannot say
 * @param bytesPerOp  allocation per select from {@code -prof gc}, NaN if missing
 */
record SelectRow(String subject, String strategy, int nodes, int threads, String filter,
                 double nsPerOp, double nsError, double bytesPerOp) {
}
