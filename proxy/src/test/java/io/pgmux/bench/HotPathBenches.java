package io.pgmux.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/*
 * Runs the hot-path JMH benchmarks with the GC profiler (allocation per operation), about 3 min:
 *
 *   mvn -o -q -pl proxy -am -Pjmh -DskipTests -Djmh.main=io.pgmux.bench.HotPathBenches test
 *
 * By hand (after a test-compile), JMH command-line options go after the class name, e.g. one
 * benchmark class with longer iterations:
 *
 *   mvn -o -q -pl proxy dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp proxy/target/test-classes:proxy/target/classes:$(cat /tmp/cp.txt) io.pgmux.bench.HotPathBenches \
 *       -f 1 -wi 3 -i 5 -r 2s MessageFramerBench
 *
 * Results and how to read them: docs/benchmarks.md, "Hot-path microbenchmarks (JMH)".
 */
/** Entry point for the hot-path microbenchmarks: framer, ledger, prepared statements, SQL classifiers. */
public final class HotPathBenches {
    static final String[] CLASSES = {
        "io.pgmux.protocol.bench.MessageFramerBench",
        "io.pgmux.protocol.bench.ResponseLedgerBench",
        "io.pgmux.frontend.PreparedStatementsBench",
        "io.pgmux.routing.bench.SqlClassifierBench",
    };

    private HotPathBenches() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        if (cli.getIncludes().isEmpty()) {
            for (String c : CLASSES) {
                options.include(c.replace(".", "\\.") + "\\.");
            }
        }
        options.parent(cli);
        options.addProfiler(GCProfiler.class);
        new Runner(options.build()).run();
    }
}
