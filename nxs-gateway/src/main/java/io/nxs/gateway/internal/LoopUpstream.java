package io.nxs.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.VersionInfo;

/**
 * The event loop's HTTP/1.1 client for plain-{@code http} providers (ADR 0037): one attempt's
 * request and answer on the event loop that serves the client's connection, over a keep-alive
 * connection of that loop's own small pool, so no other thread takes part. What it sends is {@link
 * ProviderRuntime#outgoing}'s; what the answer means is {@link ProviderRuntime#plain} and {@link
 * ProviderRuntime#refused}'s, exactly as for the blocking client; only the I/O is its own.
 *
 * <p>Design note: the deadlines are loop timers (the first byte by the attempt's {@code
 * firstDeadline}, the body by its {@code attemptDeadline}; an error body gets at most 5 s more, as
 * the blocking path reads it); a connection whose deadline passed is closed, never pooled again. A
 * pooled connection the upstream closed while idle is dropped when its close has arrived; a request
 * written into one whose close had not is not sent again (nor does the blocking client retry): the
 * attempt fails as reset and the request fails over. A provider named by host name takes this
 * client while {@link UpstreamAddresses} holds its addresses fresh (resolved off the loop); a new
 * connection tries them in order as the blocking client does, a refused one silently giving way to
 * the next. The request head is the blocking client's, {@code User-Agent} included.
 */
final class LoopUpstream implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoopUpstream.class);

  /**
   * The {@code User-Agent} the blocking client sends (Apache HttpClient's, worked out as its
   * builder does), so an upstream sees the same request head from either client.
   */
  private static final String USER_AGENT =
      VersionInfo.getSoftwareInfo(
          "Apache-HttpClient", "org.apache.hc.client5", HttpClientBuilder.class);

  /** The system property that turns the loop exchange off (ADR 0037): {@code false}. */
  static final String SWITCH = "nxs.gateway.loopExchange";

  /**
   * Idle connections a loop keeps per upstream address; more are closed as they come back. As many
   * as a loop may have requests in flight: with 64 kept, 512 client connections on two loops (256
   * requests in flight each) closed and reopened ~190 upstream connections a round, 1.2x the CPU a
   * request (bench/results/2026-12-07-gateway-5.md). Idle ones close after {@link #IDLE_SECONDS}.
   */
  private static final int IDLE_PER_UPSTREAM = 2048;

  /** Seconds an idle pooled connection stays open (the blocking client's eviction too). */
  private static final int IDLE_SECONDS = 30;

  /** The longest an error body is waited for beyond its status (the blocking path's rule). */
  private static final long ERROR_BODY_NANOS = 5_000_000_000L;

  /** Bytes of an error body read at most: past this it is longer than its character limit. */
  private static final int ERROR_BODY_BYTES = 4 * ProviderRuntime.errorBodyLimit() + 4;

  /** Idle connections by event loop, then upstream address; each deque is its loop's alone. */
  private final Map<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> idle =
      new ConcurrentHashMap<>();

  /** The address of each provider this client may serve; absent for a provider it may not. */
  private final Map<ProviderRuntime, Target> targets = new ConcurrentHashMap<>();

  private final MeterRegistry metrics;

  /** The addresses of providers named by host name. */
  private final UpstreamAddresses names;

  private volatile boolean closed;

  /** Whether the loop exchange is on (the default; {@code -Dnxs.gateway.loopExchange=false}). */
  static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true"));
  }

  /**
   * Where one provider is reached: its IP address, or its host name's addresses; what its requests
   * carry in {@code Host}; its idle connections' key (the name and port for a name, whose addresses
   * may change, as the blocking client's pool keys by route); how many attempts the loop made.
   */
  private record Target(
      InetAddress[] ip,
      UpstreamAddresses.Name name,
      int port,
      InetSocketAddress pooled,
      String host,
      String path,
      int connectMillis,
      Counter attempts) {

    /** Whether a connection may be made from the loop now: an IP, or a name resolved and fresh. */
    boolean reachable() {
      return name == null || name.fresh() != null;
    }

    /** The addresses to connect to, in order; null when the name has none. */
    InetAddress[] addresses() {
      return name == null ? ip : name.last();
    }
  }

  LoopUpstream(MeterRegistry metrics, UpstreamAddresses names) {
    this.metrics = metrics;
    this.names = names;
  }

  /**
   * Whether this client may make {@code provider}'s attempt now: plain {@code http}, to an IP
   * address or to a host name whose addresses {@link UpstreamAddresses} holds fresh (resolving a
   * name on the loop could block: one that is not resolved yet or went stale is resolved on a
   * virtual thread, and this request takes the blocking path). Never waits.
   */
  boolean serves(ProviderRuntime provider) {
    Target t = target(provider);
    return t != null && t.reachable();
  }

  private Target target(ProviderRuntime provider) {
    Target t = targets.get(provider);
    if (t != null || !provider.plainHttp()) {
      return t;
    }
    URI base = URI.create(provider.config().baseUrl());
    String host = base.getHost();
    if (host == null || !"http".equals(base.getScheme())) {
      return null;
    }
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
    if (ip == null && !names.cachesNames()) {
      return null;
    }
    int port = base.getPort() < 0 ? 80 : base.getPort();
    InetAddress[] address;
    try {
      address = ip == null ? null : new InetAddress[] {InetAddress.getByAddress(host, ip)};
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an IP address of 4 or 16 bytes was refused", e);
    }
    t =
        new Target(
            address,
            ip == null ? names.name(host) : null,
            port,
            ip == null
                ? InetSocketAddress.createUnresolved(host, port)
                : new InetSocketAddress(address[0], port),
            base.getPort() < 0 ? host : host + ":" + port,
            "http://" + host + ":" + port,
            (int) Math.min(Integer.MAX_VALUE, provider.config().connectTimeout().toMillis()),
            Counter.builder("nxs.gateway.loop.attempts")
                .description("First attempts made on the front's event loop (ADR 0037)")
                .tag("provider", provider.name())
                .register(metrics));
    targets.put(provider, t);
    return t;
  }

  /**
   * Makes one attempt on the event loop {@code loop} and hands its result to {@code done} there.
   * Must be called on {@code loop}.
   */
  void attempt(
      EventLoop loop,
      ProviderRuntime provider,
      ProviderRuntime.Outgoing out,
      ProviderRuntime.Timing timing,
      Credentials.Key key,
      String model,
      Consumer<AttemptResult> done) {
    Target target = target(provider);
    target.attempts().increment();
    new Call(loop, provider, target, out, timing, key, model, done).start();
  }

  /** Closes every idle pooled connection; connections in use close when their answer is in. */
  @Override
  public void close() {
    closed = true;
    idle.forEach(
        (loop, byAddress) -> {
          if (loop.isShuttingDown()) {
            return; // a loop that stops closes its channels itself
          }
          try {
            loop.execute(() -> byAddress.values().forEach(LoopUpstream::drain));
          } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("the loop stopped first, and closed its channels: {}", stopped.toString());
          }
        });
  }

  private static void drain(ArrayDeque<Channel> channels) {
    for (Channel c = channels.poll(); c != null; c = channels.poll()) {
      c.close();
    }
  }

  private ArrayDeque<Channel> pool(EventLoop loop, InetSocketAddress address) {
    return idle.computeIfAbsent(loop, l -> new HashMap<>())
        .computeIfAbsent(address, a -> new ArrayDeque<>());
  }

  /** One attempt: a connection (pooled or new), the request, the answer; ends once. */
  private final class Call {
    private final EventLoop loop;
    private final ProviderRuntime provider;
    private final Target target;
    private final ProviderRuntime.Outgoing out;
    private final ProviderRuntime.Timing timing;
    private final Credentials.Key key;
    private final String model;
    private final Consumer<AttemptResult> done;

    private Channel channel;
    private boolean ended;
    private int status;
    private String retryAfter;
    private boolean keepAlive;
    private ByteBuf body;
    private ScheduledFuture<?> timer;

    Call(
        EventLoop loop,
        ProviderRuntime provider,
        Target target,
        ProviderRuntime.Outgoing out,
        ProviderRuntime.Timing timing,
        Credentials.Key key,
        String model,
        Consumer<AttemptResult> done) {
      this.loop = loop;
      this.provider = provider;
      this.target = target;
      this.out = out;
      this.timing = timing;
      this.key = key;
      this.model = model;
      this.done = done;
    }

    void start() {
      arm(timing.firstDeadline(), this::timedOut);
      ArrayDeque<Channel> pooled = pool(loop, target.pooled());
      for (Channel c = pooled.pollFirst(); c != null; c = pooled.pollFirst()) {
        if (c.isActive()) {
          send(c);
          return;
        }
        c.close();
      }
      connect();
    }

    /**
     * A new connection to the target's addresses in order, as the blocking client tries them: a
     * connect that fails goes on to the next address silently, and only the last one's failure is
     * the attempt's (nothing was sent before it).
     */
    private void connect() {
      InetAddress[] addresses = target.addresses();
      if (addresses == null) {
        broke(new UnknownHostException(target.name().host()));
        return;
      }
      connect(addresses, 0);
    }

    private void connect(InetAddress[] addresses, int index) {
      long left = TimeUnit.NANOSECONDS.toMillis(timing.firstDeadline() - System.nanoTime());
      ChannelFuture f =
          new Bootstrap()
              .group(loop)
              .channel(
                  loop.parent() instanceof EpollEventLoopGroup
                      ? EpollSocketChannel.class
                      : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.max(1, Math.min(target.connectMillis(), left)))
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS))
                          .addLast(new Connection());
                    }
                  })
              .connect(new InetSocketAddress(addresses[index], target.port()));
      channel = f.channel();
      f.addListener(
          done -> {
            if (ended) {
              f.channel().close();
            } else if (done.isSuccess()) {
              send(f.channel());
            } else if (index + 1 < addresses.length) {
              LOG.debug(
                  "{}: the connection to {} failed ({}); trying the next address",
                  target.path(),
                  addresses[index],
                  done.cause().toString());
              connect(addresses, index + 1);
            } else {
              broke(connectFailure(done.cause()));
            }
          });
    }

    /** The blocking client's words for a failed connect: refused, or timed out. */
    private IOException connectFailure(Throwable cause) {
      String where = "Connect to " + target.path() + " failed: ";
      if (cause instanceof ConnectTimeoutException) {
        return new SocketTimeoutException(where + "Connect timed out");
      }
      if (cause instanceof ConnectException) {
        return new ConnectException(where + "Connection refused");
      }
      return cause instanceof IOException io ? io : new IOException(cause);
    }

    private void send(Channel c) {
      channel = c;
      c.pipeline().get(Connection.class).call = this;
      FullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              HttpMethod.POST,
              out.uri().getRawPath(),
              Unpooled.wrappedBuffer(out.body()));
      // The blocking client's request head, header for header and in its order (ADR 0037).
      HttpHeaders headers = request.headers().set(HttpHeaderNames.ACCEPT, out.accept());
      if (out.authorization() != null) {
        headers.set(HttpHeaderNames.AUTHORIZATION, out.authorization());
      }
      headers
          .set(HttpHeaderNames.HOST, target.host())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, out.body().length)
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
          .set(HttpHeaderNames.USER_AGENT, USER_AGENT);
      c.writeAndFlush(request)
          .addListener(
              f -> {
                if (!f.isSuccess() && !ended && channel == c) {
                  closedEarly(c, f.cause());
                }
              });
    }

    /** The connection ended before the answer did. */
    private void closedEarly(Channel c, Throwable cause) {
      if (cause instanceof IOException io) {
        broke(io);
      } else if (status == 0) {
        broke(
            new IOException("The target server failed to respond")); // the blocking client's words
      } else {
        broke(new IOException("the upstream closed the connection before its answer ended"));
      }
    }

    void read(HttpObject msg) {
      if (msg.decoderResult().isFailure()) {
        broke(
            new IOException(
                "the upstream's answer is not HTTP/1.1: " + msg.decoderResult().cause()));
        return;
      }
      if (msg instanceof HttpResponse r) {
        if (r.status().code() / 100 == 1) {
          return; // an interim answer (100 Continue): the real one follows
        }
        status = r.status().code();
        retryAfter = r.headers().get(HttpHeaderNames.RETRY_AFTER);
        keepAlive = HttpUtil.isKeepAlive(r);
        if (status / 100 == 2) {
          if (HttpUtil.getContentLength(r, -1L) > ProviderRuntime.bodyLimit()) {
            tooLarge();
            return;
          }
          arm(timing.attemptDeadline(), this::timedOut);
        } else {
          arm(
              Math.min(timing.attemptDeadline(), System.nanoTime() + ERROR_BODY_NANOS),
              () -> refusedWith(""));
        }
        body = channel.alloc().heapBuffer();
      }
      if (msg instanceof HttpContent content && body != null) {
        ByteBuf part = content.content();
        int limit = status / 100 == 2 ? ProviderRuntime.bodyLimit() : ERROR_BODY_BYTES;
        if (body.readableBytes() + part.readableBytes() > limit) {
          if (status / 100 == 2) {
            tooLarge();
          } else {
            refusedWith(""); // longer than the error body's limit: the status alone classifies
          }
          return;
        }
        body.writeBytes(part);
        if (content instanceof LastHttpContent) {
          answered();
        }
      }
    }

    private void tooLarge() {
      broke(new IOException("the upstream body exceeds " + ProviderRuntime.bodyLimit() + " bytes"));
    }

    private void answered() {
      byte[] bytes = new byte[body.readableBytes()];
      body.readBytes(bytes);
      if (status / 100 != 2) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        end(
            true,
            provider.refused(
                timing,
                key,
                status,
                text.length() > ProviderRuntime.errorBodyLimit() ? "" : text,
                retryAfter));
        return;
      }
      end(true, provider.plain(timing, key, model, status, bytes));
    }

    private void refusedWith(String text) {
      end(false, provider.refused(timing, key, status, text, retryAfter));
    }

    private void timedOut() {
      end(false, provider.timedOut(timing, key));
    }

    private void broke(IOException e) {
      end(false, provider.broke(timing, key, e));
    }

    /** Ends the attempt once: the connection back to the pool or closed, the result handed on. */
    private void end(boolean whole, AttemptResult result) {
      if (ended) {
        return;
      }
      ended = true;
      if (timer != null) {
        timer.cancel(false);
      }
      if (body != null) {
        body.release();
        body = null;
      }
      Channel c = channel;
      if (c != null) {
        Connection conn = c.pipeline().get(Connection.class);
        if (conn != null) {
          conn.call = null;
        }
        ArrayDeque<Channel> pooled = pool(loop, target.pooled());
        if (whole && keepAlive && c.isActive() && !closed && pooled.size() < IDLE_PER_UPSTREAM) {
          pooled.addFirst(c);
        } else {
          c.close();
        }
      }
      try {
        done.accept(result);
      } catch (RuntimeException e) {
        // The result's taker answers the client or hands the request on; a failure there is a bug.
        LOG.error("the loop exchange could not go on after an attempt on {}", provider.name(), e);
      }
    }

    private void arm(long deadlineNanos, Runnable onExpiry) {
      if (timer != null) {
        timer.cancel(false);
      }
      timer =
          loop.schedule(
              () -> {
                if (!ended) {
                  onExpiry.run();
                }
              },
              Math.max(0, deadlineNanos - System.nanoTime()),
              TimeUnit.NANOSECONDS);
    }
  }

  /** One pooled connection's handler: hands what arrives to the attempt that uses it. */
  private static final class Connection extends ChannelInboundHandlerAdapter {
    Call call;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpObject o && call != null) {
          call.read(o);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Call c = call;
      if (c != null) {
        c.closedEarly(ctx.channel(), null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Call c = call;
      if (c != null) {
        c.closedEarly(ctx.channel(), cause);
      }
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && call == null) {
        ctx.close(); // idle in the pool for IDLE_SECONDS
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }
  }
}
