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
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the files directly inside a classpath folder (such as {@code mappings/} or {@code profiles/}), whether the
 * folder is a directory (tests, {@code target/classes}) or packed in a jar (the shaded {@code trialfhir.jar}).
 */
public final class ClasspathFolder {
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
          case "jar" -> addJar(((JarURLConnection) root.openConnection()), prefix, paths);
          default -> throw new IllegalStateException("cannot list classpath folder " + root);
        }
      }
      // A jar written without directory entries answers getResources(folder) with nothing: scan our own jar too.
      Path codeSource = Path.of(ClasspathFolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(codeSource)) {
        try (JarFile jar = new JarFile(codeSource.toFile())) {
          addEntries(jar, prefix, paths);
        }
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

  private static void addJar(JarURLConnection connection, String prefix, SortedSet<String> paths) throws IOException {
    // A fresh JarFile we close ourselves; the cached one may be shared with the class loader.
    connection.setUseCaches(false);
    try (JarFile jar = connection.getJarFile()) {
      addEntries(jar, prefix, paths);
    }
  }

  private static void addEntries(JarFile jar, String prefix, SortedSet<String> paths) {
    String start = prefix + "/";
    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
      String name = entries.nextElement().getName();
      if (name.startsWith(start) && name.length() > start.length() && name.indexOf('/', start.length()) < 0) {
        paths.add(name);
      }
    }
  }
}
