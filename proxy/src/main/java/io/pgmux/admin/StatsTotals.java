package io.pgmux.admin;

import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolStats;

import java.util.Collection;

/**
 * The running totals of one database (summed over its pools), in PgBouncer's units: counts,
 * bytes, and times in microseconds.
 *
 * @param assignments server connections handed to clients
 * @param xacts       transactions
 * @param queries     SQL commands (simple queries and Executes)
 * @param received    bytes from clients
 * @param sent        bytes to clients
 * @param xactMicros  time servers spent in client transactions
 * @param queryMicros time servers spent running requests
 * @param waitMicros  time clients waited for a server
 * @param clientParses Parse messages from clients
 * @param serverParses statements pgmux prepared on servers for its statement cache
 * @param binds       Bind messages from clients
 */
record StatsTotals(long assignments, long xacts, long queries, long received, long sent, long xactMicros,
                   long queryMicros, long waitMicros, long clientParses, long serverParses, long binds) {

    static final StatsTotals ZERO = new StatsTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static StatsTotals of(String database, Collection<Pool> pools) {
        StatsTotals t = ZERO;
        for (Pool p : pools) {
            if (p.key().database().equals(database)) {
                t = t.plus(of(p.stats()));
            }
        }
        return t;
    }

    static StatsTotals of(PoolStats s) {
        return new StatsTotals(s.assignments.sum(), s.transactions.sum(), s.queries.sum(), s.bytesFromClients.sum(),
                s.bytesFromServers.sum(), s.transactionNanos.sum() / 1000, s.queryNanos.sum() / 1000,
                s.waitNanos.sum() / 1000, s.clientParses.sum(), s.preparedMisses.sum(), s.binds.sum());
    }

    StatsTotals plus(StatsTotals o) {
        return new StatsTotals(assignments + o.assignments, xacts + o.xacts, queries + o.queries,
                received + o.received, sent + o.sent, xactMicros + o.xactMicros, queryMicros + o.queryMicros,
                waitMicros + o.waitMicros, clientParses + o.clientParses, serverParses + o.serverParses,
                binds + o.binds);
    }

    /**
     * PgBouncer's averages between two samples {@code seconds} apart: counts and bytes per second,
     * times per transaction, per query and per assignment (microseconds).
     */
    StatsTotals averageSince(StatsTotals earlier, double seconds) {
        if (earlier == null || seconds <= 0) {
            return ZERO;
        }
        long dx = xacts - earlier.xacts;
        long dq = queries - earlier.queries;
        long da = assignments - earlier.assignments;
        return new StatsTotals(perSecond(da, seconds), perSecond(dx, seconds), perSecond(dq, seconds),
                perSecond(received - earlier.received, seconds), perSecond(sent - earlier.sent, seconds),
                per(xactMicros - earlier.xactMicros, dx), per(queryMicros - earlier.queryMicros, dq),
                per(waitMicros - earlier.waitMicros, da), perSecond(clientParses - earlier.clientParses, seconds),
                perSecond(serverParses - earlier.serverParses, seconds), perSecond(binds - earlier.binds, seconds));
    }

    private static long perSecond(long delta, double seconds) {
        return Math.round(delta / seconds);
    }

    private static long per(long total, long count) {
        return count <= 0 ? 0 : total / count;
    }
}
