package io.pgmux.server;

import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.LimitsConfig;
import io.pgmux.config.PoolConfig;
import io.pgmux.pool.PoolMode;
import io.pgmux.pool.PoolSettings;

import java.util.ArrayList;
import java.util.List;

/** Turns a database's pool configuration into the pool's runtime settings. */
final class PoolSettingsFactory {
    private PoolSettingsFactory() {
    }

    static PoolSettings from(DatabaseConfig db, LimitsConfig limits) {
        PoolConfig pool = db.pool();
        List<String> tracked = new ArrayList<>(PoolSettings.DEFAULT_TRACKED);
        for (String extra : pool.trackExtraParameters()) {
            if (!tracked.contains(extra)) {
                tracked.add(extra);
            }
        }
        PoolMode mode = switch (pool.mode()) {
            case SESSION -> PoolMode.SESSION;
            case TRANSACTION -> PoolMode.TRANSACTION;
            case STATEMENT -> PoolMode.STATEMENT;
        };
        return new PoolSettings(mode, pool.size(), pool.minIdle(), pool.maxLifetime(), pool.idleTimeout(),
                pool.connectTimeout(), limits.queryWaitTimeout(), pool.serverResetQuery(),
                pool.maxPreparedStatements(), tracked, db.onSessionState(), limits.maxClientPreparedStatements());
    }
}
