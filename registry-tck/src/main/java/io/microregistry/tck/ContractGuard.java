package io.microregistry.tck;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every contract runs under: the fixture's suppressions (a suppressed contract is
 * reported skipped, with the fixture's reason) and a time limit derived from the fixture's
 * bounds ({@link TimeBudget}), so a call that never returns fails its own contract, with a
 * message saying so, instead of hanging the build.
 *
 * <p>The contract body runs on a daemon thread of its own; on overrun that thread is
 * interrupted and left behind, and the test's clients are closed as usual, which is what
 * unblocks a well-behaved backend.
 */
final class ContractGuard implements ExecutionCondition, InvocationInterceptor {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty() || !(context.getTestInstance().orElse(null) instanceof Contract contract)) {
            return ConditionEvaluationResult.enabled("not a contract");
        }
        String name = context.getRequiredTestMethod().getName();
        String reason = contract.fixture().suppressed().get(name);
        return reason == null
                ? ConditionEvaluationResult.enabled("not suppressed")
                : ConditionEvaluationResult.disabled("suppressed by the fixture: " + reason);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        Object target = invocationContext.getTarget().orElse(null);
        if (!(target instanceof Contract contract)) {
            invocation.proceed();
            return;
        }
        Method method = invocationContext.getExecutable();
        TimeBudget budget = method.getAnnotation(TimeBudget.class);
        RegistryFixture fixture = contract.fixture();
        Duration limit = limit(budget, fixture);
        FutureTask<Void> body = new FutureTask<>(() -> {
            try {
                invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new ExecutionException(t);
            }
            return null;
        });
        Thread runner = new Thread(body, "tck-contract-" + method.getName());
        runner.setDaemon(true);
        runner.start();
        try {
            body.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            StackTraceElement[] stack = runner.getStackTrace();
            runner.interrupt();
            AssertionError overrun = new AssertionError("contract " + method.getName() + " did not finish within its time limit of "
                    + limit + " (" + explain(budget, fixture) + "). Some call never returned: a "
                    + "Watcher.next(timeout) that ignores its timeout, or a register/lookup/close that blocks; "
                    + "the contract's thread was stuck where this error's stack trace shows.");
            overrun.setStackTrace(stack);
            throw overrun;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof ExecutionException nested && nested.getCause() != null ? nested.getCause() : cause;
        }
    }

    /** The limit {@code budget} (or the defaults, when null) gives under {@code fixture}. */
    private static Duration limit(TimeBudget budget, RegistryFixture fixture) {
        int propagations = budget == null ? 6 : budget.propagations();
        int ttls = budget == null ? 4 : budget.ttls();
        int recoveries = budget == null ? 0 : budget.recoveries();
        int extra = budget == null ? 5 : budget.extraSeconds();
        return fixture.propagationBound().multipliedBy(propagations)
                .plus(fixture.shortTtl().multipliedBy(ttls))
                .plus(fixture.recoveryBound().multipliedBy(recoveries))
                .plusSeconds(extra);
    }

    /** How {@link #limit} was computed, for the failure message. */
    private static String explain(TimeBudget budget, RegistryFixture fixture) {
        int propagations = budget == null ? 6 : budget.propagations();
        int ttls = budget == null ? 4 : budget.ttls();
        int recoveries = budget == null ? 0 : budget.recoveries();
        int extra = budget == null ? 5 : budget.extraSeconds();
        return propagations + " × propagationBound (" + fixture.propagationBound() + ") + " + ttls + " × shortTtl ("
                + fixture.shortTtl() + ") + " + recoveries + " × recoveryBound (" + fixture.recoveryBound() + ") + "
                + extra + " s";
    }
}
