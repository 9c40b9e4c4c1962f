package io.microregistry.cli;

/** Marks a command that runs until Ctrl-C (register, watch); its backend client logs warnings. */
interface KeepsRunning {
}
