package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The worker event loops, numbered, so each pool can keep one partition per loop. */
public final class LoopIndex {
    private final List<EventLoop> loops = new ArrayList<>();
    private final Map<EventExecutor, Integer> index = new IdentityHashMap<>();

    public LoopIndex(EventLoopGroup group) {
        for (EventExecutor e : group) {
            index.put(e, loops.size());
            loops.add((EventLoop) e);
        }
    }

    public int size() {
        return loops.size();
    }

    public EventLoop loop(int i) {
        return loops.get(i);
    }

    public int indexOf(EventLoop loop) {
        Integer i = index.get(loop);
        if (i == null) {
            throw new IllegalArgumentException("not a worker event loop: " + loop);
        }
        return i;
    }
}
