// The floor of the gateway's stack (issue 13): a bare reverse proxy on the daemon's own server,
// Jetty 12 with Javalin's thread pool and the same connector settings, that forwards each request
// to one upstream with nothing around it (no key gate, routing, limits, audit or accounting).
// Bench-only code, never shipped: bench/gateway-floor.sh runs it from the daemon's jar with the
// source launcher, one JVM per variant, beside nginx-as-a-proxy and NXS itself.
//
//   java -cp <nxs jar>:<jetty-client jars> bench/bare-proxy/BareProxy.java \
//       PORT UPSTREAM_URL CLIENT THREADS
//   CLIENT  apache  the gateway's pooled Apache HttpClient 5 classic client, its own connection
//                   factory (reflection: package-private), on the request's thread (ADR 0033)
//           jdk     java.net.http.HttpClient (HTTP/1.1), blocking send on the request's thread
//           jdk-async  the same client, sendAsync; the handler does not block
//           jetty   Jetty 12's HttpClient, asynchronous; the handler does not block
//           netty   Netty 4.1's client (its own event loops, one per core, epoll when available)
//                   with its SimpleChannelPool of keep-alive connections, asynchronous: Jetty's
//                   server with the client of bench/bare-proxy/NettyProxy.java
//           none    no upstream: a canned answer of the upstream's size (the server alone)
//   THREADS loom    Javalin's pool with useVirtualThreads (every Jetty task a new virtual thread,
//                   selectors included): what the daemon runs
//           qtp     Jetty's QueuedThreadPool, platform threads (Javalin's sizes: 8..250)
//           qtp-vt  the same pool, blocking handlers dispatched to virtual threads (Jetty's own
//                   virtual-thread support: selectors stay on platform threads)
//           netty-vt  no Jetty: Netty's server (epoll, one loop per core), each request's blocking
//                   call on a new virtual thread, the answer written back through the loop — a
//                   Netty front with the gateway's blocking flow behind it (blocking clients only)
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;

public final class BareProxy {

  private static final int MAX_BODY = 32 * 1024 * 1024; // the daemon's
  private static final int MAX_CONNECTIONS = 4096; // the gateway's pool

  record Answer(int status, String type, byte[] body) {}

  @FunctionalInterface
  interface Blocking {
    Answer call(byte[] body) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    URI upstream = URI.create(args[1]);
    String client = args[2];
    String threads = args[3];

    if (threads.equals("netty-vt")) {
      nettyFront(port, blockingClient(client, upstream));
      return;
    }
    Server server = new Server(pool(threads));
    ServerConnector connector =
        new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setAcceptQueueSize(1024); // the daemon's HttpServer.ACCEPT_QUEUE
    server.addConnector(connector);
    server.setHandler(handler(client, upstream));
    server.start();
    System.out.println("bare proxy " + client + "/" + threads + " on " + connector.getLocalPort());
    // Javalin's virtual-thread pool has a no-op join() and only daemon threads: wait here instead.
    Thread.currentThread().join();
  }

  private static Blocking blockingClient(String client, URI upstream) throws Exception {
    return switch (client) {
      case "apache" -> apache(upstream);
      case "jdk" -> jdk(upstream);
      default ->
          throw new IllegalArgumentException("netty-vt takes a blocking client: apache, jdk");
    };
  }

  /** Netty's server; each request's blocking call runs on its own virtual thread. */
  private static void nettyFront(int port, Blocking call) throws Exception {
    var group =
        new io.netty.channel.epoll.EpollEventLoopGroup(Runtime.getRuntime().availableProcessors());
    var server =
        new io.netty.bootstrap.ServerBootstrap()
            .group(group)
            .channel(io.netty.channel.epoll.EpollServerSocketChannel.class)
            .option(io.netty.channel.ChannelOption.SO_BACKLOG, 1024)
            .childOption(io.netty.channel.ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                  @Override
                  protected void initChannel(io.netty.channel.Channel ch) {
                    ch.pipeline()
                        .addLast(new io.netty.handler.codec.http.HttpServerCodec())
                        .addLast(new io.netty.handler.codec.http.HttpObjectAggregator(MAX_BODY))
                        .addLast(new VirtualThreadCall(call));
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println("bare proxy netty-vt on " + port);
    server.closeFuture().sync();
  }

  /** Hands each aggregated request to a new virtual thread; the answer goes back via the loop. */
  static final class VirtualThreadCall
      extends io.netty.channel.SimpleChannelInboundHandler<
          io.netty.handler.codec.http.FullHttpRequest> {
    private final Blocking call;

    VirtualThreadCall(Blocking call) {
      this.call = call;
    }

    @Override
    protected void channelRead0(
        io.netty.channel.ChannelHandlerContext ctx,
        io.netty.handler.codec.http.FullHttpRequest req) {
      byte[] body = io.netty.buffer.ByteBufUtil.getBytes(req.content());
      boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(req);
      Thread.startVirtualThread(
          () -> {
            io.netty.handler.codec.http.FullHttpResponse res;
            try {
              Answer a = call.call(body);
              res =
                  new io.netty.handler.codec.http.DefaultFullHttpResponse(
                      io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                      io.netty.handler.codec.http.HttpResponseStatus.valueOf(a.status()),
                      io.netty.buffer.Unpooled.wrappedBuffer(a.body()));
              res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, a.type());
            } catch (Exception e) {
              res =
                  new io.netty.handler.codec.http.DefaultFullHttpResponse(
                      io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                      io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY);
            }
            io.netty.handler.codec.http.HttpUtil.setContentLength(
                res, res.content().readableBytes());
            io.netty.handler.codec.http.HttpUtil.setKeepAlive(res, keepAlive);
            var written = ctx.writeAndFlush(res);
            if (!keepAlive) {
              written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
          });
    }

    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static ThreadPool pool(String threads) {
    return switch (threads) {
      case "loom" ->
          io.javalin.util.ConcurrencyUtil.jettyThreadPool("JettyServerThreadPool", 8, 250, true);
      case "qtp" -> new QueuedThreadPool(250, 8, 60_000);
      case "qtp-vt" -> {
        QueuedThreadPool qtp = new QueuedThreadPool(250, 8, 60_000);
        qtp.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
        yield qtp;
      }
      default -> throw new IllegalArgumentException("threads: loom, qtp or qtp-vt");
    };
  }

  private static Handler handler(String client, URI upstream) throws Exception {
    return switch (client) {
      case "apache" -> blocking(apache(upstream));
      case "jdk" -> blocking(jdk(upstream));
      case "jdk-async" -> jdkAsync(upstream);
      case "jetty" -> jetty(upstream);
      case "netty" -> netty(upstream);
      case "none" -> {
        byte[] canned = new byte[358];
        java.util.Arrays.fill(canned, (byte) ' ');
        Answer answer = new Answer(200, "application/json", canned);
        yield blocking(body -> answer);
      }
      default ->
          throw new IllegalArgumentException("client: apache, jdk, jdk-async, jetty, netty, none");
    };
  }

  /** A handler that blocks its thread: reads the body, calls upstream, writes the answer. */
  private static Handler blocking(Blocking call) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        byte[] body = Content.Source.asByteArrayAsync(request, MAX_BODY).get();
        answer(response, callback, call.call(body));
        return true;
      }
    };
  }

  private static void answer(Response response, Callback callback, Answer answer) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.type());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  /** The gateway's plain-http client, built as ProviderRuntime.plainClient builds it. */
  @SuppressWarnings("unchecked")
  private static Blocking apache(URI upstream) throws Exception {
    var factoryClass = Class.forName("io.nxs.gateway.internal.UpstreamConnections");
    var ctor = factoryClass.getDeclaredConstructor();
    ctor.setAccessible(true);
    var factory =
        (org.apache.hc.core5.http.io.HttpConnectionFactory<ManagedHttpClientConnection>)
            ctor.newInstance();
    CloseableHttpClient client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setConnectionFactory(factory)
                    .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(10))
                            .setSocketTimeout(Timeout.DISABLED)
                            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                            .build())
                    .setDefaultSocketConfig(
                        SocketConfig.custom()
                            .setTcpNoDelay(true)
                            .setSoTimeout(Timeout.DISABLED)
                            .build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectionRequestTimeout(Timeout.ofSeconds(60))
                    .setResponseTimeout(Timeout.DISABLED)
                    .setRedirectsEnabled(false)
                    .build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableConnectionState()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .build();
    return body -> {
      HttpPost post = new HttpPost(upstream);
      post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
      return client.execute(
          post,
          r ->
              new Answer(
                  r.getCode(),
                  r.getEntity().getContentType(),
                  EntityUtils.toByteArray(r.getEntity())));
    };
  }

  private static HttpClient jdkClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static HttpRequest jdkRequest(URI upstream, byte[] body) {
    return HttpRequest.newBuilder(upstream)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static Answer jdkAnswer(HttpResponse<byte[]> r) {
    return new Answer(
        r.statusCode(),
        r.headers().firstValue("content-type").orElse("application/json"),
        r.body());
  }

  private static Blocking jdk(URI upstream) {
    HttpClient client = jdkClient();
    return body ->
        jdkAnswer(client.send(jdkRequest(upstream, body), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** The JDK client without blocking: the answer is written from the client's completion. */
  private static Handler jdkAsync(URI upstream) {
    HttpClient client = jdkClient();
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Content.Source.asByteArrayAsync(request, MAX_BODY)
            .thenCompose(
                body ->
                    client.sendAsync(
                        jdkRequest(upstream, body), HttpResponse.BodyHandlers.ofByteArray()))
            .whenComplete(
                (r, failure) -> {
                  if (failure != null) {
                    Response.writeError(request, response, callback, 502, failure.toString());
                  } else {
                    answer(response, callback, jdkAnswer(r));
                  }
                });
        return true;
      }
    };
  }

  /** Jetty's client, asynchronous end to end: no thread waits for the upstream. */
  private static Handler jetty(URI upstream) throws Exception {
    org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
    client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
    client.setMaxRequestsQueuedPerDestination(MAX_CONNECTIONS);
    client.setFollowRedirects(false);
    client.setConnectTimeout(10_000);
    client.start();
    return nonBlocking(
        (body, request, response, callback) ->
            client
                .newRequest(upstream)
                .method(HttpMethod.POST)
                .body(new BytesRequestContent("application/json", body))
                .send(
                    new BufferingResponseListener(MAX_BODY) {
                      @Override
                      public void onComplete(org.eclipse.jetty.client.Result result) {
                        if (result.isFailed()) {
                          Response.writeError(
                              request, response, callback, 502, result.getFailure().toString());
                          return;
                        }
                        String type = getMediaType();
                        answer(
                            response,
                            callback,
                            new Answer(
                                result.getResponse().getStatus(),
                                type == null ? "application/json" : type,
                                getContent()));
                      }
                    }));
  }

  /** Netty's client on its own event loops; the answer is written from the loop that read it. */
  private static Handler netty(URI upstream) {
    boolean epoll = io.netty.channel.epoll.Epoll.isAvailable();
    int loops = Runtime.getRuntime().availableProcessors();
    io.netty.channel.EventLoopGroup group =
        epoll
            ? new io.netty.channel.epoll.EpollEventLoopGroup(loops)
            : new io.netty.channel.nio.NioEventLoopGroup(loops);
    int port = upstream.getPort() < 0 ? 80 : upstream.getPort();
    String host = upstream.getHost() + ":" + port;
    io.netty.bootstrap.Bootstrap bootstrap =
        new io.netty.bootstrap.Bootstrap()
            .group(group)
            .channel(
                epoll
                    ? io.netty.channel.epoll.EpollSocketChannel.class
                    : io.netty.channel.socket.nio.NioSocketChannel.class)
            .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
            .remoteAddress(upstream.getHost(), port);
    io.netty.channel.pool.ChannelPool pool =
        new io.netty.channel.pool.SimpleChannelPool(
            bootstrap,
            new io.netty.channel.pool.AbstractChannelPoolHandler() {
              @Override
              public void channelCreated(io.netty.channel.Channel ch) {
                ch.pipeline()
                    .addLast(new io.netty.handler.codec.http.HttpClientCodec())
                    .addLast(new io.netty.handler.codec.http.HttpObjectAggregator(MAX_BODY))
                    .addLast(new NettyAnswer());
              }
            });
    return nonBlocking(
        (body, request, response, callback) ->
            pool.acquire()
                .addListener(
                    (io.netty.util.concurrent.Future<io.netty.channel.Channel> f) -> {
                      if (!f.isSuccess()) {
                        Response.writeError(request, response, callback, 502, f.cause().toString());
                        return;
                      }
                      io.netty.channel.Channel ch = f.getNow();
                      ch.pipeline()
                          .get(NettyAnswer.class)
                          .expect(
                              answer -> {
                                if (answer == null) {
                                  Response.writeError(
                                      request, response, callback, 502, "upstream closed");
                                } else {
                                  answer(response, callback, answer);
                                }
                                pool.release(ch);
                              });
                      var post =
                          new io.netty.handler.codec.http.DefaultFullHttpRequest(
                              io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                              io.netty.handler.codec.http.HttpMethod.POST,
                              upstream.getRawPath(),
                              io.netty.buffer.Unpooled.wrappedBuffer(body));
                      post.headers()
                          .set(io.netty.handler.codec.http.HttpHeaderNames.HOST, host)
                          .set(
                              io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE,
                              "application/json")
                          .set(
                              io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH,
                              body.length);
                      ch.writeAndFlush(post, ch.voidPromise());
                    }));
  }

  /** What an asynchronous client does with a request's whole body; the handler does not block. */
  @FunctionalInterface
  interface Forward {
    void send(byte[] body, Request request, Response response, Callback callback);
  }

  /** A handler that reads the body without blocking and hands it to {@code forward}. */
  private static Handler nonBlocking(Forward forward) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Content.Source.asByteArrayAsync(request, MAX_BODY)
            .whenComplete(
                (body, failure) -> {
                  if (failure != null) {
                    Response.writeError(request, response, callback, 400, failure.toString());
                  } else {
                    forward.send(body, request, response, callback);
                  }
                });
        return true;
      }
    };
  }

  /** The upstream side of the Netty client: hands the exchange's answer (null: closed) on. */
  static final class NettyAnswer
      extends io.netty.channel.SimpleChannelInboundHandler<
          io.netty.handler.codec.http.FullHttpResponse> {
    private java.util.function.Consumer<Answer> pending;

    void expect(java.util.function.Consumer<Answer> then) {
      pending = then;
    }

    @Override
    protected void channelRead0(
        io.netty.channel.ChannelHandlerContext ctx,
        io.netty.handler.codec.http.FullHttpResponse r) {
      var then = pending;
      pending = null;
      String type = r.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE);
      if (!io.netty.handler.codec.http.HttpUtil.isKeepAlive(r)) {
        ctx.close(); // the pool's health check drops it on the next acquire
      }
      if (then != null) {
        then.accept(
            new Answer(
                r.status().code(),
                type == null ? "application/json" : type,
                io.netty.buffer.ByteBufUtil.getBytes(r.content())));
      }
    }

    @Override
    public void channelInactive(io.netty.channel.ChannelHandlerContext ctx) {
      var then = pending;
      pending = null;
      if (then != null) {
        then.accept(null);
      }
    }

    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
