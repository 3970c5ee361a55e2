package io.pgmux.frontend;

import java.util.Set;

/** The admin console's login rules shared with the login handler. */
final class AdminLogin {
    private AdminLogin() {
    }

    /** The admin console's database names: pgmux's own, and PgBouncer's so existing scripts and exporters work. */
    static final Set<String> DATABASES = Set.of("pgmux", "pgbouncer");
}
