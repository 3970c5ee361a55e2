package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.auth.Md5Auth;
import io.pgmux.auth.ScramClientSession;
import io.pgmux.backend.ServerConnector;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.StartupPacketDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login state machine on an EmbeddedChannel: authentication methods, wrong passwords, unknown
 * users and databases, limits. The pool lookup of the fake context refuses every database, so a
 * successful login ends in AuthenticationOk followed by 3D000.
 */
class LoginHandlerTest {
    private static final String CONFIG = """
            limits: { max_client_connections: 2 }
            users:
              - { name: scram, password: secret }
              - { name: md5user, password: secret, auth: md5 }
              - { name: clear, password: secret, auth: password }
              - { name: open, auth: trust }
            databases:
              app: { primary: postgres://x:y@127.0.0.1:1/app }
            """;

    private EmbeddedChannel ch;
    private FakeContext context = new FakeContext();

    /** One message read back from the proxy. */
    record Msg(char type, ByteBuf body) {
        int authCode() {
            return body.getInt(0);
        }

        PgError error() {
            ByteBuf whole = Unpooled.buffer().writeByte(type).writeInt(body.readableBytes() + 4).writeBytes(body.duplicate());
            try {
                return ErrorFields.parse(whole, 0, whole.readableBytes());
            } finally {
                whole.release();
            }
        }
    }

    static final class FakeContext implements SessionContext {
        final ProxyConfig config;
        final ClientRegistry clients = new ClientRegistry();

        FakeContext() {
            this(CONFIG);
        }

        FakeContext(String yaml) {
            try {
                config = ConfigLoader.parse(yaml, "<test>");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public ProxyConfig config() {
            return config;
        }

        @Override
        public Pool pool(String database, UserConfig user) {
            throw new PgException(PgError.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist"));
        }

        @Override
        public Pool pool(String database, UserConfig user, io.pgmux.routing.Backend backend) {
            return pool(database, user);
        }

        @Override
        public java.util.List<io.pgmux.routing.Cluster> clusters(String database) {
            return java.util.List.of();
        }

        @Override
        public io.pgmux.sharding.ShardedDatabase sharding(String database) {
            return null;
        }

        @Override
        public CancelRegistry cancels() {
            return new CancelRegistry();
        }

        @Override
        public ClientRegistry clients() {
            return clients;
        }

        @Override
        public ServerConnector connector() {
            return null;
        }

        @Override
        public boolean shuttingDown() {
            return false;
        }

        @Override
        public void startAdminSession(Channel channel, String user) {
            throw new UnsupportedOperationException();
        }
    }

    private EmbeddedChannel open() {
        ch = new EmbeddedChannel(new StartupPacketDecoder(), new LoginHandler(context));
        return ch;
    }

    @AfterEach
    void finish() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    private static ByteBuf startup(String user, String database) {
        ByteBuf b = Unpooled.buffer().writeInt(0).writeInt(3 << 16);
        for (String s : new String[]{"user", user, "database", database}) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        }
        b.writeByte(0);
        b.setInt(0, b.writerIndex());
        return b;
    }

    private static ByteBuf password(byte[] payload, boolean cString) {
        ByteBuf b = Unpooled.buffer().writeByte('p').writeInt(0).writeBytes(payload);
        if (cString) {
            b.writeByte(0);
        }
        b.setInt(1, b.writerIndex() - 1);
        return b;
    }

    private List<Msg> read() {
        List<Msg> out = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        while (all.readableBytes() >= 5) {
            char type = (char) all.readByte();
            int len = all.readInt();
            out.add(new Msg(type, all.readBytes(len - 4)));
        }
        all.release();
        return out;
    }

    @Test
    void scramLoginThenUnknownDatabase() throws Exception {
        open().writeInbound(startup("scram", "nodb"));
        List<Msg> m = read();
        assertEquals('R', m.get(0).type());
        assertEquals(10, m.get(0).authCode(), "AuthenticationSASL");
        ScramClientSession scram = new ScramClientSession("secret", new SecureRandom());
        byte[] first = scram.clientFirstMessage();
        ByteBuf initial = Unpooled.buffer().writeBytes("SCRAM-SHA-256".getBytes()).writeByte(0).writeInt(first.length).writeBytes(first);
        ch.writeInbound(password(bytes(initial), false));
        m = read();
        assertEquals(11, m.get(0).authCode(), "AuthenticationSASLContinue");
        byte[] clientFinal = scram.handleServerFirst(bytes(m.get(0).body().skipBytes(4)));
        ch.writeInbound(password(clientFinal, false));
        m = read();
        assertEquals(12, m.get(0).authCode(), "AuthenticationSASLFinal");
        scram.verifyServerFinal(bytes(m.get(0).body().skipBytes(4)));
        assertEquals(0, m.get(1).authCode(), "AuthenticationOk");
        assertEquals('E', m.get(2).type());
        assertEquals("3D000", m.get(2).error().code());
        assertEquals("database \"nodb\" does not exist", m.get(2).error().message());
        assertFalse(ch.isActive(), "closed after the error");
        release(m);
    }

    @Test
    void scramWrongPasswordAndUnknownUserLookTheSame() throws Exception {
        for (String user : new String[]{"scram", "nobody"}) {
            open().writeInbound(startup(user, "app"));
            release(read());
            ScramClientSession scram = new ScramClientSession("wrong", new SecureRandom());
            byte[] first = scram.clientFirstMessage();
            ByteBuf initial = Unpooled.buffer().writeBytes("SCRAM-SHA-256".getBytes()).writeByte(0).writeInt(first.length).writeBytes(first);
            ch.writeInbound(password(bytes(initial), false));
            List<Msg> m = read();
            ch.writeInbound(password(scram.handleServerFirst(bytes(m.get(0).body().skipBytes(4))), false));
            release(m);
            m = read();
            assertEquals('E', m.get(0).type());
            assertEquals("28P01", m.get(0).error().code());
            assertEquals("password authentication failed for user \"" + user + "\"", m.get(0).error().message());
            assertEquals("FATAL", m.get(0).error().severity());
            release(m);
            ch.finishAndReleaseAll();
        }
        ch = null;
    }

    @Test
    void md5RightAndWrong() {
        for (String pw : new String[]{"secret", "wrong"}) {
            open().writeInbound(startup("md5user", "nodb"));
            List<Msg> m = read();
            assertEquals(5, m.get(0).authCode(), "AuthenticationMD5Password");
            byte[] salt = new byte[4];
            m.get(0).body().getBytes(4, salt);
            byte[] response = Md5Auth.response(Md5Auth.hash(pw, "md5user"), salt);
            ch.writeInbound(password(response, true));
            release(m);
            m = read();
            if (pw.equals("secret")) {
                assertEquals(0, m.get(0).authCode());
                assertEquals("3D000", m.get(1).error().code());
            } else {
                assertEquals("28P01", m.get(0).error().code());
            }
            release(m);
            ch.finishAndReleaseAll();
        }
        ch = null;
    }

    @Test
    void cleartextAndTrust() {
        open().writeInbound(startup("clear", "nodb"));
        List<Msg> m = read();
        assertEquals(3, m.get(0).authCode(), "AuthenticationCleartextPassword");
        ch.writeInbound(password("secret".getBytes(), true));
        release(m);
        m = read();
        assertEquals(0, m.get(0).authCode());
        release(m);
        ch.finishAndReleaseAll();
        open().writeInbound(startup("open", "nodb"));
        m = read();
        assertEquals(0, m.get(0).authCode(), "trust: AuthenticationOk at once");
        assertEquals("3D000", m.get(1).error().code());
        release(m);
    }

    /**
     * limits.auth_failure_delay: the refusal waits, the client is not read meanwhile (a second
     * attempt on the same connection changes nothing) and still counts as logging in.
     */
    @Test
    void aFailedLoginWaitsTheFailureDelay() {
        context = new FakeContext(CONFIG.replace("limits: { max_client_connections: 2 }",
                "limits: { max_client_connections: 2, auth_failure_delay: 2s }"));
        open().writeInbound(startup("clear", "app"));
        release(read());
        ch.writeInbound(password("wrong".getBytes(), true));
        assertTrue(read().isEmpty(), "no answer before the delay");
        assertTrue(ch.isActive());
        assertFalse(ch.config().isAutoRead(), "the client is not read while its refusal waits");
        assertEquals(1, context.clients.loggingInCount(), "still counted as logging in");
        ch.writeInbound(password("secret".getBytes(), true)); // bytes already in flight: ignored
        assertTrue(read().isEmpty());
        ch.advanceTimeBy(1900, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(read().isEmpty(), "1.9 s: still waiting");
        ch.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        List<Msg> m = read();
        assertEquals(1, m.size());
        assertEquals("28P01", m.get(0).error().code());
        assertEquals("password authentication failed for user \"clear\"", m.get(0).error().message());
        release(m);
        assertFalse(ch.isActive(), "closed after the refusal");
        assertEquals(0, context.clients.loggingInCount());
    }

    @Test
    void aFailedLoginIsLoggedWithUserAndAddressButNeverThePassword() {
        Logger log = Logger.getLogger(LoginHandler.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            open().writeInbound(startup("clear", "app")); // cleartext: the password itself comes over the wire
            release(read());
            ch.writeInbound(password("hunter2-wrong".getBytes(), true));
            List<Msg> m = read();
            assertEquals("28P01", m.get(0).error().code());
            release(m);
            assertEquals(1, records.size(), records.toString());
            LogRecord r = records.get(0);
            String line = new java.util.logging.SimpleFormatter().formatMessage(r);
            assertEquals(Level.INFO, r.getLevel());
            assertTrue(line.startsWith("authentication failed for user \"clear\" from " + ch.remoteAddress()), line);
            assertFalse(line.contains("hunter2"), line);
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void sslRequestIsDeclinedAndStartupContinues() {
        open().writeInbound(Unpooled.buffer().writeInt(8).writeInt(80877103));
        ByteBuf n = ch.readOutbound();
        assertEquals('N', n.readByte());
        n.release();
        ch.writeInbound(startup("open", "nodb"));
        List<Msg> m = read();
        assertEquals(0, m.get(0).authCode());
        release(m);
    }

    @Test
    void missingUserAndTooManyClients() {
        ByteBuf noUser = Unpooled.buffer().writeInt(9).writeInt(3 << 16).writeByte(0);
        open().writeInbound(noUser);
        List<Msg> m = read();
        assertEquals("28000", m.get(0).error().code());
        assertEquals("no PostgreSQL user name specified in startup packet", m.get(0).error().message());
        release(m);
        ch.finishAndReleaseAll();
        EmbeddedChannel a = new EmbeddedChannel(new StartupPacketDecoder(), new LoginHandler(context));
        EmbeddedChannel b = new EmbeddedChannel(new StartupPacketDecoder(), new LoginHandler(context));
        open().writeInbound(startup("open", "app"));
        m = read();
        assertEquals("53300", m.get(0).error().code());
        assertEquals("sorry, too many clients already", m.get(0).error().message());
        release(m);
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void hbaRejectsBeforeAuthentication() {
        context = new FakeContext(CONFIG + """
                hba:
                  - { user: open, database: app, action: allow }
                  - { user: clear, address: 10.0.0.0/8, action: allow }
                """);
        open().writeInbound(startup("clear", "app"));
        List<Msg> m = read();
        assertEquals('E', m.get(0).type(), "no password request: refused before authentication");
        assertEquals("28000", m.get(0).error().code());
        assertEquals("no pgmux.yaml hba entry for host \"embedded\", user \"clear\", database \"app\"",
                m.get(0).error().message());
        release(m);
        ch.finishAndReleaseAll();
        open().writeInbound(startup("open", "app"));
        m = read();
        assertEquals(0, m.get(0).authCode(), "the allowed user logs in");
        release(m);
    }

    @Test
    void connectionsStillLoggingInAreLimited() {
        context = new FakeContext(CONFIG.replace("max_client_connections: 2", "max_client_connections: 9, max_unauthenticated_connections: 1"));
        EmbeddedChannel idle = new EmbeddedChannel(new StartupPacketDecoder(), new LoginHandler(context));
        open();
        List<Msg> m = read();
        assertEquals("53300", m.get(0).error().code(), "refused before it sends anything");
        assertEquals("too many connections still authenticating", m.get(0).error().message());
        release(m);
        ch.writeInbound(startup("open", "app"));
        assertFalse(ch.isActive(), "closed once the client's first bytes are read");
        assertEquals(0, context.clients().connectionCount() - 1, "only the idle one is counted");
        idle.writeInbound(startup("open", "app")); // logged in (then refused by the fake pool lookup)
        idle.finishAndReleaseAll();
        assertEquals(0, context.clients().loggingInCount());
        open().writeInbound(startup("open", "app"));
        m = read();
        assertEquals(0, m.get(0).authCode(), "accepted once the others are gone");
        release(m);
    }

    @Test
    void startupAndPasswordInOneWrite() {
        ByteBuf both = startup("clear", "nodb").writeBytes(password("secret".getBytes(), true));
        open().writeInbound(both);
        List<Msg> m = read();
        assertEquals(3, m.get(0).authCode(), "AuthenticationCleartextPassword");
        assertEquals(0, m.get(1).authCode(), "the pipelined password is read");
        assertEquals("3D000", m.get(2).error().code());
        release(m);
    }

    @Test
    void passwordMessageOfTheWrongTypeIsAProtocolViolation() {
        open().writeInbound(startup("clear", "app"));
        release(read());
        ch.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(5).writeByte(0));
        List<Msg> m = read();
        assertEquals("08P01", m.get(0).error().code());
        assertEquals("expected password response, got message type 81", m.get(0).error().message());
        release(m);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        b.release();
        return out;
    }

    private static void release(List<Msg> m) {
        m.forEach(x -> {
            if (x.body().refCnt() > 0) {
                x.body().release();
            }
        });
    }
}
