package org.trialfhir.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary synthetic trials are drawn from, read once from {@code src/main/resources/corpus/}:
 * conditions in rank order with their targets, countries with their cities, people's names, institution
 * name patterns and invented company names.
 */
final class Pools {
  private static final String FOLDER = "/corpus/";

  /** A condition as registries name it, with its usual abbreviation (or null), group and CAR targets. */
  record Condition(String name, String abbreviation, String group, List<String> targets) {
    boolean autoimmune() {
      return group.equals("autoimmune");
    }

    boolean solid() {
      return group.equals("solid");
    }
  }

  record City(String name, String state) {}

  /** A country with its ISO 3166 code (for the MedPath flag), dialling code, share of sites and cities. */
  record Country(String name, String iso2, String dial, int weight, List<City> cities) {}

  final List<Condition> conditions = new ArrayList<>();
  final List<Country> countries = new ArrayList<>();
  final int[] countryWeights;
  final List<String> givenNames = new ArrayList<>();
  final List<String> familyNames = new ArrayList<>();
  final List<String> degrees = new ArrayList<>();
  final List<String> institutions = new ArrayList<>();
  /** Company sponsors, in a fixed order that mixes prefixes so the Zipf head is not one prefix. */
  final List<String> companies = new ArrayList<>();

  private static final class Holder {
    static final Pools POOLS = new Pools();
  }

  static Pools get() {
    return Holder.POOLS;
  }

  private Pools() {
    for (String[] row : rows("conditions.tsv")) {
      conditions.add(new Condition(row[0], row[1].equals("-") ? null : row[1], row[2], List.of(row[3].split(","))));
    }
    Map<String, List<City>> cities = new LinkedHashMap<>();
    Map<String, String[]> heads = new LinkedHashMap<>();
    for (String[] row : rows("cities.tsv")) {
      heads.putIfAbsent(row[0], row);
      cities.computeIfAbsent(row[0], k -> new ArrayList<>()).add(new City(row[4], row[5].equals("-") ? null : row[5]));
    }
    for (Map.Entry<String, String[]> head : heads.entrySet()) {
      String[] row = head.getValue();
      countries.add(new Country(row[0], row[1], row[2], Integer.parseInt(row[3]), List.copyOf(cities.get(row[0]))));
    }
    countryWeights = countries.stream().mapToInt(Country::weight).toArray();
    for (String[] row : rows("people.tsv")) {
      (switch (row[0]) {
        case "given" -> givenNames;
        case "family" -> familyNames;
        default -> degrees;
      }).add(row[1]);
    }
    rows("institutions.txt").forEach(row -> institutions.add(row[0]));
    List<String> prefixes = new ArrayList<>();
    List<String> suffixes = new ArrayList<>();
    for (String[] row : rows("companies.tsv")) {
      (row[0].equals("prefix") ? prefixes : suffixes).add(row[1]);
    }
    int p = prefixes.size();
    for (int k = 0; k < p * suffixes.size(); k++) {
      companies.add(prefixes.get(k % p) + " " + suffixes.get((k / p + k) % suffixes.size()));
    }
  }

  /** The file's lines split at tabs, without blank lines and {@code #} comments. */
  private static List<String[]> rows(String file) {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = Pools.class.getResourceAsStream(FOLDER + file)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + FOLDER + file);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          rows.add(line.split("\t"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
