package org.trialfhir.corpus;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The input formats the corpus is written in: the three renderings the readers in {@code source} know. */
public enum CorpusFormat {
  CTGOV_PAGE("ctgov-page", ".txt"),
  MEDPATH_PAGE("medpath-page", ".txt"),
  CTGOV_JSON("ctgov-json", ".json");

  private final String id;
  private final String extension;

  CorpusFormat(String id, String extension) {
    this.id = id;
    this.extension = extension;
  }

  /** The name the readers report and the command line takes, e.g. {@code ctgov-page}. */
  public String id() {
    return id;
  }

  /** The file name extension, with its dot. */
  public String extension() {
    return extension;
  }

  /**
   * The format with this name.
   *
   * @throws IllegalArgumentException naming the known formats when there is none
   */
  public static CorpusFormat named(String name) {
    for (CorpusFormat format : values()) {
      if (format.id.equals(name.strip())) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown format \"" + name + "\"; known formats: " + known());
  }

  /** The known format names, comma-separated. */
  public static String known() {
    return Arrays.stream(values()).map(CorpusFormat::id).collect(Collectors.joining(", "));
  }
}
