package io.pgmux.frontend;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Random;

/**
 * Coverage-guided fuzzing of the login pipeline (StartupPacketDecoder + LoginHandler) with Jazzer,
 * with the checks of {@link LoginFuzzTest}: no exception escapes to the pipeline, a closed channel
 * was answered, a waiting one holds bounded bytes and is closed by auth_timeout, every buffer is
 * released. In a normal build it replays its seed inputs
 * ({@code src/test/resources/io/pgmux/frontend/LoginJazzerFuzzTestInputs/loginPipeline}) and the
 * crashes Jazzer found before, as a regression test; {@code JAZZER_FUZZ=1 mvn -pl proxy -am test
 * -Dtest=LoginJazzerFuzzTest -Dsurefire.failIfNoSpecifiedTests=false} fuzzes for real, guided by
 * coverage, for {@code maxDuration}. The seeded {@link LoginFuzzTest} stays: it runs 20,000 mutated
 * cases in every build; Jazzer finds the inputs that reach new branches.
 */
class LoginJazzerFuzzTest {
    private static final LoginHandlerTest.FakeContext CONTEXT = new LoginHandlerTest.FakeContext(LoginFuzzTest.CONFIG);

    @BeforeAll
    static void listen() {
        LoginFuzzTest.listen();
    }

    @AfterAll
    static void stopListening() {
        LoginFuzzTest.stopListening();
    }

    /** The first 8 bytes choose how the rest is cut into reads; the rest is what the client sends. */
    @FuzzTest(maxDuration = "5m")
    void loginPipeline(FuzzedDataProvider data) {
        Random cuts = new Random(data.consumeLong());
        byte[] bytes = data.consumeRemainingAsBytes();
        LoginFuzzTest.Run run = new LoginFuzzTest.Run("jazzer input", CONTEXT);
        try {
            run.feed(cuts, bytes);
            run.check();
        } finally {
            run.finish();
        }
    }
}
