package org.trialfhir.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code serve} and {@code import} tell the operator of a registry-sized store whose heap is not in pre-touched
 * huge pages.
 *
 * <p>Measured at 500,000 trials on a 2-core virtual machine (README "A registry-sized server"): with the heap in 4 KB
 * pages a plain read's p99 was 11–15 ms and even Jetty's own 404 had a p99 of 15 ms, while with
 * {@code -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch} both were 3.5–5 ms (the page-table work of an 8 GB heap,
 * not the code, was the tail). Huge pages without pre-touching were worse than none: each first touch of a region
 * faulted in and zeroed 2 MB, and young collections took 1–2 s. A bulk import pays the same page-table work in CPU:
 * README "Bulk import" has its figures. The JVM's flags cannot be set from inside the jar, so the command says it
 * once, at start, and only where the machine offers transparent huge pages.
 */
final class HugePageAdvice {
  /** From this many studies (or record files) the cost of 4 KB pages showed; below it it did not, or pre-touching
   * the heap costs more than it saves. */
  static final long STUDIES = 100_000;
  private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
  private static final String FLAGS = "-Xms equal to -Xmx, -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch";

  /** The JVM's settings and the operating system's transparent huge page mode ({@code always}, {@code madvise}...). */
  record Vm(boolean transparentHugePages, boolean alwaysPreTouch, String thpMode) {}

  /** Who asks: the command, what it counts, what huge pages give it, and where the README says more. */
  enum Use {
    SERVE("serve", "studies", "for shorter latency tails", "A registry-sized server"),
    IMPORT("import", "record files", "for less CPU a record", "Bulk import");

    private final String command;
    private final String counted;
    private final String gain;
    private final String section;

    Use(String command, String counted, String gain, String section) {
      this.command = command;
      this.counted = counted;
      this.gain = gain;
      this.section = section;
    }
  }

  private HugePageAdvice() {}

  /** The line {@code use} prints for {@code count} studies or files on {@code vm}, if there is one. */
  static Optional<String> advice(Use use, long count, Vm vm) {
    boolean offered = vm.thpMode().equals("madvise") || vm.thpMode().equals("always");
    if (count < STUDIES || !offered || vm.alwaysPreTouch() && usesHugePages(vm)) {
      return Optional.empty(); // small, or "never" (or no such setting): nothing to offer, or already so
    }
    if (usesHugePages(vm)) {
      return Optional.of(String.format(Locale.ROOT, "trialfhir %s: %,d %s, the heap in transparent huge pages"
          + " (%s) but not pre-touched: each first touch of a heap region faults in 2 MB and stalls the collector;"
          + " start java with %s (README \"%s\").", use.command, count, use.counted, vm.thpMode(), FLAGS,
          use.section));
    }
    return Optional.of(String.format(Locale.ROOT, "trialfhir %s: %,d %s with the heap in 4 KB pages; this"
        + " machine offers transparent huge pages (madvise): start java with %s %s (README \"%s\").",
        use.command, count, use.counted, FLAGS, use.gain, use.section));
  }

  private static boolean usesHugePages(Vm vm) {
    return vm.transparentHugePages() || vm.thpMode().equals("always");
  }

  /** This JVM and operating system. */
  static Vm current() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    return new Vm(flag(hotspot, "UseTransparentHugePages"), flag(hotspot, "AlwaysPreTouch"), thpMode());
  }

  private static boolean flag(HotSpotDiagnosticMXBean hotspot, String name) {
    try {
      return Boolean.parseBoolean(hotspot.getVMOption(name).getValue());
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  /** The bracketed word of {@code always [madvise] never}, or "" where the file is missing or unreadable. */
  static String thpMode(String setting) {
    int open = setting.indexOf('[');
    int close = setting.indexOf(']', open + 1);
    return open < 0 || close < 0 ? "" : setting.substring(open + 1, close);
  }

  private static String thpMode() {
    try {
      return thpMode(Files.readString(THP_MODE));
    } catch (IOException | SecurityException e) {
      return "";
    }
  }
}
