package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.nxs.score.audio.AudioDecoder;
import io.nxs.score.audio.AudioScorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NXS's BS.1770-4 integrated loudness agrees with ffmpeg's {@code ebur128} within 0.5 LU, and its
 * true peak with ffmpeg's within 0.5 dB, on recordings of several rates, depths and channel counts
 * (WAV 8-48 kHz, 8/16/24/32-bit and float, mono and stereo, FLAC).
 */
class LoudnessAgreementTest {

  @TempDir Path dir;

  @Test
  void agreesWithFfmpegEbur128() throws Exception {
    ToolCheck.ffmpeg();
    Map<String, byte[]> clips = new LinkedHashMap<>();
    clips.put("speech-clean.wav", Goldens.read("speech-clean.wav"));
    clips.put("speech-noisy.flac", Goldens.read("speech-noisy.flac"));
    clips.put("voice-8k-16.wav", TestMedia.wav(8000, 16, TestMedia.voice(8000, 3, 25, 1)));
    clips.put("voice-16k-24.wav", TestMedia.wav(16000, 24, TestMedia.voice(16000, 2.5, 15, 2)));
    clips.put("voice-22k-8.wav", TestMedia.wav(22050, 8, TestMedia.voice(22050, 2, 30, 3)));
    clips.put(
        "stereo-44k-32.wav",
        TestMedia.wav(
            44100, 32, TestMedia.voice(44100, 2, 20, 4), TestMedia.voice(44100, 2, 10, 5)));
    clips.put("voice-48k-float.wav", TestMedia.wav(48000, -32, TestMedia.voice(48000, 2, 35, 6)));
    clips.put("quiet-tone.wav", TestMedia.wav(32000, 16, TestMedia.tone(32000, 2, 440, 0.01)));
    AudioScorer scorer = new AudioScorer();
    for (var e : clips.entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.write(p, e.getValue());
      Process proc =
          new ProcessBuilder(
                  List.of(
                      "ffmpeg",
                      "-nostats",
                      "-hide_banner",
                      "-i",
                      p.toString(),
                      "-af",
                      "ebur128=peak=true",
                      "-f",
                      "null",
                      "-"))
              .redirectErrorStream(true)
              .start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(proc.waitFor()).as(out).isZero();
      String summary = out.substring(out.lastIndexOf("Summary:"));
      double lufs = number(summary, "I:\\s+(-?[\\d.]+) LUFS");
      double peak = number(summary, "Peak:\\s+(-?[\\d.]+) dBFS");
      byte[] b = e.getValue();
      Assessment a = scorer.assess(AudioDecoder.decode(b, MediaFormat.sniff(b).orElseThrow(), 600));
      assertThat(a.dimensions().get("loudness_lufs").value())
          .as(e.getKey() + " loudness (ffmpeg " + lufs + ")")
          .isCloseTo(lufs, offset(0.5));
      assertThat(a.dimensions().get("true_peak_dbtp").value())
          .as(e.getKey() + " true peak (ffmpeg " + peak + ")")
          .isCloseTo(peak, offset(0.5));
    }
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
