package io.microregistry.cli;

/** How results are printed: for a person (aligned tables) or for a script (JSON on stdout). */
enum OutputFormat {
    HUMAN,
    JSON
}
