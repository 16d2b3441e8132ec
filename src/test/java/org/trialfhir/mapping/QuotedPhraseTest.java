package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * QuotedPhrase matches where the patterns it replaced in ThresholdExtractor match, and ends where they end: the unit
 * spellings ({@code \s*(tolerant spelling)(?![\p{L}\p{N}])}) and the analyte alternation
 * ({@code (?:words\s+words|...|aged?)(?![\p{L}\p{N}\-])}), over the golden inputs and random text.
 */
class QuotedPhraseTest {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final ConceptMaps MAPS = ConceptMaps.load(FhirContext.forR4Cached());
  private static final List<String> UNITS = longestFirst(MAPS.sourceCodes("unit-ucum"));
  private static final List<String> ANALYTES = longestFirst(MAPS.sourceCodes("analyte-loinc"));

  private static List<String> longestFirst(List<String> codes) {
    List<String> sorted = new ArrayList<>(new LinkedHashSet<>(codes));
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    sorted.removeIf(String::isBlank);
    return sorted;
  }

  // ---- the patterns as ThresholdExtractor compiled them before ---------------------------------------------

  private static String tolerantPattern(String spelling) {
    StringBuilder pattern = new StringBuilder();
    String s = spelling.strip();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        while (i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
          i++;
        }
        pattern.append("\\s*");
      } else {
        pattern.append(Pattern.quote(String.valueOf(c)));
        if (!Character.isLetterOrDigit(c) && i + 1 < s.length()) {
          pattern.append("\\s*");
        }
      }
    }
    return pattern.toString();
  }

  private static Pattern unitPattern(String spelling) {
    return Pattern.compile("\\s*(" + tolerantPattern(spelling) + ")"
        + (Character.isLetterOrDigit(spelling.charAt(spelling.length() - 1)) ? "(?![\\p{L}\\p{N}])" : ""), FLAGS);
  }

  private static Pattern analytePattern(List<String> phrases) {
    List<String> bodies = new ArrayList<>();
    for (String phrase : phrases) {
      String body = String.join("\\s+", Stream.of(phrase.strip().split("\\s+")).map(Pattern::quote).toList());
      bodies.add(phrase.equalsIgnoreCase(ThresholdExtractor.AGE) ? body + "d?" : body);
    }
    return Pattern.compile("(?:" + String.join("|", bodies) + ")(?![\\p{L}\\p{N}\\-])", FLAGS);
  }

  // ---- comparison -----------------------------------------------------------------------------------------

  private static final List<Pattern> UNIT_PATTERNS = UNITS.stream().map(QuotedPhraseTest::unitPattern).toList();
  private static final List<QuotedPhrase> UNIT_PHRASES = UNITS.stream().map(QuotedPhrase::tolerant).toList();
  private static final Pattern ANALYTE_PATTERN = analytePattern(ANALYTES);
  private static final List<ThresholdExtractor.AnalytePhrase> ANALYTE_PHRASES = ANALYTES.stream()
      .map(p -> new ThresholdExtractor.AnalytePhrase(QuotedPhrase.words(p), p.equalsIgnoreCase(ThresholdExtractor.AGE)))
      .toList();

  /** Every unit spelling and the analyte alternation at every place of {@code text}: same match, same end. */
  private static int compare(String text) {
    int matches = 0;
    for (int at = 0; at <= text.length(); at++) {
      int after = at;
      while (after < text.length() && QuotedPhrase.isRegexSpace(text.charAt(after))) {
        after++;
      }
      for (int u = 0; u < UNITS.size(); u++) {
        Matcher m = UNIT_PATTERNS.get(u).matcher(text);
        m.region(at, text.length());
        String expected = m.lookingAt() ? m.start(1) + "-" + m.end() : "none";
        int end = UNIT_PHRASES.get(u).endAt(text, after);
        String unit = UNITS.get(u);
        boolean wholeWord = Character.isLetterOrDigit(unit.charAt(unit.length() - 1));
        String actual = end >= 0 && (!wholeWord || QuotedPhrase.noWordCharacterAt(text, end, false))
            ? after + "-" + end : "none";
        int place = at;
        assertEquals(expected, actual, () -> "unit \"" + unit + "\" at " + place + " in \"" + text + "\"");
        matches += end >= 0 ? 1 : 0;
      }
      Matcher m = ANALYTE_PATTERN.matcher(text);
      m.region(at, text.length());
      int expected = m.lookingAt() ? m.end() : -1;
      int actual = -1;
      for (ThresholdExtractor.AnalytePhrase phrase : ANALYTE_PHRASES) {
        actual = phrase.endAt(text, at);
        if (actual >= 0) {
          break;
        }
      }
      int place = at;
      assertEquals(expected, actual, () -> "analytes at " + place + " in \"" + text + "\"");
      matches += actual >= 0 ? 1 : 0;
    }
    return matches;
  }

  @Test
  void agreesWithThePatternsOnTheGoldenInputs() throws IOException {
    int matches = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/cases"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("input")).toList()) {
        for (String line : Files.readAllLines(file)) {
          matches += compare(line);
        }
      }
    }
    // The inputs do hold limits with units and analytes: the comparison saw matches, not only misses.
    assertEquals(true, matches > 100, "matches seen: " + matches);
  }

  @Test
  void agreesWithThePatternsOnRandomText() {
    Random random = new Random(16);
    List<String> pieces = new ArrayList<>();
    pieces.addAll(UNITS);
    pieces.addAll(ANALYTES);
    // Characters that fold onto others (micro sign and mu, Kelvin sign, dotless i, long s, sharp s), every \s,
    // spaces \s does not match, a surrogate pair and a lone surrogate, word characters after a phrase.
    String odd = "µμΜKıİſßẞ \t\n\u000B\f\r\u00A0\u2009-–×x*^/²%.,;()0123456789aAdDsS\uD835\uDC00\uD800é";
    for (int n = 0; n < 4_000; n++) {
      StringBuilder text = new StringBuilder();
      int parts = 1 + random.nextInt(4);
      for (int p = 0; p < parts; p++) {
        if (random.nextBoolean()) {
          text.append(mutated(pieces.get(random.nextInt(pieces.size())), random, odd));
        }
        int noise = random.nextInt(4);
        for (int i = 0; i < noise; i++) {
          text.append(odd.charAt(random.nextInt(odd.length())));
        }
      }
      compare(text.toString());
    }
  }

  /** A phrase with its case changed, spaces added or removed, a character swapped: near-misses and odd matches. */
  private static String mutated(String phrase, Random random, String odd) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < phrase.length(); i++) {
      char c = phrase.charAt(i);
      int roll = random.nextInt(20);
      if (roll == 0) {
        continue;
      }
      if (roll == 1) {
        out.append(odd.charAt(random.nextInt(odd.length())));
      } else if (roll == 2) {
        out.append(Character.toUpperCase(c));
      } else if (roll == 3) {
        out.append("  ");
      } else {
        out.append(c);
      }
      if (roll == 4) {
        out.append(' ');
      }
    }
    return out.toString();
  }
}
