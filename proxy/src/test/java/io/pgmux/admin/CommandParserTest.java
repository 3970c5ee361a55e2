package io.pgmux.admin;

import io.pgmux.protocol.PgException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandParserTest {

    private static AdminCommand parse(String s) {
        return CommandParser.parse(s);
    }

    private static PgException refused(String s) {
        return assertThrows(PgException.class, () -> CommandParser.parse(s));
    }

    @Test
    void showIsCaseInsensitiveAndNormalisesTheSubject() {
        assertEquals(new AdminCommand(AdminCommand.Verb.SHOW, "POOLS", null), parse("SHOW POOLS"));
        assertEquals(new AdminCommand(AdminCommand.Verb.SHOW, "STATS_TOTALS", null), parse("show stats_totals"));
        assertEquals(new AdminCommand(AdminCommand.Verb.SHOW, "PINNED", null), parse("  Show\tPinned \n"));
        for (String subject : AdminCommand.SHOW_SUBJECTS) {
            assertEquals(subject, parse("show " + subject.toLowerCase()).argument());
        }
    }

    @Test
    void databaseArgumentsAreOptionalExceptForKill() {
        assertNull(parse("PAUSE").argument());
        assertEquals("app", parse("pause app").argument());
        assertEquals("My Db", parse("RESUME \"My Db\"").argument());
        assertEquals("App", parse("reconnect App").argument(), "names are kept as written");
        assertEquals(AdminCommand.Verb.RECONNECT, parse("RECONNECT").verb());
        assertEquals("app", parse("KILL app").argument());
        assertEquals("42601", refused("KILL").error().code());
        assertEquals("42601", refused("PAUSE a b").error().code());
    }

    @Test
    void setTakesWordsQuotedStringsAndTo() {
        assertEquals(new AdminCommand(AdminCommand.Verb.SET, "log.level", "debug"), parse("SET log.level = debug"));
        assertEquals(new AdminCommand(AdminCommand.Verb.SET, "limits.query_wait_timeout", "5s"),
                parse("set Limits.Query_Wait_Timeout TO '5s'"));
        assertEquals("it's", parse("SET application_name='it''s'").value());
        assertEquals("30", parse("SET databases.app.pool.size=30").value());
        assertEquals("42601", refused("SET log.level").error().code());
        assertEquals("42601", refused("SET log.level = ").error().code());
        assertEquals("42601", refused("SET = x").error().code());
        assertEquals("42601", refused("SET 'a' = b").error().code());
        assertEquals("42601", refused("SET a = 'unterminated").error().code());
    }

    @Test
    void otherCommands() {
        assertEquals(AdminCommand.Verb.RELOAD, parse("reload").verb());
        assertEquals(AdminCommand.Verb.SHUTDOWN, parse("SHUTDOWN").verb());
        assertEquals(AdminCommand.Verb.SHUTDOWN, parse("shutdown wait_for_clients").verb());
        assertEquals("42601", refused("RELOAD now").error().code());
        assertEquals("42601", refused("SHUTDOWN NOW").error().code());
    }

    @Test
    void unknownCommandsGet42601WithTheListOfCommands() {
        PgException e = refused("SELECT 1");
        assertEquals("42601", e.error().code());
        assertEquals("ERROR", e.error().severity());
        assertEquals("invalid command 'SELECT 1', use SHOW HELP;", e.error().message());
        for (AdminCommand.Verb v : AdminCommand.Verb.values()) {
            assertTrue(e.error().hint().contains(v.syntax()), v.name());
        }
        assertEquals("42601", refused("SHOW").error().code());
        assertEquals("42601", refused("SHOW TABLES").error().code());
        assertEquals("42601", refused("SHOW POOLS extra").error().code());
        assertEquals("42601", refused("\"SHOW\" POOLS").error().code());
    }

    @Test
    void queriesSplitAtSemicolonsOutsideQuotes() {
        assertEquals(List.of("SHOW POOLS"), CommandParser.split("SHOW POOLS;"));
        assertEquals(List.of("SHOW VERSION", "SHOW LISTS"), CommandParser.split(" SHOW VERSION ; SHOW LISTS ; ;"));
        assertEquals(List.of("SET a = 'x;y'", "RELOAD"), CommandParser.split("SET a = 'x;y'; RELOAD"));
        assertEquals(List.of("PAUSE \"a;b\""), CommandParser.split("PAUSE \"a;b\""));
        assertEquals(List.of(), CommandParser.split("  ;  "));
        assertEquals(List.of(), CommandParser.split(""));
    }
}
