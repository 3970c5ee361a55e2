package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.auth.ScramClientSession;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.StartupCodes;
import io.pgmux.protocol.StartupPacketDecoder;
import io.pgmux.protocol.TrackingAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the client-facing login pipeline (StartupPacketDecoder + LoginHandler) on EmbeddedChannels:
 * random bytes, mutated valid startup, SSL, GSS, cancel, password and SASL packets, and SCRAM
 * conversations with a mutated final message. Each case feeds its bytes in random pieces and checks
 * that no exception escapes to the pipeline, that the channel is either closed after an ErrorResponse
 * (or after a cancel request, which gets no answer) or still waiting with a bounded amount buffered and
 * then closed by auth_timeout, and that every ByteBuf it allocated or was given is released.
 *
 * <p>A fixed seed and 20000 cases by default (a few seconds); more with {@code -Dfuzz.cases=N},
 * another seed with {@code -Dfuzz.seed=S}. A failure names the case and its input in hex.
 */
class LoginFuzzTest {
    static final int CASES = Integer.getInteger("fuzz.cases", 20_000);
    static final long SEED = Long.getLong("fuzz.seed", 20261207L);
    /** What a waiting client may make pgmux hold: a startup packet or an auth message, plus slack. */
    private static final int MAX_HELD = 256 * 1024;

    static final String CONFIG = """
            limits: { auth_timeout: 5s, max_client_connections: 100 }
            users:
              - { name: scram, password: secret }
              - { name: md5user, password: secret, auth: md5 }
              - { name: clear, password: secret, auth: password }
              - { name: open, auth: trust }
            databases:
              app: { primary: postgres://x:y@127.0.0.1:1/app }
            """;

    private static final LogCapture LOGIN_LOG = new LogCapture(LoginHandler.class.getName(), Level.FINE, "during login");
    private static final LogCapture LEAK_LOG = new LogCapture("io.netty.util.ResourceLeakDetector", Level.WARNING, "");

    /** How cases ended (last message, SQLSTATE), to see that the fuzzer reaches every state. */
    private static final java.util.Map<String, Integer> OUTCOMES = new java.util.HashMap<>();

    private final LoginHandlerTest.FakeContext context = new LoginHandlerTest.FakeContext(CONFIG);

    @BeforeAll
    static void listen() {
        LOGIN_LOG.install();
        LEAK_LOG.install();
    }

    @AfterAll
    static void stopListening() {
        LOGIN_LOG.uninstall();
        LEAK_LOG.uninstall();
    }

    @Test
    void randomAndMutatedLoginTraffic() throws Exception {
        Random rnd = new Random(SEED);
        List<Seed> seeds = Seeds.all();
        int scramCases = 0;
        for (int i = 0; i < CASES; i++) {
            long caseSeed = rnd.nextLong();
            Random r = new Random(caseSeed);
            int kind = r.nextInt(100);
            String label = "case " + i + " (seed " + caseSeed + ")";
            if (kind < 15) {
                runCase(label, r, List.of(randomBytes(r)));
            } else if (kind < 20) {
                // unmutated, in random pieces: the answer must not depend on how the bytes were cut
                Seed seed = seeds.get(r.nextInt(seeds.size()));
                Run run = runCase(label + " from " + seed.name(), r, List.of(seed.bytes()));
                if (seed.expect() != null) {
                    assertEquals(seed.expect(), run.outcome, run.where("outcome of a valid sequence"));
                }
            } else if (kind < 99 || scramCases > CASES / 50) {
                Seed seed = seeds.get(r.nextInt(seeds.size()));
                runCase(label + " from " + seed.name(), r, List.of(Mutator.mutate(r, seed, seeds)));
            } else {
                scramCases++;
                runScramCase(label, r);
            }
        }
        assertEquals(0, context.clients().connectionCount(), "every connection counted out");
        System.out.println("LoginFuzzTest: " + CASES + " cases, seed " + SEED + ", outcomes " + new java.util.TreeMap<>(OUTCOMES));
        checkLeakDetector();
    }

    /** Each input is written in random pieces; the checks run once all were written or the channel closed. */
    private Run runCase(String label, Random r, List<byte[]> inputs) {
        Run run = new Run(label, context);
        try {
            for (byte[] in : inputs) {
                run.feed(r, in);
            }
            run.check();
        } finally {
            run.finish();
        }
        return run;
    }

    /** A SCRAM login played properly up to the client's final message, which is mutated (or not). */
    private void runScramCase(String label, Random r) throws Exception {
        Run run = new Run(label + " scram", context);
        try {
            run.feed(r, Seeds.startup("scram", "nodb", 3 << 16));
            ScramClientSession scram = new ScramClientSession("secret", new SecureRandom());
            byte[] first = scram.clientFirstMessage();
            run.feed(r, Seeds.saslInitial("SCRAM-SHA-256", first).bytes());
            byte[] serverFirst = run.lastAuthData(11);
            byte[] clientFinal = scram.handleServerFirst(serverFirst);
            Seed fin = Seeds.password(clientFinal, false);
            boolean mutate = r.nextInt(5) > 0;
            run.feed(r, mutate ? Mutator.mutate(r, fin, List.of(fin)) : fin.bytes());
            if (!mutate) {
                assertEquals("3D000", run.lastError().code(), label + ": a good login reaches the pool lookup");
            }
            run.check();
        } finally {
            run.finish();
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(3000) : r.nextInt(40)];
        r.nextBytes(b);
        if (b.length >= 8 && r.nextBoolean()) {
            // a plausible length and a known code, so the random tail reaches the decoders behind
            int[] codes = {StartupCodes.PROTOCOL_3_0, StartupCodes.SSL_REQUEST, StartupCodes.CANCEL_REQUEST,
                    StartupCodes.GSSENC_REQUEST, (3 << 16) | 2, 2 << 16};
            Unpooled.wrappedBuffer(b).setInt(0, 8 + r.nextInt(Math.max(1, b.length - 7)))
                    .setInt(4, codes[r.nextInt(codes.length)]);
        }
        return b;
    }

    /** Provokes the leak detector's reports of anything collected unreleased, and fails on any. */
    private static void checkLeakDetector() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 100; j++) {
                UnpooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        assertEquals(List.of(), LEAK_LOG.messages(), "ResourceLeakDetector reports");
    }

    /** One connection: the channel, what was fed to it and what came out. */
    static final class Run {
        final String label;
        final TrackingAllocator alloc = new TrackingAllocator();
        final EmbeddedChannel ch;
        final List<ByteBuf> inputs = new ArrayList<>();
        final java.io.ByteArrayOutputStream fed = new java.io.ByteArrayOutputStream();
        final List<Out> out = new ArrayList<>();
        /** SQLSTATE of the error that closed the channel, "cancel", or "wait" (auth_timeout had to close it). */
        String outcome;

        Run(String label, SessionContext context) {
            this.label = label;
            LOGIN_LOG.clear();
            ch = EmbeddedChannel.builder().register(false)
                    .handlers(new StartupPacketDecoder(), new LoginHandler(context)).build();
            ch.config().setAllocator(alloc);
            try {
                ch.register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ch.freezeTime();
        }

        void feed(Random r, byte[] bytes) {
            int pos = 0;
            while (pos < bytes.length && ch.isActive()) {
                int left = bytes.length - pos;
                int n = r.nextInt(3) == 0 ? left : 1 + r.nextInt(Math.min(left, r.nextBoolean() ? 8 : 200));
                ByteBuf in = Unpooled.buffer(n).writeBytes(bytes, pos, n);
                inputs.add(in);
                fed.write(bytes, pos, n);
                pos += n;
                ch.writeInbound(in);
                ch.runPendingTasks();
                drain();
                noEscapedException();
            }
        }

        void drain() {
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                b.release();
                parse(bytes);
            }
        }

        private void parse(byte[] bytes) {
            if (bytes.length == 1 && bytes[0] == 'N') {
                out.add(new Out('N', bytes));
                return;
            }
            if (new String(bytes, StandardCharsets.ISO_8859_1).startsWith("EFATAL:")) {
                assertEquals(0, bytes[bytes.length - 1], where("protocol 2 error ends with NUL"));
                out.add(new Out('2', bytes));
                return;
            }
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            while (b.isReadable()) {
                assertTrue(b.readableBytes() >= 5, where("whole message headers out"));
                char type = (char) b.getByte(b.readerIndex());
                int len = b.getInt(b.readerIndex() + 1);
                assertTrue(len >= 4 && len + 1 <= b.readableBytes(), where("whole messages out"));
                byte[] msg = new byte[len + 1];
                b.readBytes(msg);
                out.add(new Out(type, msg));
            }
        }

        void noEscapedException() {
            try {
                ch.checkException();
            } catch (Throwable t) {
                throw new AssertionError(where("exception reached the pipeline's tail"), t);
            }
            if (!LOGIN_LOG.messages().isEmpty()) {
                fail(where("exception caught by the login handler: " + LOGIN_LOG.messages()));
            }
        }

        /** The data of the last authentication request, which must be of this code. */
        byte[] lastAuthData(int code) {
            Out last = out.get(out.size() - 1);
            assertEquals('R', last.type(), where("an authentication request"));
            ByteBuf b = Unpooled.wrappedBuffer(last.bytes());
            assertEquals(code, b.getInt(5), where("authentication code"));
            return Arrays.copyOfRange(last.bytes(), 9, last.bytes().length);
        }

        PgError lastError() {
            Out last = out.get(out.size() - 1);
            assertEquals('E', last.type(), where("an ErrorResponse last"));
            return last.error();
        }

        void check() {
            noEscapedException();
            Out lastOut = out.isEmpty() ? null : out.get(out.size() - 1);
            OUTCOMES.merge((ch.isActive() ? "open " : "closed ") + (lastOut == null ? "-" : lastOut.type() == 'E'
                    ? lastOut.error().code() : String.valueOf(lastOut.type())), 1, Integer::sum);
            outcome = ch.isActive() ? "wait" : sentCancel() ? "cancel" : lastOut != null && lastOut.type() == 'E'
                    ? lastOut.error().code() : lastOut != null && lastOut.type() == '2' ? "08P01" : "?";
            for (Out o : out) {
                if (o.type() == 'E') {
                    PgError e = o.error();
                    assertEquals("FATAL", e.severity(), where("login errors are FATAL"));
                    assertEquals(5, e.code().length(), where("a SQLSTATE"));
                }
            }
            if (ch.isActive()) {
                long held = alloc.held();
                assertTrue(held <= MAX_HELD, where("a waiting client holds " + held + " bytes"));
                ch.advanceTimeBy(6, TimeUnit.SECONDS);
                ch.runScheduledPendingTasks();
                ch.runPendingTasks();
                drain();
                noEscapedException();
                assertFalse(ch.isActive(), where("auth_timeout closes a client that is still logging in"));
                assertEquals("57014", lastError().code(), where("auth_timeout's error"));
            } else if (!sentCancel()) {
                assertFalse(out.isEmpty(), where("closed without an answer"));
                char last = out.get(out.size() - 1).type();
                assertTrue(last == 'E' || last == '2', where("closed after an ErrorResponse, not '" + last + "'"));
            }
        }

        /** Whether the bytes fed, read as PostgreSQL would, begin with SSL/GSS requests and a cancel request. */
        private boolean sentCancel() {
            ByteBuf fed = Unpooled.wrappedBuffer(this.fed.toByteArray());
            int pos = 0;
            while (fed.writerIndex() - pos >= 8) {
                int len = fed.getInt(pos);
                int code = fed.getInt(pos + 4);
                if (len == 8 && (code == StartupCodes.SSL_REQUEST || code == StartupCodes.GSSENC_REQUEST)) {
                    pos += 8;
                    continue;
                }
                return len == 16 && code == StartupCodes.CANCEL_REQUEST && fed.writerIndex() - pos >= 16;
            }
            return false;
        }

        void finish() {
            ch.finishAndReleaseAll();
            drain();
            for (ByteBuf in : inputs) {
                assertEquals(0, in.refCnt(), where("an input buffer was not released"));
            }
            long held = alloc.held();
            assertEquals(0, held, where("buffers the pipeline allocated are still held"));
        }

        String where(String what) {
            return label + ": " + what + "; input " + HexFormat.of().formatHex(fed.toByteArray(), 0,
                    Math.min(fed.size(), 2000)) + "; output " + out;
        }
    }

    record Out(char type, byte[] bytes) {
        PgError error() {
            return ErrorFields.parse(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        }

        @Override
        public String toString() {
            return type == 'E' ? "E" + error() : String.valueOf(type);
        }
    }

    /** A valid byte sequence and where its int32 length fields are, for the mutator. */
    record Seed(String name, byte[] bytes, int[] lengthOffsets, String expect) {
        Seed(String name, byte[] bytes, int[] lengthOffsets) {
            this(name, bytes, lengthOffsets, null);
        }

        /** The same bytes, expected to end so when sent unchanged. */
        Seed expecting(String outcome) {
            return new Seed(name, bytes, lengthOffsets, outcome);
        }

        Seed then(Seed next) {
            byte[] b = Arrays.copyOf(bytes, bytes.length + next.bytes.length);
            System.arraycopy(next.bytes, 0, b, bytes.length, next.bytes.length);
            int[] offsets = Arrays.copyOf(lengthOffsets, lengthOffsets.length + next.lengthOffsets.length);
            for (int i = 0; i < next.lengthOffsets.length; i++) {
                offsets[lengthOffsets.length + i] = next.lengthOffsets[i] + bytes.length;
            }
            return new Seed(name + "+" + next.name, b, offsets, null);
        }
    }

    static final class Seeds {
        static List<Seed> all() {
            byte[] md5 = ("md5" + "0123456789abcdef0123456789abcdef").getBytes(StandardCharsets.US_ASCII);
            byte[] scramFirst = "n,,n=,r=fyko+d2lbbFgONRv9qkxdawL".getBytes(StandardCharsets.US_ASCII);
            byte[] scramFinal = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
                    .getBytes(StandardCharsets.US_ASCII);
            Seed query = typed('Q', "SELECT 1\0".getBytes(StandardCharsets.US_ASCII), "Q");
            Seed sync = typed('S', new byte[0], "S");
            Seed parse = typed('P', "\0SELECT $1\0\0\0".getBytes(StandardCharsets.US_ASCII), "P");
            return List.of(
                    seed("open", startup("open", "app", 3 << 16)).expecting("3D000"),
                    seed("open-v3.2", startupWith(3 << 16 | 2, "user", "open", "_pq_.x", "y", "options",
                            "-c search_path=a\\ b --application_name=z")).expecting("3D000"),
                    seed("legacy", startup("open", "app", 2 << 16)).expecting("08P01"),
                    seed("no-user", startupWith(3 << 16, "database", "app")).expecting("28000"),
                    seed("replication", startupWith(3 << 16, "user", "open", "replication", "true")).expecting("08P01"),
                    seed("clear", startup("clear", "app", 3 << 16)).then(password("secret".getBytes(), true)).expecting("3D000"),
                    seed("clear-wrong", startup("clear", "app", 3 << 16)).then(password("nope".getBytes(), true)).expecting("28P01"),
                    seed("md5", startup("md5user", "app", 3 << 16)).then(password(md5, true)).expecting("28P01"),
                    seed("scram", startup("scram", "app", 3 << 16)).then(saslInitial("SCRAM-SHA-256", scramFirst))
                            .then(password(scramFinal, false)),
                    seed("scram-unknown", startup("nobody", "app", 3 << 16))
                            .then(saslInitial("SCRAM-SHA-256", scramFirst)),
                    seed("scram-mech", startup("scram", "app", 3 << 16)).then(saslInitial("PLAIN", scramFirst)).expecting("08P01"),
                    ssl().then(seed("open", startup("open", "nodb", 3 << 16))).expecting("3D000"),
                    gss().then(ssl()).then(seed("clear", startup("clear", "app", 3 << 16)))
                            .then(password("secret".getBytes(), true)).expecting("3D000"),
                    cancel().expecting("cancel"),
                    ssl().then(cancel()).expecting("cancel"),
                    seed("open", startup("open", "nodb", 3 << 16)).then(query).then(sync).expecting("3D000"),
                    seed("clear", startup("clear", "nodb", 3 << 16)).then(password("secret".getBytes(), true))
                            .then(parse).then(sync).then(query).expecting("3D000"),
                    seed("clear", startup("clear", "nodb", 3 << 16)).then(query).expecting("08P01"));
        }

        static Seed seed(String name, byte[] packet) {
            return new Seed(name, packet, new int[]{0});
        }

        static Seed ssl() {
            return new Seed("ssl", ints(8, StartupCodes.SSL_REQUEST), new int[]{0});
        }

        static Seed gss() {
            return new Seed("gss", ints(8, StartupCodes.GSSENC_REQUEST), new int[]{0});
        }

        static Seed cancel() {
            return new Seed("cancel", ints(16, StartupCodes.CANCEL_REQUEST, 1234, 5678), new int[]{0});
        }

        private static byte[] ints(int... values) {
            ByteBuf b = Unpooled.buffer();
            for (int v : values) {
                b.writeInt(v);
            }
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        }

        static byte[] startup(String user, String database, int version) {
            return startupWith(version, "user", user, "database", database);
        }

        static byte[] startupWith(int version, String... keysAndValues) {
            ByteBuf b = Unpooled.buffer().writeInt(0).writeInt(version);
            for (String s : keysAndValues) {
                b.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
            }
            b.writeByte(0);
            b.setInt(0, b.writerIndex());
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        }

        static Seed typed(char type, byte[] body, String name) {
            ByteBuf b = Unpooled.buffer().writeByte(type).writeInt(4 + body.length).writeBytes(body);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return new Seed(name, out, new int[]{1});
        }

        static Seed password(byte[] payload, boolean cString) {
            byte[] body = cString ? Arrays.copyOf(payload, payload.length + 1) : payload;
            return typed('p', body, "p");
        }

        static Seed saslInitial(String mechanism, byte[] data) {
            ByteBuf b = Unpooled.buffer().writeBytes(mechanism.getBytes(StandardCharsets.US_ASCII)).writeByte(0)
                    .writeInt(data.length).writeBytes(data);
            byte[] body = new byte[b.readableBytes()];
            b.readBytes(body);
            Seed s = typed('p', body, "sasl-initial");
            return new Seed(s.name(), s.bytes(), new int[]{1, 5 + mechanism.length() + 1});
        }
    }

    static final class Mutator {
        private static final int[] LENGTHS = {0, -1, 4, 8, 9, 16, 0x7fffffff, 0x40000000, Integer.MIN_VALUE,
                StartupCodes.MAX_STARTUP_PACKET_LENGTH, StartupCodes.MAX_STARTUP_PACKET_LENGTH + 1, 65536, 65537};

        static byte[] mutate(Random r, Seed seed, List<Seed> others) {
            byte[] b = seed.bytes().clone();
            int rounds = 1 + r.nextInt(r.nextInt(4) == 0 ? 8 : 3);
            for (int i = 0; i < rounds; i++) {
                b = once(r, b, seed, others);
            }
            return b;
        }

        private static byte[] once(Random r, byte[] b, Seed seed, List<Seed> others) {
            if (b.length == 0) {
                return others.get(r.nextInt(others.size())).bytes().clone();
            }
            switch (r.nextInt(9)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncation
                case 3 -> { // a length field set to a boundary value
                    int at = seed.lengthOffsets()[r.nextInt(seed.lengthOffsets().length)];
                    if (at + 4 <= b.length) {
                        int old = Unpooled.wrappedBuffer(b).getInt(at);
                        int v = r.nextInt(4) == 0 ? old + r.nextInt(9) - 4 : LENGTHS[r.nextInt(LENGTHS.length)];
                        Unpooled.wrappedBuffer(b).setInt(at, v);
                    }
                }
                case 4 -> { // delete a range
                    int from = r.nextInt(b.length);
                    int to = from + r.nextInt(Math.min(16, b.length - from) + 1);
                    byte[] c = new byte[b.length - (to - from)];
                    System.arraycopy(b, 0, c, 0, from);
                    System.arraycopy(b, to, c, from, b.length - to);
                    b = c;
                }
                case 5 -> { // insert random bytes
                    byte[] ins = new byte[1 + r.nextInt(r.nextInt(8) == 0 ? 5000 : 16)];
                    r.nextBytes(ins);
                    b = insert(b, r.nextInt(b.length + 1), ins);
                }
                case 6 -> { // repeat a range
                    int from = r.nextInt(b.length);
                    int n = 1 + r.nextInt(b.length - from);
                    b = insert(b, r.nextInt(b.length + 1), Arrays.copyOfRange(b, from, from + n));
                }
                case 7 -> { // append another valid sequence
                    byte[] other = others.get(r.nextInt(others.size())).bytes();
                    b = insert(b, b.length, other);
                }
                default -> { // an interesting int anywhere
                    if (b.length >= 4) {
                        Unpooled.wrappedBuffer(b).setInt(r.nextInt(b.length - 3), LENGTHS[r.nextInt(LENGTHS.length)]);
                    }
                }
            }
            return b;
        }

        private static byte[] insert(byte[] b, int at, byte[] ins) {
            byte[] c = new byte[b.length + ins.length];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(ins, 0, c, at, ins.length);
            System.arraycopy(b, at, c, at + ins.length, b.length - at);
            return c;
        }
    }

    /** Collects the records one JDK logger publishes at or above a level. */
    static final class LogCapture extends Handler {
        private final Logger logger;
        private final Level level;
        private final String containing;
        private Level oldLevel;
        private final List<String> messages = new ArrayList<>();

        LogCapture(String name, Level level, String containing) {
            this.logger = Logger.getLogger(name);
            this.level = level;
            this.containing = containing;
        }

        void install() {
            oldLevel = logger.getLevel();
            if (oldLevel == null || oldLevel.intValue() > level.intValue()) {
                logger.setLevel(level);
            }
            logger.addHandler(this);
            logger.setUseParentHandlers(false); // 20000 logins' worth of INFO lines help nobody
        }

        void uninstall() {
            logger.removeHandler(this);
            logger.setLevel(oldLevel);
            logger.setUseParentHandlers(true);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            String m = record.getMessage();
            if (record.getLevel().intValue() >= level.intValue() && m != null && m.contains(containing)) {
                messages.add(record.getThrown() == null ? m : m + " " + record.getThrown());
            }
        }

        synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        synchronized void clear() {
            messages.clear();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
