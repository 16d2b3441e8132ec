package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RecordFiles}: the regular files under a folder, its sub-folders included, in path order; hidden files and
 * everything in hidden folders left out; a link to a file counts as that file, a link to a folder is not followed.
 */
class RecordFilesTest {

  @Test
  void regularFilesInPathOrderWithoutHiddenOnesOrLinkedFolders(@TempDir Path dir) throws IOException {
    Path b = write(dir.resolve("0001/b.json"));
    Path a = write(dir.resolve("0000/a.txt"));
    // "0000.x" sorts before "0000/..." byte by byte ('.' < '/'): the order is the paths', not the walk's.
    Path dotted = write(dir.resolve("0000.x/c.txt"));
    Path deep = write(dir.resolve("0001/deeper/d.txt"));
    write(dir.resolve(".git/objects/e"));
    write(dir.resolve("0000/.DS_Store"));
    write(dir.resolve("0001/.hidden/f.txt"));
    Files.createDirectories(dir.resolve("empty"));
    Path link = Files.createSymbolicLink(dir.resolve("0002-link.txt"), a);
    Files.createSymbolicLink(dir.resolve("0003-folder-link"), dir.resolve("0001"));
    Files.createSymbolicLink(dir.resolve("0004-broken"), dir.resolve("nowhere"));

    List<Path> expected = List.of(dotted, a, b, deep, link).stream().sorted().toList();
    assertEquals(expected, RecordFiles.under(dir));
    assertEquals(asFilesWalkListsThem(dir), RecordFiles.under(dir), "what the listing gave before it was made cheaper");
  }

  @Test
  void aFolderThatIsNotThereCannotBeListed(@TempDir Path dir) {
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RecordFiles.under(dir.resolve("gone")));
    assertTrue(e.getMessage().startsWith("cannot list " + dir.resolve("gone")), e.getMessage());
  }

  /** The listing before walkFileTree: Files.walk, Files.isRegularFile, no part of the relative path hidden. */
  private static List<Path> asFilesWalkListsThem(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> {
            for (Path part : dir.relativize(f)) {
              if (part.toString().startsWith(".")) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    }
  }

  private static Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, file.getFileName().toString());
  }
}
