package io.pgmux.metrics;

import io.pgmux.health.BackendStatus;
import io.pgmux.health.Readiness;

/**
 * The few JSON bodies of the health endpoints, written by hand (no JSON library needed), and the
 * string quoting the JSON log format shares.
 */
public final class Json {
    private Json() {
    }

    /**
     * {@code {"status":"ready"|"degraded"|"not ready","reasons":[...],"degraded":[...],"backends":[{...}]}};
     * "degraded" (HTTP 200, still ready) lists databases whose primary is down while others serve.
     */
    static String readiness(Readiness.Report r) {
        StringBuilder sb = new StringBuilder(256);
        String status = !r.ready() ? "not ready" : r.degraded().isEmpty() ? "ready" : "degraded";
        sb.append("{\"status\":").append(quote(status)).append(",\"reasons\":");
        array(sb, r.reasons());
        if (!r.degraded().isEmpty()) {
            sb.append(",\"degraded\":");
            array(sb, r.degraded());
        }
        sb.append(",\"backends\":[");
        for (int i = 0; i < r.backends().size(); i++) {
            BackendStatus s = r.backends().get(i);
            sb.append(i == 0 ? "" : ",").append("{\"database\":").append(quote(s.database()))
                    .append(",\"role\":").append(quote(s.role().label()))
                    .append(",\"address\":").append(quote(s.address()))
                    .append(",\"health\":").append(quote(s.health().label()));
            if (s.error() != null) {
                sb.append(",\"error\":").append(quote(s.error()));
            }
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static void array(StringBuilder sb, java.util.List<String> items) {
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(items.get(i)));
        }
        sb.append(']');
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }

    /** Appends {@code s} as a JSON string literal: quoted, with quotes, backslashes and control characters escaped. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
