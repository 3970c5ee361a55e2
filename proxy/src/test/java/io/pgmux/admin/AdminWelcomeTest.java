package io.pgmux.admin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminWelcomeTest {

    @Test
    void beforeAnyServerTheVersionStartsWithTheFallbackMajor() {
        Map<String, String> p = AdminWelcome.parameters(List.of());
        assertTrue(p.get("server_version").matches("17\\.0 \\(pgmux .+\\)"), p.get("server_version"));
        // what pgjdbc and psql insist on
        assertEquals("UTF8", p.get("client_encoding"));
        assertEquals("ISO", p.get("DateStyle"));
        assertEquals("on", p.get("integer_datetimes"));
        assertEquals("on", p.get("standard_conforming_strings"));
    }
}
