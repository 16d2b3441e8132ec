package org.trialfhir.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line progress bar redrawn in place on a terminal ({@code [=====>    ] 1200/5000 24% 310/s 2 failed}), at
 * most every {@value #REDRAW_MILLIS} ms; silent when disabled.
 */
final class ProgressBar {
  private static final long REDRAW_MILLIS = 200;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final int total;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private int done;
  private int failed;
  private long lastDrawn;

  ProgressBar(PrintStream out, int total, boolean enabled) {
    this.out = out;
    this.total = total;
    this.enabled = enabled;
  }

  /** Whether stderr is a terminal (Linux: fd 2 is a tty device; elsewhere: the JVM has a console). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  synchronized void step(boolean stepFailed) {
    done++;
    if (stepFailed) {
      failed++;
    }
    long now = System.nanoTime();
    if (enabled && (now - lastDrawn >= REDRAW_MILLIS * 1_000_000 || done == total)) {
      lastDrawn = now;
      draw(now);
    }
  }

  /** Ends the line so what follows starts on a fresh one. */
  synchronized void finish() {
    if (enabled) {
      draw(System.nanoTime());
      out.println();
      out.flush();
    }
  }

  private void draw(long now) {
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    StringBuilder bar = new StringBuilder("\r[");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    bar.append(String.format("] %d/%d %3d%% %.0f/s", done, total, total == 0 ? 100 : 100L * done / total,
        done / seconds));
    if (failed > 0) {
      bar.append(' ').append(failed).append(" failed");
    }
    out.print(bar);
    out.flush();
  }
}
