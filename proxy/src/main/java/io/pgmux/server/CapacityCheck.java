package io.pgmux.server;

import io.netty.util.concurrent.Future;
import io.pgmux.backend.ServerProbe;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.health.BackendHealth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * At start-up, reads each server's max_connections and warns when the pools that may target it
 * could use more than 70% of it: the usual road to "sorry, too many clients already".
 */
final class CapacityCheck {
    private static final Logger LOG = Logger.getLogger(CapacityCheck.class.getName());
    static final double SHARE = 0.7;

    private CapacityCheck() {
    }

    static void run(ProxyServer server) {
        ProxyConfig config = server.config();
        Map<String, Integer> demand = new LinkedHashMap<>();
        Map<String, ServerTarget> probeAs = new LinkedHashMap<>();
        for (DatabaseConfig db : config.databases().values()) {
            List<BackendUrl> servers = new java.util.ArrayList<>(db.replicas());
            servers.add(0, db.primary());
            for (BackendUrl url : servers) {
                String address = url.host() + ":" + url.port();
                boolean forced = url.user() != null;
                int pools = forced ? 1 : Math.max(1, config.users().size());
                demand.merge(address, db.pool().size() * pools, Integer::sum);
                ServerTarget t = BackendHealth.probeTarget(url, config.users());
                if (t != null) {
                    probeAs.putIfAbsent(address, t);
                }
            }
        }
        probeAs.forEach((address, target) -> {
            Future<List<String>> f = ServerProbe.query(server.connector(), server.loops().loop(0), target,
                    java.time.Duration.ofSeconds(5), "SHOW max_connections");
            f.addListener(x -> {
                if (!f.isSuccess()) {
                    LOG.warning(() -> "could not read max_connections of " + address + ": " + f.cause().getMessage());
                    return;
                }
                int max = Integer.parseInt(f.getNow().get(0));
                int wanted = demand.get(address);
                if (wanted > max * SHARE) {
                    LOG.warning(() -> "pools targeting " + address + " may open " + wanted + " connections, over "
                            + (int) (SHARE * 100) + "% of its max_connections (" + max + "); expect "
                            + "\"sorry, too many clients already\" under load: lower pool sizes or raise max_connections");
                } else {
                    LOG.info(() -> address + ": max_connections " + max + ", pools may open " + wanted);
                }
            });
        });
    }
}
