package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RecordFiles}: the regular files under a folder, its sub-folders included, in path order; hidden files and
 * everything in hidden folders left out; a link to a file counts as that file, a link to a folder is followed only when it is the folder named.
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
  void namesThatSortDifferentlyFolderByFolderComeInTheOrderOfAllThePaths(@TempDir Path dir) throws IOException {
    // '!', ' ', '-' and '.' sort before the separator '/', '0' and letters after it: a walk that sorted each folder's
    // names on their own would put "a/b.txt" before "a-c.txt"; a sort of the whole paths puts it after.
    for (String name : List.of("a/b.txt", "a-c.txt", "a.txt", "a b/c.txt", "a!.txt", "a0.txt", "a/a/b", "a/a-b",
        "a/a.b/c", "ab/c", "a-/d/e.txt", "z.json", "\u00e9/x.txt", "e/x.txt", "E.txt", "shards/0000/NCT1.txt",
        "shards/0000.5/NCT2.txt", "shards/00000/NCT3.txt", "shards/0001/deeper/still/NCT4.txt", "shards/0001.txt")) {
      write(dir.resolve(name));
    }
    write(dir.resolve(".git/HEAD"));
    write(dir.resolve("a/.hidden/y.txt"));
    write(dir.resolve("a/.z.txt"));
    Files.createSymbolicLink(dir.resolve("a/link.txt"), dir.resolve("a.txt"));
    Files.createSymbolicLink(dir.resolve(".hidden-link.txt"), dir.resolve("a.txt"));
    Files.createSymbolicLink(dir.resolve("a-folder-link"), dir.resolve("a"));
    Files.createSymbolicLink(dir.resolve("a/broken"), dir.resolve("nowhere"));
    // More files than one thread reads the attributes of, numbered without padding: f10 before f2.
    for (int i = 0; i < 2500; i++) {
      write(dir.resolve("shards/0002/f" + i));
    }

    List<Path> listed = RecordFiles.under(dir);

    assertEquals(asOneSortedWalkListsThem(dir), listed, "what the single-threaded walk and sort gave");
    assertEquals(asFilesWalkListsThem(dir), listed);
    assertEquals(List.of("a b/c.txt", "a!.txt", "a-/d/e.txt", "a-c.txt", "a.txt", "a/a-b", "a/a.b/c", "a/a/b",
        "a/b.txt", "a/link.txt", "a0.txt", "ab/c"), listed.subList(1, 13).stream()
        .map(p -> dir.relativize(p).toString()).toList());
    assertEquals(20 + 1 + 2500, listed.size(), "the names written, the link to a file, and the shard of 2,500");
  }

  @Test
  void aFileOrALinkToOneIsItselfAndALinkToAFolderNamedIsListedButNotOneInside(@TempDir Path dir) throws IOException {
    Path file = write(dir.resolve(".hidden.txt"));
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), file);
    Path folderLink = Files.createSymbolicLink(dir.resolve("folder-link"), Files.createDirectories(dir.resolve("f")));
    write(dir.resolve("f/x.txt"));
    write(dir.resolve("f/sub/y.txt"));
    Files.createSymbolicLink(dir.resolve("f/up"), dir);

    assertEquals(List.of(file), RecordFiles.under(file), "named itself, a hidden file is listed");
    assertEquals(List.of(link), RecordFiles.under(link));
    assertEquals(List.of(folderLink.resolve("sub/y.txt"), folderLink.resolve("x.txt")), RecordFiles.under(folderLink),
        "the folder named through a link is listed, under the link's name; the link inside back up is not followed");
  }

  @Test
  void aFolderThatIsNotThereCannotBeListed(@TempDir Path dir) {
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RecordFiles.under(dir.resolve("gone")));
    assertTrue(e.getMessage().startsWith("cannot list " + dir.resolve("gone")), e.getMessage());
  }

  /** The listing before it was parallel: one walkFileTree that kept the attributes it read, then one sort. */
  private static List<Path> asOneSortedWalkListsThem(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
        return !folder.equals(dir) && hidden(folder) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        boolean regular = attributes.isRegularFile() || (attributes.isSymbolicLink() && Files.isRegularFile(file));
        if (regular && (file.equals(dir) || !hidden(file))) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    Collections.sort(files);
    return files;
  }

  private static boolean hidden(Path path) {
    return path.getFileName().toString().startsWith(".");
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
