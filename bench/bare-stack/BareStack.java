// The floor of the daemon's start (issue 13): the daemon's stack with no NXS logic — the same jar on
// the class path, SQLite opened through sqlite-jdbc (a table created), Javalin on Jetty with virtual
// threads serving GET /readyz with a JSON body — started by the same `java` with the same flags and
// an AOT cache of its own, and timed to /readyz 200 like the daemon. Bench-only code, never shipped:
// bench/daemon-startup.sh compiles it against the daemon's jar into a jar of its own (an AOT cache
// takes only jars on its class path).
//
//   java -cp <nxs jar>:<this class's jar> BareStack DB_FILE [train]
//   prints "listening on port N"; with "train" it answers one /readyz itself, stops and exits 0
//   (the run that writes its AOT cache); without, it serves until SIGTERM.
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

public final class BareStack {
  public static void main(String[] args) throws Exception {
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
    try (var s = db.createStatement()) {
      s.execute("create table if not exists t (k text primary key, v text)");
    }
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.concurrency.useVirtualThreads = true;
              cfg.routes.get("/readyz", ctx -> ctx.json(Map.of("status", "ready")));
            });
    app.start("127.0.0.1", 0);
    System.out.println("listening on port " + app.port());
    System.out.flush();
    if (args.length > 1 && args[1].equals("train")) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      app.stop();
      db.close();
      System.exit(r.statusCode() == 200 ? 0 : 1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
  }
}
