package io.pgmux.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One rule of the {@code hba:} allow list, pgmux's answer to pg_hba.conf: who may log in from where.
 * The first rule matching a login decides; an empty list allows everyone, and a login no rule matches
 * is rejected.
 *
 * @param user     a user name, or {@link #ALL}
 * @param database a database name, or {@link #ALL}
 * @param address  the client addresses, or {@code null} for all
 * @param allow    true to let the login go on to authentication, false to reject it
 */
public record HbaRule(String user, String database, Cidr address, boolean allow) {

    /** Matches any user or database. */
    public static final String ALL = "all";

    public HbaRule {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
    }

    /** Whether this rule is about this login; {@code client} may be null (not an IP socket), matching only address all. */
    public boolean matches(String userName, String databaseName, InetAddress client) {
        return (user.equals(ALL) || user.equals(userName))
                && (database.equals(ALL) || database.equals(databaseName))
                && (address == null || client != null && address.contains(client));
    }

    /** The first matching rule's verdict; true for an empty list, false when no rule matches. */
    public static boolean allows(List<HbaRule> rules, String userName, String databaseName, InetAddress client) {
        for (HbaRule r : rules) {
            if (r.matches(userName, databaseName, client)) {
                return r.allow();
            }
        }
        return rules.isEmpty();
    }

    /** An IPv4 or IPv6 network, {@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a network of one. */
    public static final class Cidr {
        private final byte[] network;
        private final int prefix;
        private final String text;

        private Cidr(byte[] network, int prefix, String text) {
            this.network = network;
            this.prefix = prefix;
            this.text = text;
        }

        /** Parses an IP literal with an optional {@code /prefix}; never looks a name up. */
        public static Cidr parse(String text) {
            String t = text.strip();
            int slash = t.indexOf('/');
            String host = slash < 0 ? t : t.substring(0, slash);
            boolean v6 = host.indexOf(':') >= 0;
            if (v6 ? !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                    : !host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                throw new IllegalArgumentException("expected an IP address or CIDR like 10.0.0.0/8 or fd00::/8, or all");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(host).getAddress(); // a literal: no DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + host + "' is not an IP address");
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("the prefix length must be between 0 and " + bits);
                }
            }
            byte[] network = bytes.clone();
            for (int i = 0; i < network.length; i++) {
                network[i] &= mask(prefix, i);
            }
            return new Cidr(network, prefix, t);
        }

        private static byte mask(int prefix, int byteIndex) {
            int bitsHere = Math.max(0, Math.min(8, prefix - byteIndex * 8));
            return (byte) (0xff << (8 - bitsHere));
        }

        public boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < b.length; i++) {
                if ((b[i] & mask(prefix, i)) != network[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
