// The floor of the gateway's stack on another JVM stack (issue 13): the textbook Netty 4.1 reverse
// proxy, to learn whether the best-known JVM proxy stack reaches half of nginx-as-a-proxy on this
// machine where Jetty + Apache HttpClient 5 (BareProxy.java) does not. One HTTP/1.1 server and a
// keep-alive upstream pool per event loop: the upstream connection of an exchange lives on the
// downstream connection's own event loop, so a request never changes threads. Nothing around it (no
// key gate, routing, limits, audit or accounting). Bench-only code, never shipped:
// bench/gateway-floor.sh compiles it against Netty's jars alone (no daemon jar on its classpath)
// and
// runs it with the daemon's JVM flags, one JVM per variant.
//
//   java -cp <netty jars>:<classes> NettyProxy PORT UPSTREAM_URL CLIENT TRANSPORT [LOOPS]
//   CLIENT     netty  forward to the upstream through the per-loop keep-alive pool
//              none   no upstream: a canned answer of the upstream's size (the server alone)
//   TRANSPORT  epoll  netty-transport-native-epoll (linux-x86_64 from Maven Central)
//              nio    the JDK's selector
//   LOOPS      event loops (threads), the machine's cores unless given: nginx's `worker_processes
// auto`
//
// Requests are aggregated (HttpObjectAggregator) both ways: the gateway reads the whole body to
// route
// it, so this is the shape of work the product does. wrk and hey never pipeline; a pipelining
// client
// could get its answers out of order here (a real gateway would stop reading while one is in
// flight).
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

public final class NettyProxy {

  private static final int MAX_BODY = 32 * 1024 * 1024; // the daemon's

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    URI upstream = URI.create(args[1]);
    String client = args[2];
    String transport = args[3];
    int loops =
        args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
    if (!client.equals("netty") && !client.equals("none")) {
      throw new IllegalArgumentException("client: netty or none");
    }
    boolean epoll =
        switch (transport) {
          case "epoll" -> {
            if (!Epoll.isAvailable()) {
              throw new IllegalStateException("epoll unavailable", Epoll.unavailabilityCause());
            }
            yield true;
          }
          case "nio" -> false;
          default -> throw new IllegalArgumentException("transport: epoll or nio");
        };
    // One group for accepting and serving, as nginx's workers do: with keep-alive clients accepting
    // is rare.
    EventLoopGroup group = epoll ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
    Class<? extends ServerChannel> serverClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> clientClass =
        epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    Upstream up = client.equals("netty") ? new Upstream(upstream, clientClass) : null;

    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(serverClass)
            .option(ChannelOption.SO_BACKLOG, 1024) // the daemon's HttpServer.ACCEPT_QUEUE
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(up == null ? new Canned() : new Forward(up));
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println(
        "netty proxy " + client + "/" + transport + " (" + loops + " loops) on " + port);
    server.closeFuture().sync();
  }

  /** The upstream and its idle keep-alive connections, one pool per event loop. */
  static final class Upstream {
    final String host;
    final int port;
    final String hostHeader;
    final Bootstrap bootstrap;
    final FastThreadLocal<ArrayDeque<Channel>> idle =
        new FastThreadLocal<>() {
          @Override
          protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
          }
        };

    Upstream(URI uri, Class<? extends Channel> channelClass) {
      host = uri.getHost();
      port = uri.getPort() < 0 ? 80 : uri.getPort();
      hostHeader = host + ":" + port;
      Upstream self = this;
      bootstrap =
          new Bootstrap()
              .channel(channelClass)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(MAX_BODY))
                          .addLast(new UpstreamHandler(self));
                    }
                  });
    }

    /** Sends on an idle connection of this loop, or on a new one; on the loop's own thread. */
    void send(EventLoop loop, FullHttpRequest request, Channel downstream, boolean keepAlive) {
      ArrayDeque<Channel> pool = idle.get();
      Channel ch;
      while ((ch = pool.pollLast()) != null) {
        if (ch.isActive()) {
          write(ch, request, downstream, keepAlive);
          return;
        }
      }
      bootstrap
          .clone(loop)
          .connect(host, port)
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  write(f.channel(), request, downstream, keepAlive);
                } else {
                  request.release();
                  fail(downstream, keepAlive);
                }
              });
    }

    private static void write(
        Channel ch, FullHttpRequest request, Channel downstream, boolean keepAlive) {
      ch.pipeline().get(UpstreamHandler.class).start(downstream, keepAlive);
      ch.writeAndFlush(request, ch.voidPromise());
    }

    void release(Channel ch) {
      idle.get().addLast(ch);
    }
  }

  /** The downstream side: each aggregated request goes upstream with its body and headers. */
  static final class Forward extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Upstream up;

    Forward(Upstream up) {
      this.up = up;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      FullHttpRequest out =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, req.method(), req.uri(), req.content().retain());
      out.headers().set(req.headers());
      out.headers().set(HttpHeaderNames.HOST, up.hostHeader);
      out.headers().remove(HttpHeaderNames.CONNECTION); // HTTP/1.1 upstream: keep-alive by default
      up.send(ctx.channel().eventLoop(), out, ctx.channel(), keepAlive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The upstream side: the answer goes back to the exchange's downstream connection. */
  static final class UpstreamHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Upstream up;
    private Channel downstream;
    private boolean keepAlive;

    UpstreamHandler(Upstream up) {
      this.up = up;
    }

    void start(Channel downstream, boolean keepAlive) {
      this.downstream = downstream;
      this.keepAlive = keepAlive;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
      Channel to = downstream;
      downstream = null;
      FullHttpResponse out =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, res.status(), res.content().retain());
      out.headers().set(res.headers());
      out.headers().remove(HttpHeaderNames.CONNECTION);
      out.headers().remove("keep-alive");
      HttpUtil.setKeepAlive(out, keepAlive);
      if (to == null) {
        out.release();
      } else {
        ChannelFuture written = to.writeAndFlush(out);
        if (!keepAlive) {
          written.addListener(ChannelFutureListener.CLOSE);
        }
      }
      if (HttpUtil.isKeepAlive(res)) {
        up.release(ctx.channel());
      } else {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      up.idle.get().remove(ctx.channel());
      if (downstream != null) {
        fail(downstream, keepAlive);
        downstream = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static void fail(Channel downstream, boolean keepAlive) {
    ByteBuf body = Unpooled.copiedBuffer("upstream unavailable\n", StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY, body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    HttpUtil.setContentLength(res, body.readableBytes());
    HttpUtil.setKeepAlive(res, keepAlive);
    ChannelFuture written = downstream.writeAndFlush(res);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** No upstream: a canned answer of the upstream's size, the server alone. */
  static final class Canned extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ByteBuf BODY =
        Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(358)
                .writeBytes(" ".repeat(358).getBytes(StandardCharsets.US_ASCII)));

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate());
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(res, BODY.readableBytes());
      HttpUtil.setKeepAlive(res, keepAlive);
      ChannelFuture written = ctx.writeAndFlush(res);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
