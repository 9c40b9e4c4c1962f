package io.microregistry.cli;

import io.microregistry.Registry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code micro-registry} command: look up, watch, register and select services in whichever registry
 * backend {@code MICRO_REGISTRY} (or {@code --registry}) names, and run the greeter demo.
 *
 * <p>{@link #main} always ends the JVM with an exit status from {@link ExitCode}: 0 ok, 1 not found,
 * 2 usage, 3 backend unreachable or failing (one line naming backend and address, no stack trace),
 * 4 internal error. One instance serves one command line; not thread-safe.
 */
@Command(name = "micro-registry",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Register, find and watch services in etcd, Consul, ZooKeeper or the embedded in-memory registry.",
        subcommands = {
                ServicesCommand.class,
                GetCommand.class,
                WatchCommand.class,
                RegisterCommand.class,
                DeregisterCommand.class,
                SelectCommand.class,
                DemoCommand.class,
                ConfigCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%n",
        footer = {
                "Environment: MICRO_REGISTRY (memory, etcd, consul, zookeeper; default memory), MICRO_REGISTRY_ADDRESS,",
                "  MICRO_REGISTRY_USERNAME/_PASSWORD, MICRO_REGISTRY_TOKEN, MICRO_REGISTRY_TLS_CA/_CERT/_KEY,",
                "  MICRO_REGISTRY_TIMEOUT. Flags win over the environment.",
                "Exit status: 0 ok, 1 not found, 2 usage error, 3 backend unreachable or failing, 4 internal error."})
public final class MicroRegistry implements Callable<Integer> {

    @Option(names = {"-r", "--registry"}, scope = ScopeType.INHERIT, paramLabel = "<name>", order = 1,
            description = "Backend: memory, etcd, consul or zookeeper (default: $MICRO_REGISTRY, else memory).")
    private String registry;

    @Option(names = {"-a", "--address"}, scope = ScopeType.INHERIT, paramLabel = "<host:port>", split = ",", order = 2,
            description = "Backend address(es), comma-separated (default: $MICRO_REGISTRY_ADDRESS, else the backend's usual local port).")
    private List<String> addresses;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "<duration>", order = 3,
            converter = DurationConverter.class,
            description = "Deadline of each backend call, e.g. 2s (default: $MICRO_REGISTRY_TIMEOUT, else 5s).")
    private Duration timeout;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "human|json", order = 4,
            defaultValue = "human", description = "Output format (default: ${DEFAULT-VALUE}).")
    private OutputFormat output;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 5,
            description = "Log what the backend client does (to stderr), and print stack traces of failures.")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private BackendTarget target;

    private final LoggingSetup logging = new LoggingSetup(System.err);

    /** Public for the JVM launcher. */
    public MicroRegistry() {
    }

    /** Runs the command line and exits the JVM with its {@link ExitCode exit status}. */
    public static void main(String[] args) {
        // Exit explicitly: backend clients may own non-daemon threads (gRPC, Netty, ZooKeeper).
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status, without exiting. */
    static int run(String... args) {
        MicroRegistry root = new MicroRegistry();
        CommandLine commandLine = new CommandLine(root);
        // Bind the command's own output to the real streams now: LoggingSetup may replace System.err later.
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(new UsageErrorReporter());
        commandLine.setExecutionExceptionHandler(new FailureReporter(root));
        commandLine.setExecutionStrategy(parseResult -> {
            root.logging.apply(parseResult, root.verbose);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine.execute(args);
    }

    /** With no subcommand: show what there is to do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err());
        return ExitCode.USAGE;
    }

    /** The backend this command line talks to; resolved once. */
    BackendTarget target() {
        if (target == null) {
            target = BackendTarget.resolve(registry, addresses, timeout, System.getenv(), System.getProperties());
        }
        return target;
    }

    /** The backend, if it has been resolved; null before. */
    BackendTarget resolvedTarget() {
        return target;
    }

    /** Opens a client of the chosen backend; the caller closes it. */
    Registry open() {
        return target().open();
    }

    /** A long-running command is registered or watching: let backend warnings through from now on. */
    void established() {
        logging.established();
    }

    /** On the memory backend, says once that other processes cannot see this one's registry. */
    void noteIfInProcess() {
        if (target().inProcess()) {
            err().println("note: the memory registry lives inside this process; to share registrations between "
                    + "processes use --registry etcd, consul or zookeeper.");
            err().flush();
        }
    }

    OutputFormat output() {
        return output;
    }

    boolean json() {
        return output == OutputFormat.JSON;
    }

    boolean verbose() {
        return verbose;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
