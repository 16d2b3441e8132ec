package org.trialfhir.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;

/**
 * Reads every {@code mappings/ConceptMap-*.json} on the classpath and answers registry-term lookups from them: a
 * source code (a CT.gov enum word, a drug name, a unit spelling, ...) in, the target {@link Coding} out.
 *
 * <p>Each map is turned once into two hash tables, source code as written and source code folded (lower case, runs
 * of white space as one space, trimmed), so a lookup is two hash probes. A target whose equivalence is
 * {@code unmatched} (or {@code disjoint}) is a known term without a target.
 */
public final class ConceptMaps {
  /** Classpath folder of the maps; the pom packs {@code mappings/} there. */
  public static final String FOLDER = "mappings";
  /** Canonical base of our ConceptMaps: {@code url} is this plus the map id. */
  public static final String CANONICAL_BASE = "https://trialfhir.org/fhir/ConceptMap/";

  private static final String PREFIX = "ConceptMap-";
  private static final String SUFFIX = ".json";

  private final List<ConceptMap> maps;
  private final Map<String, Table> tables;

  private ConceptMaps(List<ConceptMap> maps, Map<String, Table> tables) {
    this.maps = List.copyOf(maps);
    // A HashMap, not Map.copyOf's table: every translation looks its map up here, and the immutable map's probe (a
    // floorMod per look-up) was 0.8% of the import worker's samples.
    this.tables = Collections.unmodifiableMap(new HashMap<>(tables));
  }

  /**
   * Loads every ConceptMap-*.json from the classpath folder "mappings/" (packed into the jar by the pom; in tests
   * they come from target/classes/mappings). A file that does not parse, whose id does not match its file name, or
   * whose source codes are ambiguous fails the load with an exception naming the file.
   */
  public static ConceptMaps load(FhirContext ctx) {
    IParser parser = ctx.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    List<ConceptMap> maps = new ArrayList<>();
    Map<String, Table> tables = new LinkedHashMap<>();
    for (String path : ClasspathFolder.list(FOLDER)) {
      String file = path.substring(path.lastIndexOf('/') + 1);
      if (!file.startsWith(PREFIX) || !file.endsWith(SUFFIX)) {
        continue;
      }
      ConceptMap map = parse(parser, path);
      String id = file.substring(PREFIX.length(), file.length() - SUFFIX.length());
      if (!id.equals(map.getIdElement().getIdPart())) {
        throw new IllegalStateException(path + ": id '" + map.getIdElement().getIdPart() + "' does not match the file name");
      }
      maps.add(map);
      tables.put(id, Table.of(path, map));
    }
    return new ConceptMaps(maps, tables);
  }

  /**
   * Target coding for a source code in the map with this id (e.g. "ctgov-phase"), matched exactly, then
   * case-insensitively with white space folded; empty when unmapped, when the equivalence is unmatched, or when the
   * code is null. The coding is a fresh copy the caller may change.
   *
   * @throws IllegalArgumentException when no map has this id
   */
  public Optional<Coding> translate(String mapId, String sourceCode) {
    Entry entry = table(mapId).find(sourceCode);
    return entry == null || entry.target() == null ? Optional.empty() : Optional.of(entry.target().copy());
  }

  /**
   * Whether the map knows the code at all (also true for an explicit 'unmatched' element), with the same matching
   * as {@link #translate}.
   *
   * @throws IllegalArgumentException when no map has this id
   */
  public boolean knows(String mapId, String sourceCode) {
    return table(mapId).find(sourceCode) != null;
  }

  /**
   * The source codes of a map as its file writes them, in file order: the vocabulary a reader can look for in free
   * text (drug names, route words).
   *
   * @throws IllegalArgumentException when no map has this id
   */
  public List<String> sourceCodes(String mapId) {
    return table(mapId).sourceCodes();
  }

  /** Every loaded map, in file-name order. */
  public List<ConceptMap> all() {
    return maps;
  }

  private Table table(String mapId) {
    Table table = tables.get(mapId);
    if (table == null) {
      throw new IllegalArgumentException(
          "no " + FOLDER + "/" + PREFIX + mapId + SUFFIX + " on the classpath (loaded: " + tables.keySet() + ")");
    }
    return table;
  }

  private static ConceptMap parse(IParser parser, String path) {
    InputStream in = ClasspathFolder.classLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(path + ": listed but cannot be read from the classpath");
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parser.parseResource(ConceptMap.class, reader);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(path + ": not a valid FHIR R4 ConceptMap: " + e.getMessage(), e);
    }
  }

  /** Lower case, runs of white space (no-break spaces included) as one space, trimmed. */
  static String fold(String code) {
    String ascii = foldAscii(code);
    return ascii != null ? ascii : foldAny(code);
  }

  /**
   * {@link #fold} of an ASCII code in one pass over it (most lookups that miss the exact table, every one of them
   * folded: the Unicode white-space tests and the second copy made by {@code toLowerCase} were most of a lookup); null
   * when the code has a character that is not ASCII. An ASCII character is white space to {@link #foldAny} when it is
   * to {@link Character#isWhitespace} (tab to carriage return, the four separators U+001C to U+001F, space), and lower
   * case as {@code toLowerCase(Locale.ROOT)} makes it when it is A to Z.
   */
  static String foldAscii(String code) {
    int n = code.length();
    byte[] out = null;
    int length = 0;
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = code.charAt(i);
      if (c >= 128) {
        return null;
      }
      if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001C' && c <= '\u001F')) {
        space = length > 0;
        continue;
      }
      if (out == null) {
        out = new byte[n];
      }
      if (space) {
        out[length++] = ' ';
        space = false;
      }
      out[length++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return length == 0 ? "" : new String(out, 0, length, StandardCharsets.ISO_8859_1);
  }

  /** {@link #fold} of any code: the Unicode white-space tests, then {@code toLowerCase(Locale.ROOT)}. */
  static String foldAny(String code) {
    StringBuilder out = new StringBuilder(code.length());
    boolean space = false;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = out.length() > 0;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** One source code and its target, null when the term is known to have none. */
  private record Entry(String sourceCode, Coding target) {}

  /** The lookup tables of one map. */
  private record Table(Map<String, Entry> exact, Map<String, Entry> folded, List<String> sourceCodes) {
    Entry find(String code) {
      if (code == null) {
        return null;
      }
      Entry entry = exact.get(code);
      return entry != null ? entry : folded.get(fold(code));
    }

    static Table of(String path, ConceptMap map) {
      Map<String, Entry> exact = new HashMap<>();
      Map<String, Entry> folded = new HashMap<>();
      List<String> codes = new ArrayList<>();
      for (ConceptMapGroupComponent group : map.getGroup()) {
        for (SourceElementComponent element : group.getElement()) {
          String code = element.getCode();
          if (code == null || code.isBlank()) {
            throw new IllegalStateException(path + ": an element of group " + group.getTarget() + " has no code");
          }
          Entry entry = new Entry(code, target(group, element));
          if (exact.putIfAbsent(code, entry) != null) {
            throw new IllegalStateException(path + ": source code '" + code + "' appears twice");
          }
          Entry other = folded.putIfAbsent(fold(code), entry);
          if (other != null && !sameTarget(other.target(), entry.target())) {
            throw new IllegalStateException(path + ": source codes '" + other.sourceCode() + "' and '" + code
                + "' differ only in case or spacing but map to different targets");
          }
          codes.add(code);
        }
      }
      return new Table(exact, folded, Collections.unmodifiableList(codes));
    }

    /** The first target that is a match; null when every target is unmatched or disjoint, or there is none. */
    private static Coding target(ConceptMapGroupComponent group, SourceElementComponent element) {
      for (TargetElementComponent target : element.getTarget()) {
        ConceptMapEquivalence equivalence = target.getEquivalence();
        if (equivalence == ConceptMapEquivalence.UNMATCHED || equivalence == ConceptMapEquivalence.DISJOINT
            || !target.hasCode()) {
          continue;
        }
        Coding coding = new Coding(group.getTarget(), target.getCode(), target.getDisplay());
        if (group.hasTargetVersion()) {
          coding.setVersion(group.getTargetVersion());
        }
        return coding;
      }
      return null;
    }

    private static boolean sameTarget(Coding a, Coding b) {
      return a == null ? b == null : b != null && a.equalsDeep(b);
    }
  }
}
