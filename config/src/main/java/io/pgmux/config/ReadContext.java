package io.pgmux.config;

import java.util.Map;

/**
 * What walking the YAML tree shares: where problems and key locations go, and the environment for
 * {@code ${VAR}} substitution.
 */
record ReadContext(Problems problems, Locations locations, Map<String, String> env) {
}
