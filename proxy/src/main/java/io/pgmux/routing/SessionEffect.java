package io.pgmux.routing;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a statement does to session state: reasons it adds (the client must stay on its server
 * connection) and reasons it clears (UNLISTEN *, pg_advisory_unlock_all, DISCARD ALL...).
 *
 * @param adds      session state created
 * @param clears    session state dropped
 * @param statement the leading words of the statement that created state, for errors and the admin console
 */
public record SessionEffect(Set<PinReason> adds, Set<PinReason> clears, String statement) {
    public static final SessionEffect NONE = new SessionEffect(EnumSet.noneOf(PinReason.class),
            EnumSet.noneOf(PinReason.class), "");

    public boolean isNone() {
        return adds.isEmpty() && clears.isEmpty();
    }
}
