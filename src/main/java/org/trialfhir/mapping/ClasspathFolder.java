package org.trialfhir.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the files directly inside a classpath folder (such as {@code mappings/} or {@code profiles/}), whether the
 * folder is a directory (tests, {@code target/classes}) or packed in a jar (the shaded {@code trialfhir.jar}).
 */
public final class ClasspathFolder {
  /**
   * Entry names per jar file, read once: the shaded jar holds ~60,000 entries (HAPI's validation resources), and
   * start-up lists several folders of it — rescanning it for each cost a large share of start-up.
   */
  private static final Map<Path, List<String>> JAR_ENTRIES = new ConcurrentHashMap<>();

  private ClasspathFolder() {}

  /**
   * Resource paths ({@code "mappings/ConceptMap-ctgov-phase.json"}) of the regular files directly in {@code folder},
   * sorted, each once even when several classpath roots hold the folder; empty when no root holds it.
   */
  public static List<String> list(String folder) {
    String prefix = folder.replaceAll("^/+|/+$", "");
    SortedSet<String> paths = new TreeSet<>();
    try {
      Enumeration<URL> roots = classLoader().getResources(prefix);
      while (roots.hasMoreElements()) {
        URL root = roots.nextElement();
        switch (root.getProtocol()) {
          case "file" -> addDirectory(Path.of(root.toURI()), prefix, paths);
          case "jar" -> addEntries(entries(jarPath((JarURLConnection) root.openConnection())), prefix, paths);
          default -> throw new IllegalStateException("cannot list classpath folder " + root);
        }
      }
      // A jar written without directory entries answers getResources(folder) with nothing: scan our own jar too.
      Path codeSource = Path.of(ClasspathFolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(codeSource)) {
        addEntries(entries(codeSource), prefix, paths);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list classpath folder " + prefix, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot list classpath folder " + prefix, e);
    }
    return List.copyOf(paths);
  }

  static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ClasspathFolder.class.getClassLoader();
  }

  private static void addDirectory(Path dir, String prefix, SortedSet<String> paths) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> paths.add(prefix + "/" + f.getFileName()));
    }
  }

  private static Path jarPath(JarURLConnection connection) {
    try {
      return Path.of(connection.getJarFileURL().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot list classpath folder in " + connection.getJarFileURL(), e);
    }
  }

  private static List<String> entries(Path jarFile) {
    return JAR_ENTRIES.computeIfAbsent(jarFile.toAbsolutePath().normalize(), path -> {
      try (JarFile jar = new JarFile(path.toFile())) {
        return jar.stream().map(JarEntry::getName).toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
      }
    });
  }

  private static void addEntries(List<String> names, String prefix, SortedSet<String> paths) {
    String start = prefix + "/";
    for (String name : names) {
      if (name.startsWith(start) && name.length() > start.length() && name.indexOf('/', start.length()) < 0) {
        paths.add(name);
      }
    }
  }

}
