package io.pgmux.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.Future;
import io.pgmux.config.HostPort;
import io.pgmux.health.Readiness;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The HTTP endpoint on {@code metrics.listen}: {@code GET /metrics} (Prometheus text format
 * 0.0.4), {@code GET /health/live} (the process answers) and {@code GET /health/ready}
 * (see {@link Readiness}; 503 with the reasons when not ready). Anything else is 404. Runs on one
 * event loop of its own.
 */
public final class MetricsServer {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The Prometheus scrape path. */
    public static final String METRICS_PATH = "/metrics";
    /** The liveness probe: 200 while the process answers. */
    public static final String LIVE_PATH = "/health/live";
    /** The readiness probe: 200 when pgmux should get traffic, 503 otherwise (docs/metrics.md). */
    public static final String READY_PATH = "/health/ready";
    private static final String JSON = "application/json";

    private final ProxyMetrics metrics;
    private final Readiness readiness;
    private EventLoopGroup group;
    private Channel listener;

    public MetricsServer(ProxyMetrics metrics, Readiness readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    public InetSocketAddress start(HostPort listen, EventLoopGroup acceptor, Function<Integer, EventLoopGroup> newGroup,
                                   Class<? extends ServerChannel> serverClass) throws InterruptedException {
        group = newGroup.apply(1);
        listener = new ServerBootstrap()
                .group(acceptor, group)
                .channel(serverClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler());
                    }
                })
                .bind(listen.host(), listen.port()).sync().channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        LOG.info(() -> "metrics and health endpoint listening on http://" + address.getHostString() + ":"
                + address.getPort() + METRICS_PATH);
        return address;
    }

    public InetSocketAddress address() {
        return listener == null ? null : (InetSocketAddress) listener.localAddress();
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean head = req.method().equals(HttpMethod.HEAD);
            if (!req.method().equals(HttpMethod.GET) && !head) {
                send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, JSON, "{\"error\":\"method not allowed\"}", keepAlive, head);
                return;
            }
            String path = new QueryStringDecoder(req.uri()).path();
            switch (path) {
                case METRICS_PATH -> {
                    Future<String> text = metrics.scrape();
                    text.addListener(f -> ctx.executor().execute(() -> {
                        if (text.isSuccess()) {
                            send(ctx, HttpResponseStatus.OK, PROMETHEUS_TEXT, text.getNow(), keepAlive, head);
                        } else {
                            send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, JSON,
                                    "{\"error\":" + Json.quote(String.valueOf(text.cause())) + "}", keepAlive, head);
                        }
                    }));
                }
                case LIVE_PATH -> send(ctx, HttpResponseStatus.OK, JSON, "{\"status\":\"up\"}", keepAlive, head);
                case READY_PATH -> {
                    Future<Readiness.Report> report = readiness.check();
                    report.addListener(f -> ctx.executor().execute(() -> {
                        Readiness.Report r = report.getNow();
                        send(ctx, r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                                Json.readiness(r), keepAlive, head);
                    }));
                }
                default -> send(ctx, HttpResponseStatus.NOT_FOUND, JSON, "{\"error\":\"not found\"}", keepAlive, head);
            }
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body,
                          boolean keepAlive, boolean head) {
            ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, head
                    ? body.getBytes(StandardCharsets.UTF_8).length : content.readableBytes());
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.fine(() -> "metrics client " + ctx.channel().remoteAddress() + ": " + cause);
            ctx.close();
        }
    }
}
