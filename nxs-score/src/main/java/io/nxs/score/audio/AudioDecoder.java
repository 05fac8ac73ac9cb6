package io.nxs.score.audio;

import io.nxs.score.MediaFormat;
import io.nxs.score.Rejected;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Decodes WAV (the JDK's {@code javax.sound} readers: PCM 8-32 bit integer or 32/64-bit float,
 * plain or WAVE_FORMAT_EXTENSIBLE) and FLAC (jFLAC, ADR 0091) to {@link Sound}, checking the
 * declared duration against the limit before decoding, and refusing what is cut short.
 */
public final class AudioDecoder {

  /** Lowest and highest sample rates accepted. */
  public static final int MIN_RATE = 8000;

  public static final int MAX_RATE = 192_000;

  private AudioDecoder() {}

  /**
   * @param maxSeconds the longest duration accepted
   * @throws Rejected when the bytes are not whole, decodable audio within the limit
   */
  public static Sound decode(byte[] bytes, MediaFormat format, double maxSeconds) {
    return switch (format) {
      case WAV -> wav(bytes, maxSeconds);
      case FLAC -> flac(bytes, maxSeconds);
      default ->
          throw new Rejected(
              "unsupported_codec", format + " audio is not supported: send WAV (PCM) or FLAC");
    };
  }

  private static Sound wav(byte[] bytes, double maxSeconds) {
    AudioInputStream in;
    try {
      in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes));
    } catch (UnsupportedAudioFileException e) {
      throw new Rejected(
          "unsupported_codec",
          "this WAV's encoding is not supported (only PCM and float are): " + oneLine(e));
    } catch (IOException | RuntimeException e) {
      throw new Rejected("corrupt", "the WAV header cannot be read: " + oneLine(e));
    }
    try (in) {
      AudioFormat f = in.getFormat();
      AudioFormat.Encoding enc = f.getEncoding();
      boolean pcm =
          enc.equals(AudioFormat.Encoding.PCM_SIGNED)
              || enc.equals(AudioFormat.Encoding.PCM_UNSIGNED)
              || enc.equals(AudioFormat.Encoding.PCM_FLOAT);
      if (!pcm) {
        throw new Rejected(
            "unsupported_codec",
            "this WAV holds " + enc + " audio; only PCM (integer or float) is scored");
      }
      int channels = f.getChannels();
      int bits = f.getSampleSizeInBits();
      int rate = Math.round(f.getSampleRate());
      checkShape(rate, channels, bits);
      long frames = in.getFrameLength();
      int frameSize = f.getFrameSize();
      if (frames == AudioSystem.NOT_SPECIFIED || frames < 0) {
        frames = (bytes.length - 44L) / frameSize;
      }
      checkDuration(frames, rate, maxSeconds);
      byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, frames * frameSize));
      long got = data.length / frameSize;
      if (got < frames) {
        throw new Rejected(
            "truncated",
            String.format(
                Locale.ROOT,
                "the WAV is cut short: its header promises %.3f s, the file holds %.3f s",
                (double) frames / rate,
                (double) got / rate));
      }
      if (frames == 0) {
        throw new Rejected("empty", "the WAV holds no samples");
      }
      return new Sound(rate, bits, unpack(data, (int) got, f));
    } catch (Rejected e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new Rejected("corrupt", "the WAV cannot be decoded: " + oneLine(e));
    }
  }

  private static float[][] unpack(byte[] data, int frames, AudioFormat f) {
    int channels = f.getChannels();
    int bytesPer = f.getSampleSizeInBits() / 8;
    boolean big = f.isBigEndian();
    boolean floating = f.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT);
    boolean unsigned = f.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED);
    float[][] out = new float[channels][frames];
    if (bytesPer == 2 && !big && !floating && !unsigned) {
      // the common case, 16-bit little-endian PCM, without the general byte assembly
      for (int i = 0, p = 0; i < frames; i++) {
        for (int c = 0; c < channels; c++, p += 2) {
          out[c][i] = (short) ((data[p] & 0xff) | (data[p + 1] << 8)) / 32768f;
        }
      }
      return out;
    }
    int p = 0;
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        long v = 0;
        for (int b = 0; b < bytesPer; b++) {
          int by = data[p + (big ? b : bytesPer - 1 - b)] & 0xff;
          v = (v << 8) | by;
        }
        p += bytesPer;
        float s;
        if (floating) {
          s = bytesPer == 4 ? Float.intBitsToFloat((int) v) : (float) Double.longBitsToDouble(v);
        } else if (unsigned) {
          s = (float) ((v - (1L << (bytesPer * 8 - 1))) / (double) (1L << (bytesPer * 8 - 1)));
        } else {
          int shift = 64 - bytesPer * 8;
          long signed = (v << shift) >> shift;
          s = (float) (signed / (double) (1L << (bytesPer * 8 - 1)));
        }
        out[c][i] = s;
      }
    }
    return out;
  }

  private static Sound flac(byte[] bytes, double maxSeconds) {
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    Collector collector = new Collector(maxSeconds);
    decoder.addPCMProcessor(collector);
    try {
      decoder.decode();
    } catch (Rejected e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new Rejected("corrupt", "the FLAC cannot be decoded: " + oneLine(e));
    }
    return collector.sound();
  }

  /** Gathers jFLAC's decoded blocks, refusing more than the limit as they come. */
  private static final class Collector implements PCMProcessor {
    private final double maxSeconds;
    private StreamInfo info;
    private byte[] data = new byte[0];
    private int size;

    Collector(double maxSeconds) {
      this.maxSeconds = maxSeconds;
    }

    @Override
    public void processStreamInfo(StreamInfo streamInfo) {
      if (info != null) {
        return;
      }
      info = streamInfo;
      checkShape(info.getSampleRate(), info.getChannels(), info.getBitsPerSample());
      if (info.getTotalSamples() > 0) {
        checkDuration(info.getTotalSamples(), info.getSampleRate(), maxSeconds);
      }
    }

    @Override
    public void processPCM(ByteData pcm) {
      int n = pcm.getLen();
      if (size + (long) n > Integer.MAX_VALUE - 16) {
        throw new Rejected("too_long", "the FLAC decodes to more than 2 GiB");
      }
      if (size + n > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(size + n, data.length * 2));
      }
      System.arraycopy(pcm.getData(), 0, data, size, n);
      size += n;
      int frameSize = info.getChannels() * ((info.getBitsPerSample() + 7) / 8);
      checkDuration(size / frameSize, info.getSampleRate(), maxSeconds);
    }

    Sound sound() {
      if (info == null) {
        throw new Rejected("corrupt", "the FLAC has no STREAMINFO block");
      }
      int bits = info.getBitsPerSample();
      int bytesPer = (bits + 7) / 8;
      int frameSize = info.getChannels() * bytesPer;
      int frames = size / frameSize;
      if (info.getTotalSamples() > 0 && frames < info.getTotalSamples()) {
        throw new Rejected(
            "truncated",
            String.format(
                Locale.ROOT,
                "the FLAC is cut short: STREAMINFO promises %.3f s, the frames hold %.3f s",
                (double) info.getTotalSamples() / info.getSampleRate(),
                (double) frames / info.getSampleRate()));
      }
      if (frames == 0) {
        throw new Rejected("empty", "the FLAC holds no samples");
      }
      AudioFormat f =
          new AudioFormat(info.getSampleRate(), bytesPer * 8, info.getChannels(), true, false);
      return new Sound(
          info.getSampleRate(), bits, unpack(java.util.Arrays.copyOf(data, size), frames, f));
    }
  }

  private static void checkShape(int rate, int channels, int bits) {
    if (rate < MIN_RATE || rate > MAX_RATE) {
      throw new Rejected(
          "unsupported_codec",
          "a sample rate of " + rate + " Hz is outside " + MIN_RATE + "-" + MAX_RATE + " Hz");
    }
    if (channels < 1 || channels > 8) {
      throw new Rejected("unsupported_codec", channels + " channels: 1 to 8 are scored");
    }
    if (bits != 8 && bits != 16 && bits != 24 && bits != 32 && bits != 64) {
      throw new Rejected("unsupported_codec", bits + "-bit samples are not supported");
    }
  }

  private static void checkDuration(long frames, int rate, double maxSeconds) {
    double seconds = (double) frames / rate;
    if (seconds > maxSeconds) {
      throw new Rejected(
          "too_long",
          String.format(
              Locale.ROOT,
              "%.1f s of audio is over the limit of %.0f s (score.limits.max_audio_seconds)",
              seconds,
              maxSeconds));
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
