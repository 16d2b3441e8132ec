package org.trialfhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RecursiveTask;

/**
 * Lists the trial record files under a directory, as {@code import} and {@code serve --data} both read it: every
 * regular file in it and its sub-folders (a generated corpus is written in shard sub-folders), hidden files and
 * hidden folders aside, in path order.
 */
public final class RecordFiles {
  /**
   * Entries whose attributes one task reads: a folder's entries are read on every core in slices of this many, so a
   * corpus of one flat folder is listed in parallel as well as one of shards.
   */
  private static final int SLICE = 1024;

  private RecordFiles() {}

  /**
   * Every regular, non-hidden file under {@code dir}, in path order; a symbolic link counts as the file it points to,
   * and {@code dir} may be a link to a folder (links to folders inside it are not followed).
   *
   * @throws UncheckedIOException if the directory cannot be walked
   */
  public static List<Path> under(Path dir) {
    // A stat per entry is most of a listing (about 2 of 3 s of CPU for 500,000 files), and where the inodes are not
    // cached each one waits on the disk: with the folders and slices of their entries on every core, several reads
    // are in flight (500,000 files on a cold ext4 image: 105 s on one thread, 59-69 s on two).
    ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), RecordFiles::thread, null, false);
    try {
      return pool.invoke(new Root(dir));
    } catch (RuntimeException e) {
      IOException cause = ioCause(e);
      if (cause == null) {
        throw e;
      }
      throw new UncheckedIOException("cannot list " + dir + ": " + cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** What {@code dir} itself is decides: a folder (or a link to one) is listed, a file (or a link to one) is itself. */
  private static final class Root extends RecursiveTask<List<Path>> {
    private final Path dir;

    Root(Path dir) {
      this.dir = dir;
    }

    @Override
    protected List<Path> compute() {
      // The folder named is listed through a link too (as `find -H` does): whoever named it meant its files, and
      // before this `import LINK` stored nothing and said all was well. Links to folders inside it are not followed:
      // one pointing back up would list forever.
      if (Files.isDirectory(dir)) {
        return new Folder(dir).compute();
      }
      return Entry.of(dir) == null ? List.of() : List.of(dir);
    }
  }

  /** One folder's files, its sub-folders' included, in path order. */
  private static final class Folder extends RecursiveTask<List<Path>> {
    private final Path path;

    Folder(Path path) {
      this.path = path;
    }

    @Override
    protected List<Path> compute() {
      List<Path> visible = visibleEntries(path);
      Entry[] entries = new Entry[visible.size()];
      List<Slice> slices = new ArrayList<>();
      for (int from = 0; from < entries.length; from += SLICE) {
        slices.add(new Slice(visible, entries, from, Math.min(entries.length, from + SLICE)));
      }
      ForkJoinTask.invokeAll(slices);
      List<Entry> sorted = Arrays.stream(entries).filter(Objects::nonNull).sorted(Comparator.comparing(Entry::key))
          .toList();

      List<Folder> below = new ArrayList<>();
      for (Entry entry : sorted) {
        if (entry.folder()) {
          below.add(new Folder(entry.path()));
        }
      }
      for (Folder folder : below) {
        folder.fork();
      }
      List<Path> files = new ArrayList<>(sorted.size());
      int next = 0;
      for (Entry entry : sorted) {
        if (entry.folder()) {
          files.addAll(below.get(next++).join());
        } else {
          files.add(entry.path());
        }
      }
      return files;
    }
  }

  /** Reads the attributes of entries {@code from} to {@code to} of a folder. */
  private static final class Slice extends RecursiveAction {
    private final List<Path> paths;
    private final Entry[] entries;
    private final int from;
    private final int to;

    Slice(List<Path> paths, Entry[] entries, int from, int to) {
      this.paths = paths;
      this.entries = entries;
      this.from = from;
      this.to = to;
    }

    @Override
    protected void compute() {
      for (int i = from; i < to; i++) {
        entries[i] = Entry.of(paths.get(i));
      }
    }
  }

  /**
   * A file to list or a folder to descend into. Its {@code key} orders siblings as their paths, and everything under
   * them, sort: a folder's stands for the paths inside it ({@code a/...}), so {@code a-b} and {@code a.txt} (whose
   * {@code -} and {@code .} sort before {@code /}) come before the files in folder {@code a}, as in one sort of all
   * the paths.
   */
  private record Entry(Path path, Path key, boolean folder) {
    /** The entry, or null when it is neither a regular file (or a link to one) nor a folder (a link is not followed). */
    static Entry of(Path path) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (attributes.isDirectory()) {
        // Any name would do: the comparison is decided at the separator at the latest.
        return new Entry(path, path.resolve("inside"), true);
      }
      boolean regular = attributes.isRegularFile() || (attributes.isSymbolicLink() && Files.isRegularFile(path));
      return regular ? new Entry(path, path, false) : null;
    }
  }

  /** A folder's entries but the hidden ones, whose attributes are never read and whose insides are not visited. */
  private static List<Path> visibleEntries(Path folder) {
    List<Path> visible = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      for (Path entry : stream) {
        if (!hidden(entry)) {
          visible.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DirectoryIteratorException e) {
      throw new UncheckedIOException(e.getCause());
    }
    return visible;
  }

  /** A name starting with a dot (.DS_Store, .git). */
  private static boolean hidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }

  /** The first I/O failure in {@code e}'s causes: a task's failure reaches the caller wrapped, perhaps twice. */
  private static IOException ioCause(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  private static ForkJoinWorkerThread thread(ForkJoinPool pool) {
    ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
    thread.setName("trialfhir-list-" + thread.getPoolIndex());
    return thread;
  }
}
