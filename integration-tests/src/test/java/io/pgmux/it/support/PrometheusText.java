package io.pgmux.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small parser for the Prometheus text exposition format 0.0.4: {@code # TYPE} lines and samples
 * {@code name{label="value",...} number}. Enough to check a scrape's names, types, labels and
 * values; strict about the syntax, so a malformed line fails the test that reads it.
 */
public final class PrometheusText {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /** GETs {@code http://127.0.0.1:port/path}. */
    public static HttpResponse<String> get(int port, String path) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        }
    }

    /** GETs and parses {@code /metrics}, failing unless it answers 200 with the text format. */
    public static PrometheusText scrape(int port) {
        HttpResponse<String> r = get(port, "/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                types.put(p[0], p[1]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(samples, types);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int end = line.lastIndexOf('}');
            String body = line.substring(brace + 1, end);
            int i = 0;
            while (i < body.length()) {
                int eq = body.indexOf('=', i);
                String key = body.substring(i, eq);
                if (body.charAt(eq + 1) != '"') {
                    throw new AssertionError("bad label in: " + line);
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; body.charAt(j) != '"'; j++) {
                    char c = body.charAt(j);
                    if (c == '\\') {
                        char n = body.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (i < body.length() && body.charAt(i) == ',') {
                    i++;
                }
            }
        } else {
            name = line.substring(0, space);
        }
        String number = line.substring(space + 1);
        double value = switch (number) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(number);
        };
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new AssertionError("bad metric name in: " + line);
        }
        return new Sample(name, labels, value);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The TYPE of a metric family (counter, gauge, histogram...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Samples of {@code name} whose labels include all of {@code labels} (key, value, key, value...). */
    public List<Sample> find(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && matches(s, labels)).toList();
    }

    /** The value of the one sample of {@code name} with these labels; fails unless there is exactly one. */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + name + " " + List.of(labels) + ", found " + found);
        }
        return found.get(0).value();
    }

    private static boolean matches(Sample s, String[] labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
