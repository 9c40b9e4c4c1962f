package io.microregistry.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How long one contract may run, in units of the fixture's own bounds, so a slow backend gets
 * proportionally longer and a hung one fails that contract alone. A contract without this
 * annotation gets the defaults: {@code 6 × propagationBound + 4 × shortTtl + 5 s}.
 *
 * <p>Read by {@link ContractGuard}; a contract that overruns fails with a message naming the
 * limit and how it was derived.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface TimeBudget {
    /** Multiples of {@link RegistryFixture#propagationBound()}. */
    int propagations() default 6;

    /** Multiples of {@link RegistryFixture#shortTtl()}. */
    int ttls() default 4;

    /** Multiples of {@link RegistryFixture#recoveryBound()}. */
    int recoveries() default 0;

    /** Fixed seconds on top, for work that does not scale with the bounds (a child JVM, a thousand writes). */
    int extraSeconds() default 5;
}
