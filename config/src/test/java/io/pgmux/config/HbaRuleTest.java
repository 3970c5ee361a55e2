package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code hba:} allow list: CIDR matching for IPv4 and IPv6, first match wins, and its YAML. */
class HbaRuleTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void ipv4Networks() throws Exception {
        HbaRule.Cidr net = HbaRule.Cidr.parse("10.1.0.0/16");
        assertTrue(net.contains(ip("10.1.0.0")));
        assertTrue(net.contains(ip("10.1.255.7")));
        assertFalse(net.contains(ip("10.2.0.1")));
        assertFalse(net.contains(ip("::1")), "an IPv6 client never matches an IPv4 network");
        assertTrue(HbaRule.Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertTrue(HbaRule.Cidr.parse("192.168.1.7").contains(ip("192.168.1.7")), "a bare address is a /32");
        assertFalse(HbaRule.Cidr.parse("192.168.1.7").contains(ip("192.168.1.6")));
        assertTrue(HbaRule.Cidr.parse("192.168.1.77/27").contains(ip("192.168.1.64")), "host bits are ignored");
        assertFalse(HbaRule.Cidr.parse("192.168.1.77/27").contains(ip("192.168.1.96")));
        assertTrue(HbaRule.Cidr.parse("::ffff:10.0.0.0/8").contains(ip("10.9.9.9")), "IPv4-mapped is IPv4");
    }

    @Test
    void ipv6Networks() throws Exception {
        HbaRule.Cidr net = HbaRule.Cidr.parse("fd00:ab::/33");
        assertTrue(net.contains(ip("fd00:ab::1")));
        assertTrue(net.contains(ip("fd00:ab:7fff::1")));
        assertFalse(net.contains(ip("fd00:ab:8000::1")), "bit 33 differs");
        assertFalse(net.contains(ip("10.0.0.1")));
        assertTrue(HbaRule.Cidr.parse("::1").contains(ip("::1")));
        assertFalse(HbaRule.Cidr.parse("::1/128").contains(ip("::2")));
        assertTrue(HbaRule.Cidr.parse("::/0").contains(ip("2001:db8::5")));
    }

    @Test
    void badNetworksAreRefusedWithoutLookingNamesUp() {
        for (String bad : List.of("example.com", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/-1", "", "1.2.3")) {
            assertThrows(IllegalArgumentException.class, () -> HbaRule.Cidr.parse(bad), bad);
        }
    }

    @Test
    void firstMatchWinsAndAnEmptyListAllows() throws Exception {
        List<HbaRule> rules = List.of(
                new HbaRule("admin", HbaRule.ALL, HbaRule.Cidr.parse("127.0.0.1/32"), true),
                new HbaRule("admin", HbaRule.ALL, null, false),
                new HbaRule(HbaRule.ALL, "app", HbaRule.Cidr.parse("10.0.0.0/8"), true));
        assertTrue(HbaRule.allows(rules, "admin", "app", ip("127.0.0.1")));
        assertFalse(HbaRule.allows(rules, "admin", "app", ip("10.0.0.1")), "the admin reject comes first");
        assertTrue(HbaRule.allows(rules, "app", "app", ip("10.0.0.1")));
        assertFalse(HbaRule.allows(rules, "app", "other", ip("10.0.0.1")), "no rule matches: rejected");
        assertFalse(HbaRule.allows(rules, "app", "app", null), "no address only matches address all");
        assertTrue(HbaRule.allows(List.of(), "anyone", "any", null));
    }

    @Test
    void readFromYaml() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                hba:
                  - { user: admin, address: 127.0.0.1/32, action: allow }
                  - { address: "fd00::/8", action: allow }
                  - { database: app, action: reject }
                """, "<test>");
        assertEquals(List.of(new HbaRule("admin", "all", HbaRule.Cidr.parse("127.0.0.1/32"), true),
                new HbaRule("all", "all", HbaRule.Cidr.parse("fd00::/8"), true),
                new HbaRule("all", "app", null, false)), c.hba());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                hba:
                  - { user: admin, address: 10.0.0.0/40, action: allow }
                  - { user: admin, action: maybe }
                  - { user: admin }
                """, "<test>"));
        assertTrue(e.getMessage().contains("prefix length must be between 0 and 32"), e.getMessage());
        assertTrue(e.getMessage().contains("expected one of allow, reject"), e.getMessage());
        assertTrue(e.getMessage().contains("missing required key 'action'"), e.getMessage());
    }
}
