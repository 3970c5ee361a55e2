package io.pgmux.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What transaction pooling does when a client creates session state a later transaction may rely
 * on ({@code on_session_state}): SET of an untracked setting, LISTEN, session advisory locks,
 * temporary tables, WITH HOLD cursors, SQL PREPARE.
 */
public enum SessionStatePolicy {
    /** Keep the client on its server connection until the state is gone or the client leaves. */
    PIN,
    /** Refuse the statement with an error naming it and this option. */
    ERROR,
    /** Do nothing (PgBouncer's behaviour): the state may leak to other clients. */
    IGNORE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SessionStatePolicy> fromConfigName(String name) {
        return ConfigNames.lookup(values(), SessionStatePolicy::configName, name);
    }
}
