package io.nxs.core.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nxs.core.auth.ApiKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's port on Netty (ADR 0022): serves the {@link DirectPath}'s routes on a virtual thread
 * per request (a route with a loop handler on the connection's event loop first, ADR 0037) and
 * relays every other request, unchanged, to Javalin/Jetty listening on a Unix-domain socket only
 * the daemon can reach.
 *
 * <p>Design note: the gateway's {@code /v1/*} hop spent most of its CPU in Jetty's server layer;
 * Netty's HTTP codec on native epoll costs a fraction of it
 * (bench/results/2026-12-07-gateway-3.md), while the gateway's flow stays blocking on a virtual
 * thread, as written. Each downstream connection gets at its first relayed request one connection
 * to Jetty on the same event loop, opened with a PROXY protocol header that carries the client's
 * address (the gate's lockout and the lockdown policy depend on it; a header a client could forge
 * would not do), and closed with the downstream. Relayed objects flow both ways with auto-read
 * back-pressure; a direct stream blocks its virtual thread while the connection is not writable. A
 * connection serves one request at a time: a pipelined request waits, read, until the answer before
 * it has been written.
 *
 * <p>With {@code server.tls} the front speaks TLS (Netty's {@code SslHandler} on the JDK's
 * provider): a connection whose first bytes are not a TLS handshake is served plain only to be
 * answered 400 {@code https_required} and closed, as Jetty's TLS connector did; the hop to Jetty
 * carries the PROXY protocol's SSL field, so Jetty sees a relayed request as secure.
 */
final class NettyFront {

  private static final Logger LOG = LoggerFactory.getLogger(NettyFront.class);

  private static final HttpResponseStatus[] STATUSES = new HttpResponseStatus[600];

  static {
    for (int i = 100; i < STATUSES.length; i++) {
      STATUSES[i] = HttpResponseStatus.valueOf(i);
    }
  }

  /**
   * Seconds a connection may stay silent between requests before it is closed (Jetty's default idle
   * timeout, which closed it before the front); a request being answered is never cut by it.
   */
  private static final int IDLE_SECONDS = 30;

  /** The PROXY protocol v2 SSL field's bit for "the client connected over SSL/TLS". */
  private static final byte CLIENT_SSL = 0x01;

  /** A pool chunk is the 8 KiB page times 2 to this: 512 KiB. */
  private static final int CHUNK_ORDER = 6;

  private final DirectPath direct;
  private final Path jettySocket;
  private final String host;
  private final int port;
  private final int acceptQueue;
  private final List<Map.Entry<AsciiString, AsciiString>> securityHeaders;

  /**
   * One party per request in flight, and one for the front until {@link #close}: the phase ends,
   * and {@link #close} wakes, when the last request is done. A request is at most one per
   * connection, so the Phaser's 65,535 parties are 65,535 open connections (the daemon's file limit
   * comes first).
   */
  private final Phaser requests = new Phaser(1);

  private final SslContext tls;
  private final String httpsOnly;
  private final HttpDate date;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ByteBufAllocator allocator;
  private volatile boolean draining;
  private EventLoopGroup loops;
  private Channel listener;

  /**
   * @param tls the TLS context with {@code server.tls}, else null (plain HTTP)
   * @param httpsOnly the message for a plain-HTTP request on the TLS port
   * @param date the {@code Date} header of the front's own answers
   */
  NettyFront(
      DirectPath direct,
      String host,
      int port,
      int acceptQueue,
      Path jettySocket,
      SslContext tls,
      String httpsOnly,
      HttpDate date) {
    this.direct = direct;
    this.tls = tls;
    this.httpsOnly = httpsOnly;
    this.date = date;
    this.host = host;
    this.port = port;
    this.acceptQueue = acceptQueue;
    this.jettySocket = jettySocket;
    this.securityHeaders =
        direct.securityHeaders().entrySet().stream()
            .map(h -> Map.entry(AsciiString.cached(h.getKey()), AsciiString.cached(h.getValue())))
            .toList();
    // One direct arena, no heap arenas (the codec reads and writes direct buffers), 512 KiB chunks
    // instead of 4 MiB: the chunks are the resident memory the pool adds (an arena per event loop
    // with 1 MiB chunks held 4 MB at idle, one with 512 KiB chunks 0.6 MB), the event loops' own
    // caches take most allocations, and a larger buffer than a chunk is allocated unpooled. With
    // TLS one heap arena too: SslHandler on the JDK's engine wraps into heap buffers, which
    // unpooled were 43-47 KB allocated a proxied request against 25 KB pooled
    // (bench/results/2026-12-07-front.md).
    this.allocator =
        new PooledByteBufAllocator(
            true,
            tls == null ? 0 : 1,
            1,
            PooledByteBufAllocator.defaultPageSize(),
            CHUNK_ORDER,
            PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(),
            false);
  }

  /** Whether the front can run here (Linux with the native epoll transport). */
  static boolean available() {
    return Epoll.isAvailable();
  }

  /** Binds the daemon's port; returns the bound port. */
  int start() throws InterruptedException {
    loops = new EpollEventLoopGroup(Runtime.getRuntime().availableProcessors());
    try {
      listener =
          new ServerBootstrap()
              .group(loops)
              .channel(EpollServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, acceptQueue)
              .option(ChannelOption.ALLOCATOR, allocator)
              .childOption(ChannelOption.ALLOCATOR, allocator)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      connections.add(ch);
                      ch.pipeline()
                          .addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
                      if (tls != null) {
                        // A TLS handshake gets an SslHandler; other first bytes go on plain, to
                        // be refused by the Downstream.
                        ch.pipeline().addLast(new OptionalSslHandler(tls));
                      }
                      ch.pipeline().addLast(new HttpServerCodec(), new Downstream());
                    }
                  })
              .bind(host, port)
              .sync()
              .channel();
    } catch (RuntimeException | InterruptedException e) {
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops accepting connections; requests on open ones are still answered (with 503 if new). */
  void stopAccepting() {
    draining = true;
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
  }

  /**
   * Waits until no request is in flight or {@code deadlineNanos} (a {@link System#nanoTime}) has
   * passed, then closes every connection and the event loops.
   *
   * @return the requests still in flight when it gave up
   */
  int close(long deadlineNanos) {
    int left = 0;
    int phase = requests.arriveAndDeregister(); // the phase ends with the last request in flight
    try {
      requests.awaitAdvanceInterruptibly(
          phase, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      left = requests.getUnarrivedParties();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      left = requests.getUnarrivedParties();
    }
    connections.close().awaitUninterruptibly();
    if (loops != null) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    return left;
  }

  private static HttpResponseStatus statusOf(int code) {
    return code >= 100 && code < STATUSES.length
        ? STATUSES[code]
        : HttpResponseStatus.valueOf(code);
  }

  /**
   * One downstream connection: serves direct requests, relays the others. Every field is touched on
   * the connection's event loop only, except the exchange's stream, which parks its virtual thread.
   */
  private final class Downstream extends ChannelInboundHandlerAdapter {

    private ChannelHandlerContext ctx;

    /** Messages of requests that arrived while an earlier one was being answered. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();

    /** The request being read or answered: null between requests. */
    private Object current;

    private boolean requestRead;
    private boolean answered;

    /** The body of a direct request, gathered until its last part. */
    private CompositeByteBuf body;

    private boolean tooLarge;
    private Upstream jetty;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (current != null && requestRead) {
        waiting.add(msg); // pipelined: its turn comes when the answer before it is written
        updateRead();
        return;
      }
      take(msg);
    }

    private void take(Object msg) {
      if (msg instanceof HttpRequest request) {
        begin(request);
        if (!(msg instanceof HttpContent)) {
          return;
        }
      }
      if (!(msg instanceof HttpContent content)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      switch (current) {
        case Relayed r -> {
          boolean last = content instanceof LastHttpContent;
          if (jetty == null) {
            content.release(); // Jetty closed the hop: the connection is closing
          } else {
            jetty.send(content);
          }
          if (last) {
            requestRead = true;
            maybeDone();
          }
        }
        case DirectRequest d -> gather(d, content);
        case null, default -> content.release(); // the rest of a request already refused
      }
    }

    private void begin(HttpRequest request) {
      requests.register();
      current = null;
      requestRead = false;
      answered = false;
      tooLarge = false;
      if (request.decoderResult().isFailure()) {
        current = request;
        refuse(400, "bad_request", "the request is not valid HTTP/1.1");
        return;
      }
      if (tls != null && !secure(ctx.channel())) {
        current = request;
        refuse(400, "https_required", httpsOnly);
        return;
      }
      if (draining) {
        current = request;
        refuse(503, "shutting_down", "NXS is shutting down");
        return;
      }
      String path = pathOf(request.uri());
      // Only a plain path is matched here; one Jetty would decode or normalise goes on to Jetty,
      // whose own direct handler serves it exactly as before.
      DirectPath.Route route = plain(path) ? direct.match(path, request.method().name()) : null;
      if (route == null) {
        current = new Relayed();
        if (jetty == null) {
          jetty = new Upstream(this);
        }
        jetty.send(request);
        return;
      }
      DirectRequest d = new DirectRequest(route, request);
      current = d;
      if (HttpUtil.getContentLength(request, -1L) > direct.maxBody()) {
        tooLarge = true;
        dispatch(d); // its handler's read of the body is the 413; the body is never read
      } else if (HttpUtil.is100ContinueExpected(request)) {
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
    }

    private static boolean plain(String path) {
      return path.startsWith("/")
          && path.indexOf('%') < 0
          && !path.contains("/.")
          && !path.contains("//")
          && path.indexOf(';') < 0;
    }

    private void gather(DirectRequest d, HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (tooLarge) {
        content.release();
      } else {
        ByteBuf part = content.content();
        if (part.isReadable()) {
          if (body == null) {
            body = ctx.alloc().compositeBuffer(1024);
          }
          if (body.readableBytes() + part.readableBytes() > direct.maxBody()) {
            tooLarge = true;
            content.release();
            body.release();
            body = null;
            dispatch(d);
          } else {
            body.addComponent(true, part.retain());
            content.release();
          }
        } else {
          content.release();
        }
      }
      if (last) {
        requestRead = true;
        if (!d.dispatched) {
          dispatch(d);
        }
        maybeDone();
      }
    }

    private void dispatch(DirectRequest d) {
      d.dispatched = true;
      FrontExchange exchange = new FrontExchange(this, d.request, body, tooLarge);
      body = null;
      d.exchange = exchange;
      String address = address(ctx.channel().remoteAddress());
      String authorization = d.request.headers().get(HttpHeaderNames.AUTHORIZATION);
      ApiKey key = direct.admitOnLoop(d.route, address, authorization);
      if (key != null) {
        direct.serveOnLoop(d.route, exchange, key);
        return;
      }
      Thread.startVirtualThread(
          () -> {
            try {
              direct.serve(d.route, exchange, address, authorization);
            } finally {
              exchange.releaseBody();
            }
          });
    }

    /** Answers the current request on the loop with an error body and closes the connection. */
    private void refuse(int status, String code, String message) {
      requestRead = true; // what is left of it is not read
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              statusOf(status),
              Unpooled.wrappedBuffer(
                  ApiError.body("invalid_request_error", code, message)
                      .getBytes(StandardCharsets.UTF_8)));
      securityHeaders.forEach(h -> response.headers().add(h.getKey(), h.getValue()));
      response
          .headers()
          .set(HttpHeaderNames.DATE, date.now())
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(f -> answered(false));
    }

    /** The current request's answer has been written (or failed); called on the loop. */
    void answered(boolean keepAlive) {
      answered = true;
      if (!keepAlive) {
        requestRead = true;
        ctx.close();
        return;
      }
      maybeDone();
    }

    private void maybeDone() {
      if (current == null || !requestRead || !answered) {
        return;
      }
      current = null;
      requests.arriveAndDeregister();
      // The next request, and as much of it as has arrived: its parts must not wait behind it.
      while (!waiting.isEmpty() && !(current != null && requestRead)) {
        take(waiting.poll());
      }
      updateRead();
    }

    /**
     * Reads unless a pipelined request already waits, or the hop to Jetty (when relaying) takes no
     * more. Reading on while a direct request is served spares two epoll_ctl calls a request; what
     * arrives meanwhile waits in {@link #waiting}, which stops the reading.
     */
    void updateRead() {
      boolean read =
          waiting.isEmpty()
              && !(current instanceof Relayed && !(jetty != null && jetty.writable()));
      ctx.channel().config().setAutoRead(read);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (current instanceof DirectRequest d && d.exchange != null) {
        d.exchange.wake();
      }
      if (jetty != null) {
        jetty.downstreamWritable(ctx.channel().isWritable());
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (current != null) {
        current = null;
        requests.arriveAndDeregister();
      }
      if (body != null) {
        body.release();
        body = null;
      }
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
      if (jetty != null) {
        jetty.close();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && current == null) {
        ctx.close(); // idle between requests, as Jetty's idle timeout closed it
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("HTTP connection from {} failed", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }

    Channel channel() {
      return ctx.channel();
    }

    /** The Jetty hop's answer, relayed as it comes. */
    void relay(HttpObject msg) {
      ctx.write(msg);
    }

    void flush() {
      ctx.flush();
    }

    /** The relayed answer's last part; closes the connection after it unless kept alive. */
    void relayEnd(LastHttpContent last, boolean keepAlive) {
      ctx.writeAndFlush(last).addListener(f -> answered(keepAlive && f.isSuccess()));
    }

    /** Jetty closed its side: the connection ends once what it sent has been written. */
    void jettyClosed() {
      jetty = null;
      if (current instanceof Relayed) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** A request being relayed to Jetty. */
  private static final class Relayed {}

  /** A direct request being read or served. */
  private static final class DirectRequest {
    final DirectPath.Route route;
    final HttpRequest request;
    boolean dispatched;
    volatile FrontExchange exchange;

    DirectRequest(DirectPath.Route route, HttpRequest request) {
      this.route = route;
      this.request = request;
    }
  }

  /** A request target's path: what comes before its query. */
  private static String pathOf(String uri) {
    int end = uri.indexOf('?');
    return end < 0 ? uri : uri.substring(0, end);
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }

  /**
   * The hop of one downstream connection to Jetty: one Unix-domain connection on the downstream's
   * event loop, opened with the PROXY protocol header, closed with the downstream.
   */
  private final class Upstream extends ChannelInboundHandlerAdapter {

    private final Downstream downstream;
    private final Channel channel;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private boolean connected;
    private boolean keepAlive = true;

    Upstream(Downstream downstream) {
      this.downstream = downstream;
      Channel down = downstream.channel();
      ChannelFuture connecting =
          new Bootstrap()
              .group(down.eventLoop())
              .channel(EpollDomainSocketChannel.class)
              .option(ChannelOption.ALLOCATOR, allocator)
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32768, 65536))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(HAProxyMessageEncoder.INSTANCE)
                          .addLast(new HttpClientCodec())
                          .addLast(Upstream.this);
                    }
                  })
              .connect(new DomainSocketAddress(jettySocket.toFile()));
      channel = connecting.channel();
      connecting.addListener(
          f -> {
            if (!f.isSuccess()) {
              LOG.warn("cannot reach the API server behind the front", f.cause());
              pending.forEach(ReferenceCountUtil::release);
              pending.clear();
              down.close();
              return;
            }
            connected = true;
            channel.write(proxyHeader(down));
            while (!pending.isEmpty()) {
              channel.write(pending.poll());
            }
            channel.flush();
            downstream.updateRead();
          });
    }

    boolean writable() {
      return connected && channel.isWritable();
    }

    void send(HttpObject msg) {
      if (!connected) {
        pending.add(msg);
        downstream.updateRead();
        return;
      }
      channel.writeAndFlush(msg);
      if (!channel.isWritable()) {
        downstream.updateRead();
      }
    }

    void downstreamWritable(boolean writable) {
      channel.config().setAutoRead(writable);
    }

    void close() {
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
      channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse response) {
        lastStatus = response.status().code();
        keepAlive = HttpUtil.isKeepAlive(response);
      }
      if (msg instanceof LastHttpContent last && !informational()) {
        downstream.relayEnd(last, keepAlive);
      } else {
        downstream.relay((HttpObject) msg);
      }
      if (!downstream.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    private int lastStatus;

    private boolean informational() {
      return lastStatus >= 100 && lastStatus < 200;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      downstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      downstream.updateRead();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      downstream.jettyClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("the hop to the API server failed", cause);
      ctx.close();
    }
  }

  /** Whether the connection came over TLS (its first bytes were a handshake). */
  private static boolean secure(Channel channel) {
    return channel.pipeline().get(SslHandler.class) != null;
  }

  /**
   * The PROXY protocol header that tells Jetty who the client is, and, for a TLS connection, that
   * it came over TLS (the SSL field with the client-SSL bit: Jetty's request is then secure).
   */
  private static HAProxyMessage proxyHeader(Channel down) {
    InetSocketAddress client = (InetSocketAddress) down.remoteAddress();
    InetSocketAddress local = (InetSocketAddress) down.localAddress();
    boolean v4 =
        client.getAddress() instanceof Inet4Address && local.getAddress() instanceof Inet4Address;
    return new HAProxyMessage(
        HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY,
        v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        v4 ? client.getAddress().getHostAddress() : v6(client),
        v4 ? local.getAddress().getHostAddress() : v6(local),
        client.getPort(),
        local.getPort(),
        secure(down) ? overTls() : List.of());
  }

  /** The SSL field of a TLS connection: the client-SSL bit, verified 0, no sub-fields. */
  private static List<HAProxyTLV> overTls() {
    return List.of(new HAProxySSLTLV(0, CLIENT_SSL, List.of()));
  }

  private static String v6(InetSocketAddress a) {
    byte[] raw = a.getAddress().getAddress();
    if (raw.length == 4) { // an IPv4 peer on an IPv6 socket: its mapped form
      return "::ffff:" + a.getAddress().getHostAddress();
    }
    String text = a.getAddress().getHostAddress();
    int scope = text.indexOf('%');
    return scope < 0 ? text : text.substring(0, scope);
  }

  /** A direct request's exchange, served on a virtual thread. */
  private final class FrontExchange extends DirectPath.Exchange {

    private final Downstream downstream;
    private final Channel channel;
    private final HttpRequest request;
    private final boolean tooLarge;
    private ByteBuf body;
    private final HttpHeaders headers = new DefaultHttpHeaders(false);
    private int status = 200;
    private byte[] whole;
    private String contentType;
    private OutputStream stream;
    private ChunkStream chunks;

    FrontExchange(Downstream downstream, HttpRequest request, ByteBuf body, boolean tooLarge) {
      this.downstream = downstream;
      this.channel = downstream.channel();
      this.request = request;
      this.body = body;
      this.tooLarge = tooLarge;
    }

    @Override
    public String path() {
      return pathOf(request.uri());
    }

    @Override
    public String header(String name) {
      return request.headers().get(name);
    }

    @Override
    public byte[] body() {
      if (tooLarge) {
        throw DirectPath.tooLarge(direct.maxBody());
      }
      synchronized (this) {
        return body == null ? new byte[0] : ByteBufUtil.getBytes(body);
      }
    }

    @Override
    public ScheduledExecutorService loop() {
      return channel.eventLoop();
    }

    @Override
    void startVirtual(Runnable task) {
      Thread.startVirtualThread(task);
    }

    @Override
    void release() {
      releaseBody();
    }

    synchronized void releaseBody() {
      if (body != null) {
        body.release();
        body = null;
      }
    }

    @Override
    public DirectExchange header(String name, String value) {
      headers.set(name, value);
      return this;
    }

    @Override
    String method() {
      return request.method().name();
    }

    @Override
    int status() {
      return status;
    }

    @Override
    void whole(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.whole = body;
    }

    private boolean keepAlive() {
      return !tooLarge && !draining && HttpUtil.isKeepAlive(request);
    }

    private void head(HttpResponse response, boolean keepAlive) {
      HttpHeaders out = response.headers();
      out.add(HttpHeaderNames.DATE, date.now());
      securityHeaders.forEach(h -> out.add(h.getKey(), h.getValue()));
      out.add(headers);
      out.set(HttpHeaderNames.CONTENT_TYPE, contentType);
      HttpUtil.setKeepAlive(response, keepAlive);
    }

    @Override
    OutputStream open(int status, String contentType) {
      this.status = status;
      this.contentType = contentType;
      boolean chunked = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
      boolean keepAlive = chunked && keepAlive();
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, statusOf(status));
      head(response, keepAlive);
      if (chunked) {
        HttpUtil.setTransferEncodingChunked(response, true);
      }
      channel.write(response);
      chunks = new ChunkStream(keepAlive);
      stream = new BufferedOutputStream(chunks, DirectPath.STREAM_BUFFER);
      return stream;
    }

    @Override
    boolean committed() {
      return stream != null;
    }

    void wake() {
      ChunkStream c = chunks;
      if (c != null) {
        c.wake();
      }
    }

    @Override
    void finish() {
      if (broken() != null) {
        channel.close(); // a started answer cannot become an error: the client sees it cut
        return;
      }
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          LOG.debug("{} {}: the client went away during the stream", method(), path(), e);
          channel.close();
        }
        return;
      }
      boolean keepAlive = keepAlive();
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, statusOf(status), Unpooled.wrappedBuffer(whole));
      head(response, keepAlive);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, whole.length);
      channel.writeAndFlush(response).addListener(f -> downstream.answered(keepAlive));
    }

    /**
     * The stream's bytes as chunks, written from the virtual thread; a write waits while the
     * connection is not writable (back-pressure without callbacks) and fails once it is closed.
     */
    private final class ChunkStream extends OutputStream {

      private final boolean keepAlive;
      private volatile Thread writer;
      private boolean closed;

      ChunkStream(boolean keepAlive) {
        this.keepAlive = keepAlive;
      }

      void wake() {
        Thread t = writer;
        if (t != null) {
          LockSupport.unpark(t);
        }
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
          throw new IOException("the stream is closed");
        }
        if (len == 0) {
          return;
        }
        awaitWritable();
        channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(b, off, len)));
      }

      private void awaitWritable() throws IOException {
        writer = Thread.currentThread();
        try {
          while (channel.isActive() && !channel.isWritable()) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
          }
        } finally {
          writer = null;
        }
        if (!channel.isActive()) {
          throw new IOException("the client closed the connection");
        }
      }

      @Override
      public void flush() throws IOException {
        if (!channel.isActive()) {
          throw new IOException("the client closed the connection");
        }
        channel.flush();
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        if (!channel.isActive()) {
          throw new IOException("the client closed the connection");
        }
        channel
            .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
            .addListener(f -> downstream.answered(keepAlive && f.isSuccess()));
      }
    }
  }
}
