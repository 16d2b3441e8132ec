package org.trialfhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the trial record files under a directory, as {@code import} and {@code serve --data} both read it: every
 * regular file in it and its sub-folders (a generated corpus is written in shard sub-folders), hidden files and
 * hidden folders aside, in path order.
 */
public final class RecordFiles {
  private RecordFiles() {}

  /**
   * Every regular, non-hidden file under {@code dir}, in path order.
   *
   * @throws UncheckedIOException if the directory cannot be walked
   */
  public static List<Path> under(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk
          .filter(Files::isRegularFile)
          .filter(f -> !hidden(dir.relativize(f)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A name starting with a dot anywhere on the path below the directory (.DS_Store, .git/...). */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
