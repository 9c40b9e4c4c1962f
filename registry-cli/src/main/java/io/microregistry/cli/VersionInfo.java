package io.microregistry.cli;

import io.microregistry.Registries;
import picocli.CommandLine;

/** What {@code micro-registry --version} prints: this build and the backends bundled in it. */
final class VersionInfo implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = MicroRegistry.class.getPackage().getImplementationVersion();
        return new String[] {
                "micro-registry " + (version == null ? "(development build)" : version),
                "backends: " + String.join(", ", Registries.providerNames()),
                "Java " + Runtime.version()};
    }
}
