package io.pgmux.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, filtered into pgmux.properties by Maven. */
public final class Version {
    private Version() {
    }

    public static String get() {
        return properties().getProperty("version", "unknown");
    }

    public static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/pgmux.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown version is not worth failing for
        }
        return p;
    }
}
