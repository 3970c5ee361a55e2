package io.pgmux.metrics;

import io.pgmux.health.BackendStatus;
import io.pgmux.health.Readiness;

/** The few JSON bodies of the health endpoints, written by hand (no JSON library needed). */
final class Json {
    private Json() {
    }

    /** {@code {"status":"ready"|"not ready","reasons":[...],"backends":[{...}]}}. */
    static String readiness(Readiness.Report r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"status\":").append(quote(r.ready() ? "ready" : "not ready")).append(",\"reasons\":[");
        for (int i = 0; i < r.reasons().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(r.reasons().get(i)));
        }
        sb.append("],\"backends\":[");
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

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
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
        return sb.append('"').toString();
    }
}
