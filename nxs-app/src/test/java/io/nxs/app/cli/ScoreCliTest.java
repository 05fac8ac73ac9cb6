package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nxs score} as a person runs it on a folder of generated media: offline on the home, and
 * through a running daemon, with every malformed and extreme case, the daemon healthy after.
 */
class ScoreCliTest {

  @TempDir Path dir;
  private NxsHome home;
  private CliRunner cli;
  private int port;
  private Path media;

  @BeforeEach
  void home() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: " + port)
            + "\nvault:\n  schedule:\n    backup: 0s\n");
    cli = new CliRunner(home.dir());
    media = Files.createDirectories(dir.resolve("media"));
    Files.write(media.resolve("photo.png"), png(scene(320, 240, 1)));
    Files.write(media.resolve("black.png"), png(solid(200, 100, Color.BLACK)));
    Files.write(media.resolve("wide.png"), png(scene(20_000, 24, 2)));
    Files.write(media.resolve("voice.wav"), wav(16000, voice(16000, 2.0, 7)));
    Files.write(media.resolve("silence.wav"), wav(16000, new short[16000]));
    Files.write(media.resolve("tone.wav"), wav(16000, tone(16000, 2.0)));
    Files.write(media.resolve("tiny.wav"), wav(16000, voice(16000, 0.1, 8)));
    Files.writeString(media.resolve("notes.txt"), "not media: a directory scan skips it");
  }

  private Path malformed() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad"));
    byte[] png = png(scene(200, 150, 3));
    Files.write(bad.resolve("zero.png"), new byte[0]);
    Files.write(bad.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    Files.write(bad.resolve("bomb.png"), bomb());
    Files.write(bad.resolve("photo.jpg"), png);
    Files.writeString(bad.resolve("fake.gif"), "GIF? no, text");
    byte[] wav = wav(16000, voice(16000, 1.0, 9));
    Files.write(bad.resolve("truncated.wav"), Arrays.copyOf(wav, wav.length / 2));
    byte[] mp3 = new byte[512];
    mp3[0] = 'I';
    mp3[1] = 'D';
    mp3[2] = '3';
    Files.write(bad.resolve("song.mp3"), mp3);
    return bad;
  }

  @Test
  void aFolderOfMediaGetsAScoreOrAReasonEach() throws Exception {
    CliRunner.Result r = cli.run("score", media.toString(), "-o", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode items = Json.mapper().readTree(r.out());
    assertThat(items).hasSize(7); // notes.txt is not media
    for (JsonNode s : items) {
      assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("scored");
      assertThat(s.path("id").asText()).startsWith("sc-");
    }
    JsonNode photo = find(items, "photo.png");
    assertThat(photo.path("quality").path("value").asDouble()).isBetween(0.0, 100.0);
    assertThat(photo.path("dimensions").fieldNames())
        .toIterable()
        .contains(
            "brisque", "sharpness", "noise", "exposure", "contrast", "colorfulness", "compression");
    JsonNode voice = find(items, "voice.wav");
    assertThat(voice.path("dimensions").fieldNames())
        .toIterable()
        .contains(
            "loudness_lufs",
            "true_peak_dbtp",
            "snr_db",
            "clipping",
            "silence",
            "bandwidth_hz",
            "dc_offset");
    for (String edge :
        new String[] {"black.png", "wide.png", "silence.wav", "tone.wav", "tiny.wav"}) {
      assertThat(find(items, edge).path("flags").toString()).as(edge).contains("edge_case");
    }

    String id = photo.path("id").asText();
    CliRunner.Result show = cli.run("score", "show", id);
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("brisque").contains("builtin-image@");
    assertThat(cli.run("score", "feedback", id, "kept").code()).isZero();
    CliRunner.Result drift = cli.run("score", "drift");
    assertThat(drift.out()).contains("agreement");
  }

  @Test
  void malformedFilesAreRejectedWithReasonsAndExitOne() throws Exception {
    Path bad = malformed();
    CliRunner.Result r = cli.run("score", bad.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.PROBLEM);
    assertThat(r.out())
        .contains("zero.png: the file is empty")
        .contains("truncated.png: ")
        .contains("bomb.png: PNG of 100000x100000")
        .contains("photo.jpg: wrong extension")
        .contains("truncated.wav: the WAV is cut short")
        .contains("song.mp3: MP3 is recognised but not decoded")
        .contains("7 files: 0 scored, 7 not");
  }

  @Test
  void theShippedScoreExampleIsValidConfigurationUncommented() throws Exception {
    String text = new String(NxsHome.defaultConfig(), StandardCharsets.UTF_8);
    int at = text.indexOf("#score:");
    String block = text.substring(at, text.indexOf("\n\n", at));
    String uncommented =
        block
            .lines()
            .map(l -> l.substring(1))
            .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    Path file = dir.resolve("score.yaml");
    Files.writeString(file, uncommented);
    CliRunner.Result r = new CliRunner(null).run("config", "check", file.toString());
    assertThat(uncommented).contains("score:\n").contains("max_pixels: 16777216");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(cli.run("score").code()).isEqualTo(ExitCode.USAGE);
    CliRunner.Result missing = cli.run("score", dir.resolve("nothing-here.png").toString());
    assertThat(missing.code()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("no such file");
    CliRunner.Result verdict = cli.run("score", "feedback", "sc-x", "meh");
    assertThat(verdict.code()).isEqualTo(ExitCode.USAGE);
    assertThat(verdict.err()).contains("up, down, kept or deleted");
  }

  @Test
  void throughTheDaemonEveryBadFileIsRejectedAndTheDaemonStaysHealthy() throws Exception {
    Path bad = malformed();
    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
        HttpClient http = HttpClient.newHttpClient()) {
      CliRunner.Result r = cli.run("score", bad.toString(), media.toString(), "-o", "json");
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.PROBLEM);
      JsonNode items = Json.mapper().readTree(r.out());
      assertThat(items).hasSize(14);
      assertThat(items.findValuesAsText("status")).containsOnly("scored", "rejected");
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      String key = Files.readString(home.adminKey()).strip();
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .containsPattern("nxs_score_rejections_total\\{[^}]*reason=\"too_large\"")
          .contains("nxs_score_items_total")
          .contains("nxs_score_review_queue");
      // the daemon kept every score: the CLI can look one up through it
      String id = find(items, "photo.png").path("id").asText();
      assertThat(cli.run("score", "show", id, "-o", "json").out()).contains(id);
      assertThat(cli.run("score", "review").code()).isZero();
    }
  }

  private static JsonNode find(JsonNode items, String name) {
    for (JsonNode s : items) {
      if (s.path("file").asText().endsWith(name)) {
        return s;
      }
    }
    throw new AssertionError("no " + name + " in " + items);
  }

  static BufferedImage scene(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 40 * Math.sin(x * 0.05) * Math.cos(y * 0.07) + r.nextGaussian() * 5;
        int g = (int) Math.max(0, Math.min(255, 120 + v));
        img.setRGB(x, y, new Color(Math.min(255, g + 20), g, Math.max(0, g - 20)).getRGB());
      }
    }
    return img;
  }

  static BufferedImage solid(int w, int h, Color c) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static short[] voice(int rate, double seconds, long seed) {
    Random r = new Random(seed);
    short[] x = new short[(int) (rate * seconds)];
    for (int i = 0; i < x.length; i++) {
      double t = (double) i / rate;
      double env = t % 0.25 < 0.2 ? Math.sin(Math.PI * (t % 0.25) / 0.2) : 0;
      double v = 0;
      for (int k = 1; k < 20; k++) {
        v += Math.sin(2 * Math.PI * 130 * k * t) / k;
      }
      x[i] = (short) Math.round(6000 * env * v + r.nextGaussian() * 60);
    }
    return x;
  }

  static short[] tone(int rate, double seconds) {
    short[] x = new short[(int) (rate * seconds)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (short) Math.round(12000 * Math.sin(2 * Math.PI * 1000 * i / rate));
    }
    return x;
  }

  static byte[] wav(int rate, short[] samples) {
    ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples.length * 2);
    b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1);
    b.putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples.length * 2);
    for (short s : samples) {
      b.putShort(s);
    }
    return b.array();
  }

  static byte[] bomb() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    byte[] ihdr =
        ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2).array();
    chunk(b, "IHDR", ihdr);
    chunk(b, "IEND", new byte[0]);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    b.putInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
  }
}
