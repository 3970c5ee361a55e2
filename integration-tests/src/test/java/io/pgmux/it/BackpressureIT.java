package io.pgmux.it;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves backpressure in both directions, by watching the Netty allocators of the pgmux running in
 * this JVM (the proxy allocates from {@link ByteBufAllocator#DEFAULT}; the pooled allocator is
 * watched too in case it is in use):
 * <ul>
 *   <li>server to client: a raw client reads a ~300 MB result (300,000 rows of 1,000 bytes, simple
 *       protocol) slowly, 64 KiB at a time with pauses, so the TCP window fills. pgmux's buffer
 *       memory stays under 16 MiB, PostgreSQL is seen waiting on {@code ClientWrite} (pgmux stopped
 *       reading from it), and every row arrives intact;</li>
 *   <li>client to server: a client streams ~120 MB of COPY data while PostgreSQL cannot take it
 *       (the table is locked by another transaction). The client's writes stall instead of piling
 *       up in pgmux, memory stays under 16 MiB, and after the lock is released all rows arrive.</li>
 * </ul>
 */
class BackpressureIT {
    private static final String DB = "backpressure_it";
    private static final String USER = "backpressure_user";
    private static final long LIMIT = 16L * 1024 * 1024;

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE UNLOGGED TABLE sink(id int, payload text)", "GRANT ALL ON sink TO " + USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).serverUserOnly().user("{ name: raw, password: raw, auth: password }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    /** Samples the allocators' used memory every 5 ms on its own thread; keeps the maxima. */
    static final class AllocatorWatch implements AutoCloseable {
        final AtomicLong maxDefault = new AtomicLong();
        final AtomicLong maxPooled = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        AllocatorWatch() {
            ByteBufAllocatorMetric defaultMetric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
                thread = new Thread(() -> {
                while (running.get()) {
                    maxDefault.accumulateAndGet(defaultMetric.usedDirectMemory() + defaultMetric.usedHeapMemory(), Math::max);
                    // pinned = bytes in live buffers; "used" counts whole 16 MiB arena chunks, however little is in them
                    maxPooled.accumulateAndGet(PooledByteBufAllocator.DEFAULT.pinnedDirectMemory()
                            + PooledByteBufAllocator.DEFAULT.pinnedHeapMemory(), Math::max);
                    samples.incrementAndGet();
                    Eventually.pause(5);
                }
            }, "allocator-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(2_000);
        }

        void assertBounded(String what) {
            String report = String.format("%s: max used %,d bytes (default allocator %s), %,d bytes pinned (pooled), %d samples",
                    what, maxDefault.get(), ByteBufAllocator.DEFAULT.getClass().getSimpleName(), maxPooled.get(), samples.get());
            System.out.println("BackpressureIT " + report);
            assertTrue(samples.get() > 10, report);
            // the metric does see pgmux's buffers (a watch that reads 0 proves nothing)
            assertTrue(maxDefault.get() + maxPooled.get() > 0, report);
            assertTrue(maxDefault.get() < LIMIT, report);
            assertTrue(maxPooled.get() < LIMIT, report);
        }
    }

    @Test
    void slowReaderOfAHugeResultDoesNotGrowTheProxy() throws Exception {
        final int rows = 300_000;
        final int width = 1_000;
        String marker = "backpressure-read";
        AtomicBoolean sawClientWrite = new AtomicBoolean();
        AtomicBoolean watching = new AtomicBoolean(true);
        // PostgreSQL waiting on ClientWrite means pgmux stopped reading from it: backpressure reached the server
        CompletableFuture<Void> waitEvents = CompletableFuture.runAsync(() -> {
            try (Connection su = pg.superuser(DB); Statement st = su.createStatement()) {
                while (watching.get() && !sawClientWrite.get()) {
                    try (var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientWrite'"
                            + " AND query LIKE '%" + marker + "%' AND pid <> pg_backend_pid()")) {
                        rs.next();
                        if (rs.getInt(1) > 0) {
                            sawClientWrite.set(true);
                        }
                    }
                    Eventually.pause(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        long dataRows = 0;
        long totalLength = 0;
        boolean allX = true;
        String tag = null;
        try (RawPg c = RawPg.connect(pgmux.port()); AllocatorWatch watch = new AllocatorWatch()) {
            c.login("raw", DB, "raw");
            c.send(RawPg.query("SELECT repeat('x', " + width + ") FROM generate_series(1, " + rows + ") /* " + marker + " */"));
            long consumedSincePause = 0;
            for (;;) {
                RawPg.Message m = c.readMessage();
                assertNotNull(m, "connection closed in the middle of the result");
                consumedSincePause += m.body().length + 5;
                if (consumedSincePause >= 64 * 1024) {
                    consumedSincePause = 0;
                    Eventually.pause(1); // pacing: a reader much slower than PostgreSQL, so windows fill up
                }
                if (m.type() == 'D') {
                    dataRows++;
                    ByteBuffer b = ByteBuffer.wrap(m.body());
                    assertEquals(1, b.getShort());
                    int len = b.getInt();
                    totalLength += len;
                    byte[] body = m.body();
                    for (int i = 6; i < body.length; i++) {
                        allX &= body[i] == 'x';
                    }
                } else if (m.type() == 'C') {
                    tag = new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8);
                } else if (m.type() == 'E') {
                    throw new AssertionError("query failed: " + m.error());
                } else if (m.type() == 'Z') {
                    break;
                }
            }
            watch.close();
            watch.assertBounded("slow reader of " + ((long) rows * width >> 20) + " MiB");
        } finally {
            watching.set(false);
            waitEvents.get(5, TimeUnit.SECONDS);
        }
        assertEquals("SELECT " + rows, tag);
        assertEquals(rows, dataRows, "rows received");
        assertEquals((long) rows * width, totalLength, "bytes of data received");
        assertTrue(allX, "every byte of every value is intact");
        assertTrue(sawClientWrite.get(), "PostgreSQL was never seen blocked on ClientWrite: pgmux read everything the server sent");
    }

    @Test
    void fastWriterToABlockedServerStalls() throws Exception {
        final int rows = 120_000;
        String payload = "y".repeat(1_000);
        pg.sql(DB, "TRUNCATE sink");
        try (Connection locker = pg.superuser(DB); Statement lock = locker.createStatement();
             RawPg c = RawPg.connect(pgmux.port())) {
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE sink IN ACCESS EXCLUSIVE MODE"); // COPY cannot start until this commits
            c.login("raw", DB, "raw");

            AtomicLong written = new AtomicLong();
            AllocatorWatch watch = new AllocatorWatch();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = new BufferedOutputStream(c.socket().getOutputStream(), 64 * 1024);
                    out.write(RawPg.query("COPY sink FROM STDIN"));
                    // CopyData sent right behind the query: PostgreSQL reads it once COPY has started
                    for (int i = 0; i < rows; i++) {
                        byte[] line = (i + "\t" + payload + "\n").getBytes(StandardCharsets.US_ASCII);
                        out.write(RawPg.message('d', line));
                        written.addAndGet(line.length + 5);
                    }
                    out.write(RawPg.message('c', new byte[0]));
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                // while the table is locked, the writer must stall after a bounded amount
                Eventually.pause(2_000); // pacing: give a writer without backpressure time to push everything
                long duringLock = written.get();
                assertTrue(!writer.isDone(), "the writer finished while PostgreSQL could not accept its data");
                System.out.printf("BackpressureIT writer stalled after %,d of %,d bytes%n", duringLock, (long) rows * (payload.length() + 12));
                assertTrue(duringLock < 64L * 1024 * 1024, "the writer pushed " + duringLock + " bytes into a blocked server");
            } finally {
                locker.commit();
            }
            writer.get(60, TimeUnit.SECONDS);
            List<RawPg.Message> done = c.readUntilReady();
            watch.close();
            assertEquals("COPY " + rows, done.stream().filter(m -> m.type() == 'C').findFirst()
                    .map(m -> new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8)).orElse(RawPg.describe(done)));
            watch.assertBounded("fast writer of " + ((long) rows * payload.length() >> 20) + " MiB");
        }
        assertEquals(Integer.toString(rows), pg.queryString(DB, "SELECT count(*) FROM sink WHERE length(payload) = 1000"));
    }
}
