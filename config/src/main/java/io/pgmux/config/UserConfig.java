package io.pgmux.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A client login known to pgmux ({@code users:} item).
 *
 * @param name     the user name clients send in the startup message
 * @param password the password, hash or verifier; {@code null} only for {@link AuthMethod#TRUST} and {@link AuthMethod#CERT}
 * @param auth     how the client is authenticated
 * @param maxClientConnections logged-in clients of this user at once; past it a login gets 53300; 0 = no limit
 */
public record UserConfig(String name, Secret password, AuthMethod auth, int maxClientConnections) {

    /** Used when a user has no {@code auth:} key. */
    public static final AuthMethod DEFAULT_AUTH = AuthMethod.SCRAM_SHA_256;

    /** A user without a connection limit. */
    public UserConfig(String name, Secret password, AuthMethod auth) {
        this(name, password, auth, 0);
    }

    /** Rejects a null name or method; the other rules are checked when a file is loaded. */
    public UserConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(auth, "auth");
    }

    /** The plain password, if that is what is configured; what pgmux needs to log in to servers as this user. */
    public Optional<String> plainPassword() {
        return password != null && password.kind() == Secret.Kind.PLAIN
                ? Optional.of(password.value())
                : Optional.empty();
    }
}
