package org.trialfhir.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The golden cases under {@code src/test/resources/cases/<id>/}: each holds one {@code input.*} file. */
public final class Cases {
  public static final Path ROOT = Path.of("src/test/resources/cases");
  /** Run the tests with {@code -Dgolden.update=true} to rewrite expected files; read the diff before committing. */
  public static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private Cases() {}

  public static List<Path> inputs() {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs.sorted().map(Cases::input).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path input(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("input.")).findFirst()
          .orElseThrow(() -> new IllegalStateException(dir + " has no input.* file"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path input(String id) {
    return input(ROOT.resolve(id));
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
