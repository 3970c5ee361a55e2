package io.pgmux.it;

import io.pgmux.it.support.LogTrap;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.RawPg.Message;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes a logged-in session against a real server: each case logs in over a raw socket, sends a
 * mutated sequence of typed messages (simple and extended queries, Close, Flush, copy messages out of
 * place, Terminate; bit flips, truncations, length fields set to boundary values, inserted and repeated
 * bytes), then a probe (Sync + SELECT 7). pgmux must never let an exception reach its handlers (none
 * logged with a stack trace), must answer or close, and must give every server connection back: a pool
 * of two serves a fresh pgjdbc client at the end. The leak detector runs at paranoid as everywhere.
 * Seeded; 100 cases by default (about 25 s), {@code -Dfuzz.cases=N} (a hundredth of it) and {@code -Dfuzz.seed=S}.
 */
class SessionFuzzIT {
    private static final String DB = "session_fuzz_it";
    private static final String USER = "session_fuzz_user";
    private static final int CASES = Math.max(100, Integer.getInteger("fuzz.cases", 0) / 100);
    private static final long SEED = Long.getLong("fuzz.seed", 20261207L);

    static TestPostgres pg;
    static Pgmux pgmux;

    /** A reset by the peer is routine; anything else thrown, or a leak report, is a finding. */
    private final LogTrap trap = new LogTrap(r -> r.getThrown() != null && !(r.getThrown() instanceof IOException)
            || String.valueOf(r.getMessage()).contains("LEAK"));

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).top("limits: { query_wait_timeout: 5s }").serverUserOnly()
                .user("{ name: raw, password: raw, auth: password }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void mutatedSessionTraffic() throws Exception {
        Logger pgmuxLog = Logger.getLogger("io.pgmux");
        Level old = pgmuxLog.getLevel();
        pgmuxLog.setLevel(Level.FINE); // handlers log a caught exception at FINE
        trap.install();
        Map<String, Integer> outcomes = new TreeMap<>();
        try {
            Random rnd = new Random(SEED);
            List<byte[]> seeds = seeds();
            for (int i = 0; i < CASES; i++) {
                long caseSeed = rnd.nextLong();
                Random r = new Random(caseSeed);
                byte[] input = mutate(r, seeds.get(r.nextInt(seeds.size())), seeds);
                String outcome = runCase(input);
                outcomes.merge(outcome, 1, Integer::sum);
                if (!trap.caught().isEmpty()) {
                    LogRecord first = trap.caught().get(0);
                    throw new AssertionError("case " + i + " (seed " + caseSeed + ") input "
                            + HexFormat.of().formatHex(input) + ": " + first.getLoggerName() + ": "
                            + first.getMessage(), first.getThrown());
                }
            }
        } finally {
            trap.uninstall();
            pgmuxLog.setLevel(old);
        }
        System.out.println("SessionFuzzIT: " + CASES + " cases, seed " + SEED + ", outcomes " + outcomes);
        assertTrue(outcomes.getOrDefault("answered", 0) > CASES / 10, "the probe is answered often: " + outcomes);
        // every server connection went back to the pool of two: a fresh client is served at once
        try (Connection c = pgmux.connect(DB, "raw", "raw"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(trap.caught().isEmpty(), () -> "logged: " + trap.describe());
    }

    /** Sends the input and a probe; says how the connection ended up. */
    private static String runCase(byte[] input) throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.login("raw", DB, "raw");
            c.readTimeout(Duration.ofMillis(700)); // a local server answers in milliseconds
            try {
                c.send(input);
                c.send(concat(RawPg.message('S', new byte[0]), RawPg.query("SELECT 7")));
            } catch (IOException closed) {
                return "closed while sending";
            }
            try {
                for (;;) {
                    Message m = c.readMessage();
                    if (m == null) {
                        return "closed";
                    }
                    if (m.type() == 'D' && RawPg.firstValue(List.of(m)).equals("7")) {
                        return "answered";
                    }
                }
            } catch (SocketTimeoutException waiting) {
                return "waiting (a message is incomplete)";
            } catch (IOException reset) {
                return "closed";
            }
        }
    }

    private static List<byte[]> seeds() {
        byte[] sync = RawPg.message('S', new byte[0]);
        byte[] parse = RawPg.message('P', concat("s1\0SELECT $1::int + 1\0".getBytes(StandardCharsets.UTF_8),
                ByteBuffer.allocate(6).putShort((short) 1).putInt(23).array()));
        byte[] bind = RawPg.message('B', concat("\0s1\0".getBytes(StandardCharsets.UTF_8),
                ByteBuffer.allocate(2 + 2 + 2 + 4 + 2 + 2).putShort((short) 1).putShort((short) 0).putShort((short) 1)
                        .putInt(2).put("41".getBytes(StandardCharsets.UTF_8)).putShort((short) 0).array()));
        byte[] describe = RawPg.message('D', "P\0".getBytes(StandardCharsets.UTF_8));
        byte[] execute = RawPg.message('E', concat("\0".getBytes(StandardCharsets.UTF_8), new byte[]{0, 0, 0, 0}));
        byte[] close = RawPg.message('C', "Ss1\0".getBytes(StandardCharsets.UTF_8));
        byte[] flush = RawPg.message('H', new byte[0]);
        return List.of(
                RawPg.query("SELECT 1"),
                RawPg.query("BEGIN; SELECT 2; COMMIT"),
                RawPg.query("SET application_name = 'fuzz'"),
                RawPg.query("COPY (SELECT 1) TO STDOUT"),
                concat(RawPg.query("BEGIN"), RawPg.query("SELECT 3"), RawPg.query("ROLLBACK")),
                concat(parse, bind, describe, execute, sync),
                concat(parse, sync, bind, execute, sync, close, sync),
                concat(parse, flush, bind, execute, flush, sync),
                concat(RawPg.message('d', "x".getBytes(StandardCharsets.UTF_8)), RawPg.message('c', new byte[0]), sync),
                concat(RawPg.message('f', "no\0".getBytes(StandardCharsets.UTF_8)), sync),
                RawPg.message('F', new byte[]{0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
    }

    private static byte[] mutate(Random r, byte[] seed, List<byte[]> seeds) {
        byte[] b = seed.clone();
        int[] interesting = {0, -1, 3, 4, 5, 8, 0x7fffffff, 1 << 30, (1 << 30) + 1, 256 << 20};
        for (int round = 1 + r.nextInt(3); round > 0 && b.length > 0; round--) {
            switch (r.nextInt(7)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length));
                case 3 -> { // a message's length field, found by walking the messages
                    List<Integer> at = new ArrayList<>();
                    for (long p = 0; p + 5 <= b.length; ) {
                        at.add((int) p + 1);
                        int len = ByteBuffer.wrap(b).getInt((int) p + 1);
                        if (len < 4) {
                            break;
                        }
                        p += 1L + len;
                    }
                    if (!at.isEmpty()) {
                        ByteBuffer.wrap(b).putInt(at.get(r.nextInt(at.size())), interesting[r.nextInt(interesting.length)]);
                    }
                }
                case 4 -> { // insert random bytes
                    byte[] ins = new byte[1 + r.nextInt(12)];
                    r.nextBytes(ins);
                    int at = r.nextInt(b.length + 1);
                    b = concat(Arrays.copyOf(b, at), ins, Arrays.copyOfRange(b, at, b.length));
                }
                case 5 -> b = concat(b, seeds.get(r.nextInt(seeds.size())));
                default -> { // an int anywhere
                    if (b.length >= 4) {
                        ByteBuffer.wrap(b).putInt(r.nextInt(b.length - 3), interesting[r.nextInt(interesting.length)]);
                    }
                }
            }
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
