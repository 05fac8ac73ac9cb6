package io.nxs.app.cli;

import io.nxs.vault.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A progress bar on the terminal's standard error for long vault work (interactive runs only). */
final class BarProgress implements Progress {

  private ProgressBar bar;

  @Override
  public synchronized void start(String task, long total) {
    done();
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(Math.max(1, total))
            .setUnit(" MiB", 1024 * 1024)
            .showSpeed()
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
  }

  @Override
  public synchronized void advance(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public synchronized void done() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
