package io.nxs.score;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a file holds, told by its first bytes (never by its name): the formats NXS scores and the
 * common ones it recognises only to refuse them by name.
 */
public enum MediaFormat {
  PNG(Kind.IMAGE, true, List.of("png"), "image/png"),
  JPEG(Kind.IMAGE, true, List.of("jpg", "jpeg", "jpe", "jfif"), "image/jpeg"),
  GIF(Kind.IMAGE, true, List.of("gif"), "image/gif"),
  BMP(Kind.IMAGE, true, List.of("bmp", "dib"), "image/bmp"),
  TIFF(Kind.IMAGE, true, List.of("tif", "tiff"), "image/tiff"),
  WEBP(Kind.IMAGE, true, List.of("webp"), "image/webp"),
  WAV(Kind.AUDIO, true, List.of("wav", "wave"), "audio/wav"),
  FLAC(Kind.AUDIO, true, List.of("flac"), "audio/flac"),
  MP3(Kind.AUDIO, false, List.of("mp3"), "audio/mpeg"),
  OGG(Kind.AUDIO, false, List.of("ogg", "oga", "opus"), "audio/ogg"),
  MP4(Kind.AUDIO, false, List.of("m4a", "mp4", "aac"), "audio/mp4"),
  AVIF(Kind.IMAGE, false, List.of("avif"), "image/avif"),
  HEIC(Kind.IMAGE, false, List.of("heic", "heif"), "image/heic");

  /** What kind of media a format holds. */
  public enum Kind {
    IMAGE,
    AUDIO;

    /** Lower-case name, as in the JSON. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final boolean supported;
  private final List<String> extensions;
  private final String mediaType;

  MediaFormat(Kind kind, boolean supported, List<String> extensions, String mediaType) {
    this.kind = kind;
    this.supported = supported;
    this.extensions = extensions;
    this.mediaType = mediaType;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether NXS decodes it. */
  public boolean supported() {
    return supported;
  }

  public List<String> extensions() {
    return extensions;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The format the bytes start like, if any. */
  public static Optional<MediaFormat> sniff(byte[] b) {
    if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
      return Optional.of(PNG);
    }
    if (starts(b, 0, 0xff, 0xd8, 0xff)) {
      return Optional.of(JPEG);
    }
    if (starts(b, 0, 'G', 'I', 'F', '8')) {
      return Optional.of(GIF);
    }
    if (starts(b, 0, 'B', 'M') && b.length >= 26) {
      return Optional.of(BMP);
    }
    if (starts(b, 0, 'I', 'I', 42, 0) || starts(b, 0, 'M', 'M', 0, 42)) {
      return Optional.of(TIFF);
    }
    if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
      return Optional.of(WEBP);
    }
    if ((starts(b, 0, 'R', 'I', 'F', 'F') || starts(b, 0, 'R', 'F', '6', '4'))
        && starts(b, 8, 'W', 'A', 'V', 'E')) {
      return Optional.of(WAV);
    }
    if (starts(b, 0, 'f', 'L', 'a', 'C')) {
      return Optional.of(FLAC);
    }
    if (starts(b, 0, 'I', 'D', '3') || starts(b, 0, 0xff, 0xfb) || starts(b, 0, 0xff, 0xf3)) {
      return Optional.of(MP3);
    }
    if (starts(b, 0, 'O', 'g', 'g', 'S')) {
      return Optional.of(OGG);
    }
    if (starts(b, 4, 'f', 't', 'y', 'p')) {
      String brand =
          b.length >= 12 ? new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII) : "";
      if (brand.startsWith("avif") || brand.startsWith("avis")) {
        return Optional.of(AVIF);
      }
      if (brand.startsWith("heic") || brand.startsWith("heix") || brand.startsWith("mif1")) {
        return Optional.of(HEIC);
      }
      return Optional.of(MP4);
    }
    return Optional.empty();
  }

  /** The format a file name's extension claims, if it names one. */
  public static Optional<MediaFormat> ofName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return Optional.empty();
    }
    String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    for (MediaFormat f : values()) {
      if (f.extensions.contains(ext)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The format a content type names ({@code image/png}, {@code audio/x-wav}...), if any. */
  public static Optional<MediaFormat> ofContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return Optional.empty();
    }
    String t = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "image/png" -> Optional.of(PNG);
      case "image/jpeg", "image/jpg", "image/pjpeg" -> Optional.of(JPEG);
      case "image/gif" -> Optional.of(GIF);
      case "image/bmp", "image/x-bmp", "image/x-ms-bmp" -> Optional.of(BMP);
      case "image/tiff" -> Optional.of(TIFF);
      case "image/webp" -> Optional.of(WEBP);
      case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> Optional.of(WAV);
      case "audio/flac", "audio/x-flac" -> Optional.of(FLAC);
      case "audio/mpeg", "audio/mp3" -> Optional.of(MP3);
      case "audio/ogg", "audio/opus" -> Optional.of(OGG);
      case "audio/mp4", "audio/aac", "audio/x-m4a" -> Optional.of(MP4);
      case "image/avif" -> Optional.of(AVIF);
      case "image/heic", "image/heif" -> Optional.of(HEIC);
      default -> Optional.empty();
    };
  }

  private static boolean starts(byte[] b, int at, int... magic) {
    if (b.length < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[at + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
