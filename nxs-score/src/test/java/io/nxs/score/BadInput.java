package io.nxs.score;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The malformed inputs of SPEC SC2, each with the rejection code it must get; shared by the engine,
 * API and CLI tests.
 */
final class BadInput {

  private BadInput() {}

  /** File name to {bytes, expected reject code}. */
  static Map<String, Object[]> cases() {
    Map<String, Object[]> m = new LinkedHashMap<>();
    byte[] png = TestMedia.png(TestMedia.scene(200, 150, 3));
    byte[] jpg = TestMedia.jpeg(TestMedia.scene(200, 150, 4), 0.8f);
    byte[] wav = TestMedia.wav(16000, 16, TestMedia.voice(16000, 1.5, 20, 5));
    m.put("zero.png", new Object[] {new byte[0], "empty"});
    m.put("truncated.png", new Object[] {Arrays.copyOf(png, png.length / 2), "corrupt|truncated"});
    m.put("truncated.jpg", new Object[] {Arrays.copyOf(jpg, jpg.length / 2), "truncated|corrupt"});
    byte[] header = png.clone();
    header[16] = (byte) 0xff; // width's high byte: the IHDR CRC no longer matches
    m.put("corrupt-header.png", new Object[] {header, "corrupt|truncated"});
    m.put("bomb.png", new Object[] {bombPng(100_000, 100_000), "too_large"});
    m.put(
        "text.png",
        new Object[] {
          "hello, I am not an image".getBytes(StandardCharsets.UTF_8), "unknown_format"
        });
    m.put("photo.jpg", new Object[] {png, "wrong_extension"});
    m.put("song.mp3", new Object[] {mp3Header(), "unsupported_codec"});
    m.put("adpcm.wav", new Object[] {adpcmWav(), "unsupported_codec"});
    m.put("truncated.wav", new Object[] {Arrays.copyOf(wav, wav.length / 2), "truncated"});
    m.put("header-only.wav", new Object[] {Arrays.copyOf(wav, 44), "truncated|empty"});
    m.put("garbage.flac", new Object[] {flacGarbage(), "corrupt|truncated|empty"});
    return m;
  }

  /** A valid PNG header declaring a huge image, with one tiny IDAT: a decompression bomb. */
  static byte[] bombPng(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 12 + 12).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IDAT", new byte[0]);
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

  private static byte[] mp3Header() {
    byte[] b = new byte[2048];
    b[0] = 'I';
    b[1] = 'D';
    b[2] = '3';
    b[3] = 4;
    return b;
  }

  /** A RIFF/WAVE file whose fmt chunk says IMA ADPCM (format 0x11). */
  private static byte[] adpcmWav() {
    ByteBuffer b = ByteBuffer.allocate(44 + 256).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(36 + 256)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
        .putInt(16)
        .putShort((short) 0x11)
        .putShort((short) 1)
        .putInt(16000)
        .putInt(8000)
        .putShort((short) 256)
        .putShort((short) 4);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(256);
    return b.array();
  }

  private static byte[] flacGarbage() {
    byte[] b = new byte[4096];
    new java.util.Random(1).nextBytes(b);
    b[0] = 'f';
    b[1] = 'L';
    b[2] = 'a';
    b[3] = 'C';
    return b;
  }
}
