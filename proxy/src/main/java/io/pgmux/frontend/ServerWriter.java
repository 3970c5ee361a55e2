package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;

/** Writes towards the session's server in stream order: proxy-made messages and forwarded client bytes. */
interface ServerWriter {
    /** Writes a client message pgmux rewrote (after whatever client bytes are pending). */
    void write(ByteBuf message);

    /** Writes a request pgmux itself adds (a re-Parse, an eviction Close, an injected error). */
    void writeInjected(ByteBuf message);

    /** Forwards client bytes {@code buf[offset, offset+length)} unchanged. */
    void forward(ByteBuf buf, int offset, int length);
}
