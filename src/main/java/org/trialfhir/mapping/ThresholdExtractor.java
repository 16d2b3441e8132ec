package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.ScientificNumbers;
import org.trialfhir.source.ScientificNumbers.Mention;

/**
 * Reads the computable limits in one criterion's text into {@link Threshold}s: an analyte phrase the analyte map
 * knows, a comparator, a value exactly as written and a unit as written. The analyte phrases and unit spellings
 * come from the ConceptMaps (their source codes), never from tables in this class; what this class knows is the
 * grammar around them (comparator words, lists such as "ALT and AST", conditions such as "if liver metastases are
 * present", limits written before their analyte). A limit whose comparator or analyte cannot be read is not
 * returned: the criterion text keeps it.
 */
public final class ThresholdExtractor {
  /** The analyte-loinc source code for age; age limits also follow their own phrasing ("18 years of age"). */
  public static final String AGE = "age";

  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final String NOT_WORD_BEFORE = "(?<![\\p{L}\\p{N}\\-])";

  /** Comparators written before the value, with what they mean. */
  private static final Map<String, Threshold.Comparator> LEADING = new HashMap<>();
  /** Comparators written after the value and unit ("18 years and older", "3 or more"). */
  static final Map<String, Threshold.Comparator> TRAILING = new HashMap<>();

  static {
    for (String s : List.of("≥", ">=", "=>", "≧", "⩾", "≥=", "at least", "not less than", "no less than",
        "not lower than", "no lower than", "not below", "greater than or equal to", "more than or equal to",
        "higher than or equal to", "equal to or greater than", "equal to or more than", "equal to or higher than",
        "a minimum of", "minimum of")) {
      LEADING.put(s, Threshold.Comparator.AT_LEAST);
    }
    for (String s : List.of(">", "＞", "more than", "greater than", "higher than", "above", "over", "exceeding",
        "exceeds", "in excess of")) {
      LEADING.put(s, Threshold.Comparator.MORE_THAN);
    }
    for (String s : List.of("≤", "<=", "=<", "≦", "⩽", "not exceeding", "not to exceed", "does not exceed",
        "not more than", "no more than", "not greater than", "no greater than", "not higher than", "no higher than",
        "not above", "less than or equal to", "lower than or equal to", "equal to or less than",
        "equal to or lower than", "up to", "a maximum of", "maximum of", "at most")) {
      LEADING.put(s, Threshold.Comparator.AT_MOST);
    }
    for (String s : List.of("<", "＜", "less than", "lower than", "below", "under", "fewer than")) {
      LEADING.put(s, Threshold.Comparator.LESS_THAN);
    }
    for (String s : List.of("or more", "or greater", "or higher", "or above", "and above", "or over", "and over",
        "or older", "and older")) {
      TRAILING.put(s, Threshold.Comparator.AT_LEAST);
    }
    for (String s : List.of("or less", "or lower", "or below", "or fewer", "or younger", "and younger", "or under",
        "and under")) {
      TRAILING.put(s, Threshold.Comparator.AT_MOST);
    }
  }

  private static final LimitWords TRAILING_WORDS = new LimitWords(TRAILING.keySet());
  private static final String NUMBER_TEXT = "\\d{1,3}(?:,\\d{3})+(?![\\d,])|\\d{1,3}(?:[ \\u00A0\\u2009\\u202F]\\d{3})+"
      + "(?![\\d.,])|\\d+(?:\\.\\d+)?";
  private static final Pattern DIGITS = Pattern.compile(NUMBER_TEXT);
  private static final Pattern NUMBER =
      Pattern.compile("(?<![\\p{L}\\p{N}.,^\\-~≈/])(" + NUMBER_TEXT + ")(?![\\d.]\\d)");
  /** Characters of NUMBER's look-behind besides letters and digits. */
  private static final String NUMBER_NOT_AFTER = ".,^-~≈/";
  /**
   * Where a limit may start: a comparator, "between"/"from" of a range, or a number (NUMBER's digits are ASCII: no
   * UNICODE_CHARACTER_CLASS).
   */
  private static final FirstCharAlternation TRIGGER = new FirstCharAlternation(concat(alternatives(LEADING.keySet()),
      List.of(new FirstCharAlternation.Alternative(NOT_WORD_BEFORE + "(?:between|from)\\s+(?=\\d)", "bf"),
          new FirstCharAlternation.Alternative(NUMBER.pattern(), "0123456789"))), "", FLAGS);
  /** Every character a TRIGGER match can start with (lower case): the comparators' first characters. */
  private static final String TRIGGER_FIRST = firstCharacters(LEADING.keySet(), "between", "from");
  /**
   * The first words of the comparators that start with a letter, and "between"/"from", case-folded: a trigger can
   * start at a word only when the whole word (its run of letters) is one of these, so other words ("and", "of",
   * "patients") are not tried.
   */
  private static final Set<String> TRIGGER_WORDS = firstWords(LEADING.keySet(), "between", "from");
  private static final int LONGEST_TRIGGER_WORD = TRIGGER_WORDS.stream().mapToInt(String::length).max().orElse(0);
  /** The hash codes of TRIGGER_WORDS, sorted: most words are ruled out by theirs, without making the word. */
  private static final int[] TRIGGER_WORD_HASHES = TRIGGER_WORDS.stream().mapToInt(String::hashCode).sorted()
      .toArray();
  static final Pattern APPROXIMATE = Pattern.compile("(?:~|≈|approximately|about|around|circa|ca\\.)\\s*$",
      FLAGS);
  /** The last characters of APPROXIMATE's words, case-folded. */
  private static final String APPROXIMATE_LAST = "~≈ytda.";
  private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  private static final Pattern SCORE_LIST =
      Pattern.compile("\\d{1,2}(?:\\s*,\\s*\\d{1,2})*\\s*,?\\s+(?:or|and)\\s+\\d{1,2}(?![\\d.\\p{L}%])", FLAGS);
  private static final Pattern BETWEEN_AND = Pattern.compile("\\s*(?:and|to|-|–)\\s*", FLAGS);
  static final Pattern ULN = Pattern.compile("ULN|upper\\s+(?:limit\\s+of\\s+)?normal|upper\\s+normal\\s+limit",
      FLAGS);
  /** A ULN multiple the unit map may not spell: "times ULN", "× the ULN", "-fold the upper limit of normal". */
  private static final Pattern ULN_UNIT = Pattern.compile("\\s*(?:[×xX*]|times|-?fold)\\s*(?:the\\s+)?"
      + "(?:institutional\\s+)?(?:ULN|upper\\s+limit\\s+(?:of\\s+)?(?:the\\s+)?normal(?:\\s+range)?"
      + "|upper\\s+normal\\s+limit)(?![\\p{L}])", FLAGS);
  /** An unknown unit glued to its number ("4s", "30mmol/L") or, after a space, one with a slash ("mg/day"). */
  private static final Pattern GLUED_UNIT =
      Pattern.compile("(?:/[\\p{L}µμ]|[\\p{L}µμ%‰])[\\p{L}\\p{N}µμ%/^·*⁰¹²³⁴⁵⁶⁷⁸⁹]*");
  /** A power of ten the scientific-number reader does not know ("× 10⁹/L"): a unit, if an unknown one. */
  private static final Pattern POWER_UNIT = Pattern.compile("\\s*[×xX*]\\s*10[^\\s,;，；)）]*");
  private static final Pattern SPACED_SLASH_UNIT =
      Pattern.compile("\\s+([\\p{L}µμ]+\\d?/[\\p{L}\\p{N}µμ^]+)(?![\\p{L}\\p{N}])");
  /** "≥10% of white blood cells" is a proportion of something else, not the analyte's own value. */
  private static final Pattern PROPORTION_OF = Pattern.compile("\\s+of\\s", FLAGS);
  private static final Pattern RANGE_ENDS_CRITERION = Pattern.compile("\\s*(?:$|[(（,;.，；。])");
  private static final Pattern LIST_JOINER =
      Pattern.compile("\\s*(?:[,/、&+]\\s*)?(?:(?:and/or|and|or|as well as)\\s*)?", FLAGS);
  private static final Pattern ALIAS_OPEN = Pattern.compile("\\s*[(（]\\s*");
  private static final Pattern ALIAS_CLOSE = Pattern.compile("\\s*[)）]");
  /**
   * What may stand between an analyte and its limit: copulas and measurement words ("was", "score of",
   * "performance status"), an abbreviation ("creatinine clearance CrCl≥30"), a parenthesis without numbers
   * ("(ANC)").
   */
  static final Pattern FILLER = Pattern.compile("(?:\\s|[:：=\\\\]|[(（][^()（）\\d;]{0,40}[)）]|[)）]"
      + "|" + NOT_WORD_BEFORE + "(?:is|was|were|are|be|should|must|shall|of|count|counts|level|levels|value|values"
      + "|score|scores|time|performance|status|functional|rate|at|baseline|the|a|an|measured|total)(?![\\p{L}])"
      + "|(?<![\\p{L}])[A-Z][a-z]?[A-Z][A-Za-z]{0,3}(?![\\p{L}\\p{N}]))*");
  /** Filler is a few words ("functional status score of"); a longer stretch separates analyte and limit. */
  private static final int MAX_FILLER = 60;
  private static final Pattern CONDITION_WORD = Pattern.compile(
      "(?:if|when|unless|except|for"
          + "|in\\s+(?:patients|subjects|participants|children|adults|those|case|the\\s+presence))"
          + "(?![\\p{L}])", FLAGS);
  /** "if liver metastases are present, serum bilirubin ≤ 3.0 ×ULN": a condition leading its clause. */
  private static final Pattern LEADING_CONDITION =
      Pattern.compile("\\s*(" + CONDITION_WORD.pattern() + "[^,，;；:()]*?)\\s*[,，:]", FLAGS);
  /** "(for patients with Gilbert's syndrome ≤3.0×ULN)": a condition right before a limit. */
  private static final Pattern CONDITION_BEFORE_LIMIT =
      Pattern.compile("\\s*(" + CONDITION_WORD.pattern() + "[^,，;；:()]*?)\\s*[,，:]?\\s*", FLAGS);
  /** "Karnofsky ≥70% for pediatric patients": a condition right after a limit. */
  private static final Pattern TRAILING_CONDITION =
      Pattern.compile("\\s*(" + CONDITION_WORD.pattern() + "\\s[^,，;；.。()（）\\d<>≤≥]*?)"
          + "\\s*(?=[,，;；.。)）]|$)",
          FLAGS);
  private static final Pattern FOR_ANALYTE = Pattern.compile("\\s*(?:for|in)\\s", FLAGS);
  private static final Pattern CLAUSE_END = Pattern.compile("[;；。]|\\.(?=\\s|$)");
  // Patterns of the small rewrites below, compiled once: String.replaceAll compiles its pattern on every call.
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern DIGIT_RUN = Pattern.compile("\\d+");
  private static final Pattern TRAILING_DOTS = Pattern.compile("[.·*]+$");
  private static final Pattern DIGIT_GROUPING = Pattern.compile("[,\\s\\u00A0\\u2009\\u202F]");
  private static final Pattern EXPONENT_TEXT = Pattern.compile("10\\s*(?:\\^\\s*(-?\\d{1,2})|[eE](-?\\d{1,2})|"
      + "([1-9]\\d?))");

  /** The analyte phrases, longest first, matched as the alternation of their patterns would match them. */
  private final List<AnalytePhrase> analytes = new ArrayList<>();
  /** By ASCII character: the analyte phrases that can start with it, in order. */
  private final List<List<AnalytePhrase>> analytesByAscii = new ArrayList<>();
  /** The same for the other characters met (≥, ×, µ...), made once each: a character, never a text, is the key. */
  private final Map<Character, List<AnalytePhrase>> analytesByOther = new ConcurrentHashMap<>();
  private final Map<String, String> analyteCodes = new HashMap<>();
  private final List<UnitSpelling> units = new ArrayList<>();
  /** By the character after a number: the unit spellings that can start with it, in order, made once each. */
  private final Map<Character, List<UnitSpelling>> unitsByChar = new ConcurrentHashMap<>();
  private final Map<String, String> unitCodes = new HashMap<>();

  /**
   * A unit spelling from the unit map, tolerating spacing around symbols ("×ULN" matches "× ULN"); one ending in a
   * letter or digit must not run on into another word.
   */
  private record UnitSpelling(String code, QuotedPhrase phrase, boolean wholeWord) {}

  /**
   * An analyte phrase: its words joined by {@code \\s+}; "age" also as "aged" ("aged 18 to 75 years": the
   * participle names age too), as the pattern {@code age d?} would take it.
   */
  record AnalytePhrase(QuotedPhrase words, boolean participle) {
    /** Where the phrase ends at {@code from}, followed by no letter, digit or hyphen; -1 when it does not match. */
    int endAt(String text, int from) {
      int end = words.endAt(text, from);
      if (end < 0) {
        return -1;
      }
      if (participle && end < text.length() && PARTICIPLE.matches(0, text.charAt(end))
          && QuotedPhrase.noWordCharacterAt(text, end + 1, true)) {
        return end + 1;
      }
      return QuotedPhrase.noWordCharacterAt(text, end, true) ? end : -1;
    }
  }

  private static final QuotedPhrase PARTICIPLE = QuotedPhrase.words("d");

  /** An analyte phrase found in the text. */
  private record Found(int start, int end, String code, String written) {}

  /** A limit found in the text before it is given its analyte. */
  private record Limit(int start, int end, Threshold.Comparator comparator, BigDecimal value, BigDecimal high,
      String unit, String unitKey, boolean impliesAge) {}

  /** What one criterion's text yields: its thresholds, and the limits no analyte could be found for. */
  public record Reading(List<Threshold> thresholds, List<Threshold> unattributed) {
    public Reading {
      thresholds = List.copyOf(thresholds);
      unattributed = List.copyOf(unattributed);
    }
  }

  /**
   * @param analytePhrases the source codes of the analyte map (lower-case phrases such as "platelets")
   * @param unitSpellings the source codes of the unit map (spellings such as "×10^9/L", "mL/min", "years")
   */
  public ThresholdExtractor(Collection<String> analytePhrases, Collection<String> unitSpellings) {
    List<String> phrases = new ArrayList<>(new LinkedHashSet<>(analytePhrases));
    phrases.sort(Comparator.comparingInt(String::length).reversed());
    for (String phrase : phrases) {
      analyteCodes.putIfAbsent(fold(phrase), phrase);
      if (!phrase.isBlank()) {
        analytes.add(new AnalytePhrase(QuotedPhrase.words(phrase), phrase.equalsIgnoreCase(AGE)));
      }
    }
    for (char c = 0; c < 128; c++) {
      analytesByAscii.add(startingWith(c));
    }
    List<String> spellings = new ArrayList<>(new LinkedHashSet<>(unitSpellings));
    spellings.sort(Comparator.comparingInt(String::length).reversed());
    for (String spelling : spellings) {
      if (spelling.isBlank()) {
        continue;
      }
      unitCodes.putIfAbsent(compact(spelling), spelling);
      units.add(new UnitSpelling(spelling, QuotedPhrase.tolerant(spelling),
          Character.isLetterOrDigit(spelling.charAt(spelling.length() - 1))));
    }
  }

  /** An extractor for the analyte phrases of the analyte-loinc map and the unit spellings of the unit-ucum map. */
  public static ThresholdExtractor from(ConceptMaps maps) {
    return new ThresholdExtractor(maps.sourceCodes("analyte-loinc"), maps.sourceCodes("unit-ucum"));
  }

  /** The thresholds in one criterion's text, in the order the text states them. */
  public List<Threshold> find(String text) {
    return read(text).thresholds();
  }

  /** The thresholds in one criterion's text, and the limits (comparator, value, unit) no analyte was found for. */
  public Reading read(String text) {
    // Every limit has a number, so a text without digits (most criteria) holds none; and without a limit there is
    // nothing to give an analyte, so the analytes are looked for only once a limit is found.
    if (text == null || !AsciiDigits.in(text)) {
      return new Reading(List.of(), List.of());
    }
    List<Limit> limits = limits(text);
    if (limits.isEmpty()) {
      return new Reading(List.of(), List.of());
    }
    List<Found> found = analytes(text);
    List<List<Found>> groups = groups(text, found);
    List<Threshold> thresholds = new ArrayList<>();
    List<Threshold> unattributed = new ArrayList<>();
    Limit previous = null;
    List<Found> previousGroup = null;
    for (Limit limit : limits) {
      List<Found> group = groupBefore(text, groups, limit);
      String condition = null;
      if (group != null) {
        condition = firstNonNull(leadingCondition(text, group.get(0).start()), trailingCondition(text, limit.end()));
      } else {
        group = analytesAfter(text, found, limit);
        if (group == null && limit.impliesAge()) {
          group = List.of(new Found(limit.start(), limit.start(), AGE, null));
        }
        if (group == null && previous != null) {
          condition = firstNonNull(conditionBefore(text, limit.start()), trailingCondition(text, limit.end()));
          if (condition != null && sameKind(previous, limit) && noAnalyteBetween(found, previous.end(),
              limit.start())) {
            group = previousGroup;
          }
        }
      }
      if (group == null) {
        unattributed.add(threshold(text, null, limit, null));
        continue;
      }
      for (Found analyte : group) {
        thresholds.add(threshold(text, analyte, limit, condition));
      }
      previous = limit;
      previousGroup = group;
    }
    return new Reading(thresholds, unattributed);
  }

  private static Threshold threshold(String text, Found analyte, Limit limit, String condition) {
    boolean uln = namesUln(limit.unit());
    return new Threshold(analyte == null ? null : analyte.code(), analyte == null ? null : analyte.written(),
        limit.comparator(), limit.value(), limit.high(), limit.unit(), limit.unitKey(), uln, condition,
        text.substring(limit.start(), limit.end()).strip());
  }

  /**
   * Whether a unit names the upper limit of normal (ULN finds a match in it). Every match starts with a U, which
   * folds (CASE_INSENSITIVE | UNICODE_CASE) from u and U alone: most units (mg/dL, years, %) have neither and are not
   * searched.
   */
  static boolean namesUln(String unit) {
    return unit != null && (unit.indexOf('U') >= 0 || unit.indexOf('u') >= 0) && ULN.matcher(unit).find();
  }

  // ---- analytes ------------------------------------------------------------------------------------------

  /** What NOT_WORD_BEFORE says, without a regex: no letter, digit or hyphen just before {@code i}. */
  private static boolean startsWord(String text, int i) {
    if (i == 0) {
      return true;
    }
    char before = text.charAt(i - 1);
    return !Character.isLetterOrDigit(before) && before != '-';
  }

  private List<Found> analytes(String text) {
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      if (!startsWord(text, i)) {
        continue;
      }
      char c = text.charAt(i);
      int end = -1;
      List<AnalytePhrase> possible = c < 128 ? analytesByAscii.get(c) : analytesByOther.get(c);
      if (possible == null) {
        possible = analytesByOther.computeIfAbsent(c, this::startingWith);
      }
      for (AnalytePhrase phrase : possible) {
        end = phrase.endAt(text, i);
        if (end >= 0) {
          break;
        }
      }
      if (end < 0) {
        continue;
      }
      int start = i;
      i = end - 1;
      String written = text.substring(start, end);
      String code = analyteCodes.get(fold(written));
      if (code == null && written.toLowerCase(Locale.ROOT).endsWith("d")) {
        code = analyteCodes.get(fold(written.substring(0, written.length() - 1)));
      }
      if (code != null) {
        found.add(new Found(start, end, code, written));
      }
    }
    return found;
  }

  private List<UnitSpelling> unitsStartingWith(char c) {
    List<UnitSpelling> possible = unitsByChar.get(c);
    if (possible == null) {
      possible = unitsByChar.computeIfAbsent(c, key -> units.stream().filter(u -> u.phrase().firstMayBe(key)).toList());
    }
    return possible;
  }

  /** The analyte phrases that can start with the text's character {@code c}, in order. */
  private List<AnalytePhrase> startingWith(char c) {
    List<AnalytePhrase> possible = new ArrayList<>();
    for (AnalytePhrase phrase : analytes) {
      if (phrase.words().firstMayBe(c)) {
        possible.add(phrase);
      }
    }
    return possible;
  }

  /**
   * Joins analytes written as a list ("ALT and AST", "AST/ALT", "ALT and/or AST") and drops an abbreviation in
   * parentheses right after its full name ("Absolute neutrophil count (ANC)").
   */
  private static List<List<Found>> groups(String text, List<Found> found) {
    List<List<Found>> groups = new ArrayList<>();
    List<Found> current = null;
    Found last = null;
    for (Found f : found) {
      if (last != null && isAlias(text, last, f)) {
        continue;
      }
      if (current != null && LIST_JOINER.matcher(text.substring(last.end(), f.start())).matches()) {
        if (current.stream().noneMatch(g -> g.code().equals(f.code()))) {
          current.add(f);
        }
      } else {
        current = new ArrayList<>();
        current.add(f);
        groups.add(current);
      }
      last = f;
    }
    return groups;
  }

  private static boolean isAlias(String text, Found name, Found abbreviation) {
    String between = text.substring(name.end(), abbreviation.start());
    if (between.isBlank()) {
      // "creatinine clearance CrCl≥30mL/min": a name and its abbreviation side by side.
      return true;
    }
    if (!ALIAS_OPEN.matcher(between).matches()) {
      return false;
    }
    Matcher close = ALIAS_CLOSE.matcher(text);
    close.region(abbreviation.end(), text.length());
    return close.lookingAt();
  }

  /** The group of analytes right before the limit, with only filler words between ("ECOG score of 0-2"). */
  private static List<Found> groupBefore(String text, List<List<Found>> groups, Limit limit) {
    List<Found> candidate = null;
    for (List<Found> group : groups) {
      if (group.get(group.size() - 1).end() <= limit.start()) {
        candidate = group;
      }
    }
    if (candidate == null) {
      return null;
    }
    String between = text.substring(candidate.get(candidate.size() - 1).end(), limit.start());
    return between.length() <= MAX_FILLER && isFiller(between) ? candidate : null;
  }

  /**
   * Whether FILLER matches the whole text. FILLER repeats a choice one of whose branches is {@code \\s}, so nothing
   * or white space alone (most analytes stand a space before their limit) matches without running it.
   */
  static boolean isFiller(String between) {
    for (int i = 0; i < between.length(); i++) {
      if (!isRegexSpace(between.charAt(i))) {
        return FILLER.matcher(between).matches();
      }
    }
    return true;
  }

  /** "≤ 2.5 times the upper limit of normal for AST and ALT": analytes named after the limit, in its clause. */
  private static List<Found> analytesAfter(String text, List<Found> found, Limit limit) {
    Matcher forWord = FOR_ANALYTE.matcher(text);
    forWord.region(limit.end(), text.length());
    if (!forWord.lookingAt()) {
      return null;
    }
    int end = clauseEnd(text, forWord.end());
    List<Found> named = new ArrayList<>();
    for (Found f : found) {
      if (f.start() >= forWord.end() && f.end() <= end) {
        named.add(f);
      }
    }
    return named.isEmpty() ? null : named;
  }

  private static boolean noAnalyteBetween(List<Found> found, int from, int to) {
    return found.stream().noneMatch(f -> f.start() >= from && f.end() <= to);
  }

  /** An orphan limit may continue the previous analyte only when it is the same kind of quantity. */
  private static boolean sameKind(Limit previous, Limit limit) {
    boolean previousUln = namesUln(previous.unit());
    boolean limitUln = namesUln(limit.unit());
    if (previousUln || limitUln) {
      return previousUln && limitUln;
    }
    return previous.unit() != null && limit.unit() != null && compact(previous.unit()).equals(compact(limit.unit()));
  }

  // ---- conditions ----------------------------------------------------------------------------------------

  private static String leadingCondition(String text, int analyteStart) {
    int start = clauseStart(text, analyteStart);
    Matcher m = LEADING_CONDITION.matcher(text);
    m.region(start, analyteStart);
    return m.lookingAt() ? m.group(1).strip() : null;
  }

  /**
   * The condition written right before a limit that names no analyte: "(for patients with Gilbert's
   * syndrome ≤3.0×ULN)", "; if liver metastases are present, ≤ 3.0 ×ULN", "except patients with Gilbert's
   * syndrome (≤ 3 × ULN)".
   */
  private static String conditionBefore(String text, int limitStart) {
    int clause = clauseStart(text, limitStart);
    String condition = conditionIn(text, clause, limitStart);
    int comma = lastComma(text, limitStart) + 1;
    if (condition == null && comma > clause) {
      condition = conditionIn(text, comma, limitStart);
    }
    boolean opensParenthesis = clause > 0 && (text.charAt(clause - 1) == '(' || text.charAt(clause - 1) == '（')
        && text.substring(clause, limitStart).isBlank();
    if (condition == null && opensParenthesis) {
      int paren = clause - 1;
      condition = conditionIn(text, Math.max(clauseStart(text, paren), lastComma(text, paren) + 1), paren);
    }
    return condition;
  }

  private static String conditionIn(String text, int from, int to) {
    Matcher m = CONDITION_BEFORE_LIMIT.matcher(text);
    m.region(from, to);
    return m.matches() ? m.group(1).strip() : null;
  }

  private static int lastComma(String text, int before) {
    return Math.max(text.lastIndexOf(',', before - 1), text.lastIndexOf('，', before - 1));
  }

  private static String trailingCondition(String text, int limitEnd) {
    Matcher m = TRAILING_CONDITION.matcher(text);
    m.region(limitEnd, text.length());
    return m.lookingAt() ? m.group(1).strip() : null;
  }

  /** Where the clause holding {@code index} starts: after the last ';', '(', '。' or sentence end before it. */
  private static int clauseStart(String text, int index) {
    int start = 0;
    for (int i = index - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == ';' || c == '；' || c == '。' || c == '(' || c == '（'
          || c == '.' && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) {
        start = i + 1;
        break;
      }
    }
    return start;
  }

  private static int clauseEnd(String text, int from) {
    Matcher m = CLAUSE_END.matcher(text);
    return m.find(from) ? m.start() : text.length();
  }

  // ---- limits --------------------------------------------------------------------------------------------

  private List<Limit> limits(String text) {
    List<Mention> scientific = ScientificNumbers.find(text);
    List<Limit> limits = new ArrayList<>();
    Map<Pattern, Matcher> triggers = new IdentityHashMap<>();
    // One NUMBER matcher for the text, moved to each place read: a matcher a trigger was most of the limits' garbage.
    Matcher number = NUMBER.matcher(text);
    int from = 0;
    while (from < text.length()) {
      Matcher trigger = nextTrigger(text, triggers, from);
      if (trigger == null) {
        break;
      }
      Limit limit = limitAt(text, trigger.start(), trigger.end(), scientific, number);
      if (limit != null && !proportion(text, limit)) {
        limits.add(limit);
        from = limit.end();
      } else {
        from = trigger.end();
      }
    }
    return limits;
  }

  /**
   * The matcher holding the next TRIGGER match from {@code from} (one matcher per pattern of TRIGGER, kept in {@code
   * matchers}); null when none. A trigger starts at a symbol, a digit or the start of a word, never inside one, so
   * only those positions are tried: a plain {@code find} runs every branch's look-behind at every character.
   */
  private static Matcher nextTrigger(String text, Map<Pattern, Matcher> matchers, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean candidate = Character.isLetter(c)
          ? startsWord(text, i) && mayBeTriggerWord(text, i) && TRIGGER_WORDS.contains(foldedWordAt(text, i))
          : Character.isDigit(c) ? !insideNumber(text, i) : TRIGGER_FIRST.indexOf(c) >= 0;
      if (!candidate) {
        continue;
      }
      Pattern possible = TRIGGER.at(c);
      if (possible == null) {
        continue;
      }
      Matcher trigger = matchers.computeIfAbsent(possible, p -> p.matcher(text).useTransparentBounds(true));
      trigger.region(i, text.length());
      if (trigger.lookingAt()) {
        return trigger;
      }
    }
    return null;
  }

  /**
   * Whether a digit follows what NUMBER's look-behind refuses (a letter, a digit, a point...): no comparator starts
   * with a digit, so TRIGGER cannot match there, and the digits after a number's first are not tried.
   */
  private static boolean insideNumber(String text, int i) {
    if (i == 0) {
      return false;
    }
    char before = text.charAt(i - 1);
    return Character.isLetterOrDigit(before) || NUMBER_NOT_AFTER.indexOf(before) >= 0;
  }

  /** The limit a trigger starts; {@code number} is a NUMBER matcher of {@code text}, for any use. */
  private Limit limitAt(String text, int start, int triggerEnd, List<Mention> scientific, Matcher number) {
    String word = text.substring(start, triggerEnd);
    Threshold.Comparator leading = LEADING.get(spacesReplaced(word.toLowerCase(Locale.ROOT), " "));
    if (leading != null) {
      number.region(LimitWords.afterComparator(text, triggerEnd), text.length());
      if (!number.lookingAt()) {
        return null;
      }
      Value value = valueAt(text, number, scientific);
      if (value.high() != null) {
        return null;
      }
      return new Limit(start, value.end(), leading, value.low(), null, value.unit(), value.unitKey(),
          ofAge(text, value.end()));
    }
    int between = LimitWords.between(text, start);
    if (between >= 0) {
      return betweenAt(text, start, between, scientific, number);
    }
    number.region(start, text.length());
    if (!number.lookingAt() || approximate(text, start)) {
      return null;
    }
    Value value = valueAt(text, number, scientific);
    if (value.high() != null) {
      boolean opensCriterion = text.substring(0, start).isBlank() && value.unit() != null
          && RANGE_ENDS_CRITERION.matcher(text).region(value.end(), text.length()).lookingAt();
      return new Limit(start, value.end(), null, value.low(), value.high(), value.unit(), value.unitKey(),
          opensCriterion || ofAge(text, value.end()));
    }
    int[] trailing = TRAILING_WORDS.trailingComparator(text, value.end());
    if (trailing == null) {
      return null;
    }
    String words = spacesReplaced(text.substring(trailing[0], trailing[1]).toLowerCase(Locale.ROOT), " ");
    boolean age = words.endsWith("older") || words.endsWith("younger") || ofAge(text, trailing[1]);
    return new Limit(start, trailing[1], TRAILING.get(words), value.low(), null, value.unit(), value.unitKey(),
        age);
  }

  /**
   * Whether the 15 characters before {@code start} end with an APPROXIMATE word ("about 5"). A match ends with the last
   * character of one of its words, then only {@code \\s} and perhaps a final line terminator that is not {@code \\s}
   * ({@code $} matches before one): the pattern is run only when the character before that tail can end one of its
   * words, which the character before most numbers cannot.
   */
  static boolean approximate(String text, int start) {
    int from = Math.max(0, start - 15);
    int end = start;
    if (end > from && isFinalTerminator(text.charAt(end - 1))) {
      end--;
    }
    while (end > from && isRegexSpace(text.charAt(end - 1))) {
      end--;
    }
    return end > from && APPROXIMATE_LAST.indexOf(caseFolded(text.charAt(end - 1))) >= 0
        && APPROXIMATE.matcher(text.substring(from, start)).find();
  }

  /** The line terminators {@code $} may stand before that {@code \\s} does not match. */
  private static boolean isFinalTerminator(char c) {
    return c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  private static boolean ofAge(String text, int from) {
    return LimitWords.ofAge(text, from);
  }

  /** "between 18 and 75 years", "from 12 to 70 years". */
  private Limit betweenAt(String text, int start, int from, List<Mention> scientific, Matcher number) {
    number.region(from, text.length());
    if (!number.lookingAt()) {
      return null;
    }
    Value low = valueAt(text, number, scientific);
    if (low.high() != null) {
      // "from 12 to 70 years" reads as a range already.
      return new Limit(start, low.end(), null, low.low(), low.high(), low.unit(), low.unitKey(),
          ofAge(text, low.end()));
    }
    Matcher and = BETWEEN_AND.matcher(text);
    and.region(low.end(), text.length());
    if (!and.lookingAt()) {
      return null;
    }
    Matcher second = number; // the low end is read: its matcher reads the high end
    second.region(and.end(), text.length());
    if (!second.lookingAt()) {
      return null;
    }
    Value high = valueAt(text, second, scientific);
    if (high.high() != null || low.unit() != null && (high.unit() == null || !sameUnit(low, high))) {
      return null;
    }
    return new Limit(start, high.end(), null, low.low(), high.low(), high.unit(), high.unitKey(),
        ofAge(text, high.end()));
  }

  /** A number with its unit, or a range "0-2", "12 Years to 70 Years", "1-5×10^6/kg". */
  private record Value(BigDecimal low, BigDecimal high, String unit, String unitKey, int end) {}

  private Value valueAt(String text, Matcher number, List<Mention> scientific) {
    BigDecimal low = decimal(number.group(1));
    Value single = unitAt(text, number.start(1), number.end(1), low, scientific);
    int dash = LimitWords.rangeDash(text, single.end());
    if (dash >= 0) {
      // NUMBER refuses a digit right after '-' (it guards "SLEDAI-2000"), so read the high end's digits directly.
      Matcher digits = DIGITS.matcher(text);
      digits.region(dash, text.length());
      if (digits.lookingAt()) {
        BigDecimal high = decimal(digits.group());
        Value upper = unitAt(text, digits.start(), digits.end(), high, scientific);
        if (single.unit() == null || upper.unit() != null && sameUnit(single, upper)) {
          return new Value(low, high, upper.unit(), upper.unitKey(), upper.end());
        }
      }
    }
    if (single.unit() == null) {
      Value list = consecutiveList(text, number, low);
      if (list != null && unitAt(text, list.end(), list.end(), low, scientific).unit() == null) {
        return list;
      }
    }
    return single;
  }

  /** "ECOG performance status of 0, 1 or 2": consecutive whole scores listed, the range 0..2. */
  private static Value consecutiveList(String text, Matcher number, BigDecimal low) {
    Matcher list = SCORE_LIST.matcher(text);
    list.region(number.start(1), text.length());
    if (low.scale() > 0 || !list.lookingAt()) {
      return null;
    }
    Matcher digits = DIGIT_RUN.matcher(list.group());
    int expected = low.intValueExact();
    while (digits.find()) {
      if (Integer.parseInt(digits.group()) != expected++) {
        return null;
      }
    }
    return new Value(low, BigDecimal.valueOf(expected - 1L), null, null, list.end());
  }

  private static boolean sameUnit(Value a, Value b) {
    return a.unit() != null && b.unit() != null && compact(a.unit()).equals(compact(b.unit()));
  }

  private Value unitAt(String text, int numberStart, int numberEnd, BigDecimal value, List<Mention> scientific) {
    // A spelling is taken after the number's spaces (greedy \s*: a spelling never starts with a space).
    int after = numberEnd;
    while (after < text.length() && isRegexSpace(text.charAt(after))) {
      after++;
    }
    // Only the spellings whose first character can be the one there are tried (a spelling is never empty).
    char first = after < text.length() ? text.charAt(after) : 0;
    for (UnitSpelling spelling : after < text.length() ? unitsStartingWith(first) : List.<UnitSpelling>of()) {
      int end = spelling.phrase().endAt(text, after);
      if (end >= 0 && (!spelling.wholeWord() || QuotedPhrase.noWordCharacterAt(text, end, false))) {
        return new Value(value, null, text.substring(after, end), spelling.code(), end);
      }
    }
    for (Mention mention : scientific) {
      if (mention.start() == numberStart && mention.end() > numberEnd && mention.low().compareTo(
          mention.high()) == 0) {
        String unit = text.substring(numberEnd, mention.end()).strip();
        return new Value(value, null, unit, scientificKey(unit, mention), mention.end());
      }
    }
    Matcher uln = ULN_UNIT.matcher(text);
    uln.region(numberEnd, text.length());
    if (uln.lookingAt()) {
      String unit = text.substring(numberEnd, uln.end()).strip();
      return new Value(value, null, unit, unitCodes.get(compact(unit)), uln.end());
    }
    Matcher power = POWER_UNIT.matcher(text);
    power.region(numberEnd, text.length());
    if (power.lookingAt()) {
      String unit = text.substring(numberEnd, power.end()).strip();
      return new Value(value, null, unit, unitCodes.get(compact(superscriptsAsPowers(unit))), power.end());
    }
    Matcher glued = GLUED_UNIT.matcher(text);
    glued.region(numberEnd, text.length());
    if (glued.lookingAt()) {
      String unit = TRAILING_DOTS.matcher(glued.group()).replaceAll("");
      return new Value(value, null, unit, unitCodes.get(compact(unit)), numberEnd + unit.length());
    }
    Matcher slash = SPACED_SLASH_UNIT.matcher(text);
    slash.region(numberEnd, text.length());
    if (slash.lookingAt()) {
      return new Value(value, null, slash.group(1), unitCodes.get(compact(slash.group(1))), slash.end());
    }
    return new Value(value, null, null, null, numberEnd);
  }

  /** "50×109/L" is 50 × 10^9 per L: when the unit map lacks the spelling as written, try it as "×10^9/L". */
  private String scientificKey(String unit, Mention mention) {
    String written = unitCodes.get(compact(unit));
    if (written != null) {
      return written;
    }
    Matcher exponent = EXPONENT_TEXT.matcher(unit);
    if (!exponent.find()) {
      return null;
    }
    String power = firstNonNull(firstNonNull(exponent.group(1), exponent.group(2)), exponent.group(3));
    return unitCodes.get(compact("×10^" + power + (mention.unit() == null ? "" : mention.unit())));
  }

  private static boolean proportion(String text, Limit limit) {
    return "%".equals(limit.unit()) && PROPORTION_OF.matcher(text).region(limit.end(), text.length()).lookingAt();
  }

  // ---- text helpers --------------------------------------------------------------------------------------

  private static Set<String> firstWords(Collection<String> phrases, String... more) {
    Set<String> words = new HashSet<>();
    for (String phrase : concat(List.copyOf(phrases), List.of(more))) {
      String first = phrase.strip().split("\\s+")[0];
      if (Character.isLetter(first.charAt(0))) {
        words.add(folded(first));
      }
    }
    return Set.copyOf(words);
  }

  /**
   * The run of letters from {@code i}, each character case-folded as TRIGGER compares it; "" when longer than any
   * trigger word.
   */
  private static String foldedWordAt(String text, int i) {
    StringBuilder word = new StringBuilder(LONGEST_TRIGGER_WORD);
    for (int j = i; j < text.length() && Character.isLetter(text.charAt(j)); j++) {
      if (word.length() == LONGEST_TRIGGER_WORD) {
        return "";
      }
      word.append(caseFolded(text.charAt(j)));
    }
    return word.toString();
  }

  /**
   * False when the run of letters from {@code i} cannot be a trigger word: longer than any, or its case-folded
   * {@link String#hashCode} not one of theirs. A word that passes is then made and looked up.
   */
  private static boolean mayBeTriggerWord(String text, int i) {
    int hash = 0;
    for (int j = i; j < text.length() && Character.isLetter(text.charAt(j)); j++) {
      if (j - i == LONGEST_TRIGGER_WORD) {
        return false;
      }
      hash = 31 * hash + caseFolded(text.charAt(j));
    }
    return Arrays.binarySearch(TRIGGER_WORD_HASHES, hash) >= 0;
  }

  private static String folded(String word) {
    StringBuilder out = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      out.append(caseFolded(word.charAt(i)));
    }
    return out.toString();
  }

  private static String firstCharacters(Collection<String> phrases, String... more) {
    StringBuilder first = new StringBuilder();
    for (String phrase : phrases) {
      first.append(Character.toLowerCase(phrase.strip().charAt(0)));
    }
    for (String phrase : more) {
      first.append(phrase.charAt(0));
    }
    return first.toString();
  }

  /** The phrases as alternatives, longest first, each a whole word (when it starts with a letter). */
  private static List<FirstCharAlternation.Alternative> alternatives(Collection<String> phrases) {
    List<String> sorted = new ArrayList<>(phrases);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    List<FirstCharAlternation.Alternative> parts = new ArrayList<>();
    for (String phrase : sorted) {
      String body = String.join("\\s+", quotedWords(phrase));
      parts.add(new FirstCharAlternation.Alternative(
          Character.isLetter(phrase.charAt(0)) ? NOT_WORD_BEFORE + body + "(?![\\p{L}])" : body,
          phrase.substring(0, 1)));
    }
    return parts;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> both = new ArrayList<>(a);
    both.addAll(b);
    return both;
  }

  private static List<String> quotedWords(String phrase) {
    return List.of(phrase.strip().split("\\s+")).stream().map(Pattern::quote).toList();
  }

  /** "× 10⁹/L" as the unit map spells it, "× 10^9/L". */
  private static String superscriptsAsPowers(String unit) {
    StringBuilder out = new StringBuilder();
    boolean inPower = false;
    for (char c : unit.toCharArray()) {
      int digit = SUPERSCRIPTS.indexOf(c);
      if (digit >= 0 && !inPower) {
        out.append('^');
      }
      inPower = digit >= 0;
      out.append(digit >= 0 ? (char) ('0' + digit) : c);
    }
    return out.toString();
  }

  private static BigDecimal decimal(String written) {
    for (int i = 0; i < written.length(); i++) {
      char c = written.charAt(i);
      if (c == ',' || isRegexSpace(c) || c == '\u00A0' || c == '\u2009' || c == '\u202F') {
        return new BigDecimal(DIGIT_GROUPING.matcher(written).replaceAll(""));
      }
    }
    return new BigDecimal(written);
  }

  private static String fold(String phrase) {
    return spacesReplaced(phrase.strip(), " ").toLowerCase(Locale.ROOT);
  }

  private static String compact(String unit) {
    return spacesReplaced(unit, "").toLowerCase(Locale.ROOT);
  }

  /**
   * Every run of SPACES replaced by {@code by} (" " or ""); the text itself, without a matcher, when that would change
   * nothing — a text with no white space, or (for " ") only single plain spaces. Analytes, units and comparators are
   * folded this way on every limit read.
   */
  private static String spacesReplaced(String text, String by) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isRegexSpace(c) && (by.isEmpty() || c != ' ' || i + 1 < text.length() && isRegexSpace(text.charAt(i + 1)))) {
        return SPACES.matcher(text).replaceAll(by);
      }
    }
    return text;
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /** A character as a CASE_INSENSITIVE | UNICODE_CASE pattern compares it. */
  private static char caseFolded(char c) {
    if (c < 128) {
      // ASCII folds within ASCII: the same answer without two Unicode table lookups, on every letter tried.
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  private static <T> T firstNonNull(T a, T b) {
    return a != null ? a : b;
  }
}
