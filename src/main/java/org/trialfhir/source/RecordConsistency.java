package org.trialfhir.source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord.AgeLimit;
import org.trialfhir.source.TrialRecord.Criterion;

/**
 * Finds places where a record contradicts itself: ages in the criteria text against the structured age
 * limits, and enrollment numbers in the summary against the enrollment count. The structured field stays in
 * the record; each conflict becomes a diagnostic, so nothing is resolved silently.
 */
public final class RecordConsistency {
  private static final Pattern MIN_AGE = Pattern.compile(
      "(?:age[ds]?\\s*(?:of\\s*)?(?:≥|>=|at least|above)?\\s*(\\d{1,3})\\s*(?:years?)?\\s*(?:old\\s*)?(?:and|or)\\s*"
          + "(?:older|above|over)|age[ds]?\\s*(?:≥|>=)\\s*(\\d{1,3})|at least\\s*(\\d{1,3})\\s*years of age)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern MAX_AGE = Pattern.compile(
      "upper age limit of\\s*~?\\s*(\\d{1,3})|age[ds]?\\s*(?:≤|<=)\\s*(\\d{1,3})", Pattern.CASE_INSENSITIVE);
  private static final Pattern RANGE_AGE = Pattern.compile(
      "(?:aged?\\s*(?:between|from)?\\s*)(\\d{1,3})\\s*(?:and|to|-)\\s*(\\d{1,3})\\s*years", Pattern.CASE_INSENSITIVE);
  // Three shapes, each starting with a digit or a literal so the matcher rejects most positions at once:
  // "40 patients ... will be enrolled", "enroll 9-18 patients", "in up to 18 participants".
  /** An enrollment shape, and a word it cannot match without: a sentence without the word is not searched. */
  private record EnrollShape(String word, Pattern pattern) {}

  private static final List<EnrollShape> ENROLL = List.of(
      new EnrollShape("enroll", Pattern.compile("(\\d{1,5})(?:\\s*(?:-|to)\\s*(\\d{1,5}))?\\s+"
          + "(?:patients|participants|subjects)\\b[^.]{0,80}?\\benrolled", Pattern.CASE_INSENSITIVE)),
      new EnrollShape("enroll", Pattern.compile("enroll\\s+(?:approximately\\s+|about\\s+|up to\\s+)?(\\d{1,5})"
          + "(?:\\s*(?:-|to)\\s*(\\d{1,5}))?\\s+(?:patients|participants|subjects)", Pattern.CASE_INSENSITIVE)),
      new EnrollShape("in up to", Pattern.compile("in up to\\s+(\\d{1,5})\\s+(?:patients|participants|subjects)",
          Pattern.CASE_INSENSITIVE)));

  private static final Pattern QUALIFIER =
      Pattern.compile("(?:approximately|about|around|up to|a total of|~)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern PER_GROUP =
      Pattern.compile("\\b(each|per)\\s+(dose\\s+)?(group|cohort|arm|level)", Pattern.CASE_INSENSITIVE);

  private RecordConsistency() {}

  public static List<Diagnostic> check(TrialRecord record) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    if (record.eligibility() != null) {
      List<Criterion> all = new ArrayList<>();
      flatten(record.eligibility().inclusion(), all);
      AgeLimit min = record.eligibility().minimumAge();
      AgeLimit max = record.eligibility().maximumAge();
      for (Criterion criterion : all) {
        // Cheap filters first: this runs on every record at registry scale.
        if ((min != null || max != null) && mentionsAge(criterion.text())) {
          ages(criterion.text(), min, max, diagnostics);
        }
      }
    }
    if (record.enrollment() != null && record.enrollment().count() != null) {
      for (String text : new String[] {record.briefSummary(), record.detailedDescription()}) {
        enrollment(text, record.enrollment().count(), diagnostics);
      }
    }
    return diagnostics;
  }

  private static void flatten(List<Criterion> criteria, List<Criterion> into) {
    for (Criterion criterion : criteria) {
      into.add(criterion);
      flatten(criterion.children(), into);
    }
  }

  private static void ages(String text, AgeLimit min, AgeLimit max, List<Diagnostic> diagnostics) {
    Matcher range = RANGE_AGE.matcher(text);
    while (range.find()) {
      compare(text, range.group(), Integer.parseInt(range.group(1)), min, "minimum", diagnostics);
      compare(text, range.group(), Integer.parseInt(range.group(2)), max, "maximum", diagnostics);
    }
    Matcher low = MIN_AGE.matcher(text);
    while (low.find()) {
      compare(text, low.group(), Integer.parseInt(firstGroup(low)), min, "minimum", diagnostics);
    }
    Matcher high = MAX_AGE.matcher(text);
    while (high.find()) {
      compare(text, high.group(), Integer.parseInt(firstGroup(high)), max, "maximum", diagnostics);
    }
  }

  private static void compare(String text, String phrase, int stated, AgeLimit field, String which,
      List<Diagnostic> diagnostics) {
    if (field == null || !field.unit().equals("YEARS") || field.value() == stated) {
      return;
    }
    diagnostics.add(new Diagnostic(Severity.WARNING, "Eligibility", 0, phrase.strip(),
        "criteria text states a " + which + " age of " + stated + " years but the structured " + which
            + " age is " + field.value() + " years; the structured field is kept"));
  }

  private static boolean mentionsAge(String text) {
    return containsIgnoreCase(text, "age") || containsIgnoreCase(text, "year");
  }

  /**
   * {@code word} is lower case; jumps between candidate first letters instead of testing every position. Each
   * letter's next place is searched for again only once passed: searching both from every candidate read a long text
   * once per "a" in it when it held no "A".
   */
  private static boolean containsIgnoreCase(String text, String word) {
    char lower = word.charAt(0);
    char upper = Character.toUpperCase(lower);
    int a = text.indexOf(lower);
    int b = text.indexOf(upper);
    while (a >= 0 || b >= 0) {
      int at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
      if (text.regionMatches(true, at, word, 0, word.length())) {
        return true;
      }
      if (a == at) {
        a = text.indexOf(lower, at + 1);
      }
      if (b == at) {
        b = text.indexOf(upper, at + 1);
      }
    }
    return false;
  }

  private static void enrollment(String text, int count, List<Diagnostic> diagnostics) {
    if (text == null) {
      return;
    }
    // Only sentences that speak of enrolling are searched; the pattern is costly on long descriptions.
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf(". ", start);
      end = end < 0 ? text.length() : end + 1;
      String sentence = text.substring(start, end);
      if (containsIgnoreCase(sentence, "nrol") || containsIgnoreCase(sentence, "up to")) {
        enrollmentIn(sentence, count, diagnostics);
      }
      start = end;
    }
  }

  private static void enrollmentIn(String text, int count, List<Diagnostic> diagnostics) {
    // regionMatches ignores case at least as widely as the patterns do, so skipping a sentence without the word loses
    // no match.
    for (EnrollShape shape : ENROLL) {
      if (containsIgnoreCase(text, shape.word())) {
        enrollmentIn(shape.pattern().matcher(text), text, count, diagnostics);
      }
    }
  }

  private static void enrollmentIn(Matcher m, String text, int count, List<Diagnostic> diagnostics) {
    while (m.find()) {
      int low = -1;
      int high = -1;
      for (int g = 1; g <= m.groupCount(); g += 2) {
        if (m.group(g) != null) {
          low = Integer.parseInt(m.group(g));
          high = g + 1 <= m.groupCount() && m.group(g + 1) != null ? Integer.parseInt(m.group(g + 1)) : low;
          break;
        }
      }
      if (low >= 0 && (count < low || count > high) && !perGroup(text, m.start(), m.end())) {
        diagnostics.add(new Diagnostic(Severity.WARNING, "Enrollment", 0, quoted(text, m.start(), m.end()),
            "the description states " + (low == high ? low : low + "-" + high) + " participants but the enrollment"
                + " count is " + count + "; the enrollment field is kept"));
      }
    }
  }

  /** The matched phrase with the qualifier before it ("Approximately 40 patients ..."), as the source words it. */
  private static String quoted(String text, int start, int end) {
    Matcher qualifier = QUALIFIER.matcher(text.substring(Math.max(0, start - 20), start));
    int from = qualifier.find() ? start - (qualifier.end() - qualifier.start()) : start;
    return text.substring(from, end).strip();
  }

  /** "3-6 subjects ... in each dose group" counts a cohort, not the study. */
  private static boolean perGroup(String text, int start, int end) {
    String window = text.substring(Math.max(0, start - 40), Math.min(text.length(), end + 40));
    return PER_GROUP.matcher(window).find();
  }

  private static String firstGroup(Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    throw new IllegalStateException("pattern matched without a number");
  }
}
