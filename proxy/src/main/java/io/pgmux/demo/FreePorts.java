package io.pgmux.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port choice for local servers: a preferred port if it is free, else any free one. */
final class FreePorts {

    private FreePorts() {
    }

    /** An ephemeral port that was free a moment ago on 127.0.0.1. */
    static int any() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free TCP port on 127.0.0.1", e);
        }
    }

    /** {@code preferred} if it can be bound on 127.0.0.1 right now, otherwise {@link #any()}. */
    static int preferred(int preferred) {
        if (preferred > 0 && isFree(preferred)) {
            return preferred;
        }
        return any();
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same SO_REUSEADDR as PostgreSQL uses, so the answer matches what the server will see.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
