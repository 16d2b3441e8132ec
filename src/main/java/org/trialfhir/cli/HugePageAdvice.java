package org.trialfhir.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code serve} tells the operator of a registry-sized store whose heap is not in pre-touched huge pages.
 *
 * <p>Measured at 500,000 trials on a 2-core virtual machine (README "A registry-sized server"): with the heap in 4 KB
 * pages a plain read's p99 was 11–15 ms and even Jetty's own 404 had a p99 of 15 ms, while with
 * {@code -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch} both were 3.5–5 ms (the page-table work of an 8 GB heap,
 * not the code, was the tail). Huge pages without pre-touching were worse than none: each first touch of a region
 * faulted in and zeroed 2 MB, and young collections took 1–2 s. The JVM's flags cannot be set from inside the jar, so
 * the server says it once, at start, and only where the machine offers transparent huge pages.
 */
final class HugePageAdvice {
  /** From this many studies the heap is several GB; below it the 4 KB pages' cost did not show. */
  static final long STUDIES = 100_000;
  private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  /** The JVM's settings and the operating system's transparent huge page mode ({@code always}, {@code madvise}...). */
  record Vm(boolean transparentHugePages, boolean alwaysPreTouch, String thpMode) {}

  private HugePageAdvice() {}

  /** The line to print for a server of {@code studies} studies on {@code vm}, if there is one. */
  static Optional<String> advice(long studies, Vm vm) {
    boolean offered = vm.thpMode().equals("madvise") || vm.thpMode().equals("always");
    if (studies < STUDIES || !offered || vm.alwaysPreTouch() && usesHugePages(vm)) {
      return Optional.empty(); // small, or "never" (or no such setting): nothing to offer, or already so
    }
    String flags = "-Xms equal to -Xmx, -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch";
    if (usesHugePages(vm)) {
      return Optional.of(String.format(Locale.ROOT, "trialfhir serve: %,d studies, the heap in transparent huge pages"
          + " (%s) but not pre-touched: each first touch of a heap region faults in 2 MB and stalls the collector;"
          + " start java with %s (README \"A registry-sized server\").", studies, vm.thpMode(), flags));
    }
    return Optional.of(String.format(Locale.ROOT, "trialfhir serve: %,d studies with the heap in 4 KB pages; this"
        + " machine offers transparent huge pages (madvise): start java with %s for shorter latency tails"
        + " (README \"A registry-sized server\").", studies, flags));
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
