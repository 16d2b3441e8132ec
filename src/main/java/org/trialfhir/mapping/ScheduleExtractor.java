package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.mapping.Schedule.CellInfusion;
import org.trialfhir.mapping.Schedule.Dose;
import org.trialfhir.mapping.Schedule.DrugStep;
import org.trialfhir.mapping.Schedule.Duration;
import org.trialfhir.mapping.Schedule.Repeat;
import org.trialfhir.source.ScientificNumbers;
import org.trialfhir.source.ScientificNumbers.Mention;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Intervention;

/**
 * Reads the treatment schedule out of a record's free text: arms first, then interventions, then the detailed
 * description and the brief summary — the most specific section that states a detail wins, and each time a
 * less specific one says otherwise, or a section repeats itself, the decision becomes a note.
 *
 * <p>Doses given as examples ("e.g. 30 mg/m²/day") are not protocol facts and are never taken. Drug names,
 * route words and unit spellings come from the ConceptMaps, through {@link Vocabulary}.
 */
public final class ScheduleExtractor {

  /** The vocabulary the extractor looks for, loaded from mappings/. */
  public record Vocabulary(List<String> drugNames, List<String> routeWords, Function<String, Optional<String>> ucum) {
    public Vocabulary {
      // Longest first, so "fludarabine phosphate" wins over "fludarabine".
      drugNames = drugNames.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
      routeWords = routeWords.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
  }

  /** A free-text section, split into sentences once: both the lymphodepletion and the infusion read them. */
  private record Section(String name, String text, List<String> sentences) {}

  /**
   * A drug's part of a sentence: the drug as written, its grouping key, the clause, the study days it names and the
   * whole sentence.
   */
  private record Clause(String drug, String key, String text, List<Integer> days, String sentence, Section section) {}

  static final Pattern EXAMPLE = Pattern.compile("\\be\\.g\\.|\\bfor example\\b|\\bsuch as\\b",
      Pattern.CASE_INSENSITIVE);
  /** What every EXAMPLE match begins with, in lower case. */
  static final List<String> EXAMPLE_WORDS = List.of("e.g.", "for example", "such as");
  private static final Pattern DOSE = Pattern.compile(
      "(\\d+(?:\\.\\d+)?)(?:\\s*(?:-|–|to)\\s*(\\d+(?:\\.\\d+)?))?\\s*((?:mg|g|µg|mcg)\\s*/\\s*(?:m\\s*\\^?\\s*2|m²|kg))"
          + "(?:\\s*/\\s*(?:day|d)\\b)?",
      Pattern.CASE_INSENSITIVE);
  static final Pattern DAY_RANGE = Pattern.compile(
      "\\bdays?\\s*(-?\\s?\\d{1,3})\\s*(?:to|through|-|–|~)\\s*(-?\\s?\\d{1,3})\\b", Pattern.CASE_INSENSITIVE);
  static final Pattern D_RANGE = Pattern.compile(
      "\\bD\\s*(-\\s*\\d{1,3})\\s*[~～]\\s*D\\s*(-\\s*\\d{1,3})");
  static final Pattern DAY_ONE = Pattern.compile("\\bday\\s*(-?\\s?\\d{1,3})\\b(?!\\s*(?:to|through|–|~|-\\s*-?\\d))",
      Pattern.CASE_INSENSITIVE);
  static final Pattern D_ONE = Pattern.compile("\\bD(-?\\d{1,3})\\b");
  static final Pattern DURATION = Pattern.compile(
      "\\bover\\s+(?:a\\s+)?(?:duration\\s+of\\s+|period\\s+of\\s+)?(\\d+)(?:\\s*(?:-|–|to)\\s*(\\d+))?[\\s-]*"
          + "(minutes?|mins?|hours?|hrs?)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern LYMPHODEPLETION = Pattern.compile(
      "lymphodeplet|lympho-deplet|precondition|conditioning|pretreatment|pre-treatment|chemotherapy",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern BEFORE = Pattern.compile(
      "\\bbefore\\b|\\bprior to\\b|\\bfollowed by\\b|lymphodeplet|precondition", Pattern.CASE_INSENSITIVE);
  static final Pattern INFUSION = Pattern.compile(
      "infus|inject|administ|transfus|\\breceive", Pattern.CASE_INSENSITIVE);
  /** INFUSION's words: a sentence with none of them in lower case (most sentences) cannot match it. */
  static final List<String> INFUSION_WORDS = List.of("infus", "inject", "administ", "transfus", "receive");
  static final Pattern CELLS = Pattern.compile(
      "\\bcells?\\b|CAR[- ]?T|CAR[- ]?NK|\\bCART\\b|TCR[- ]?T", Pattern.CASE_INSENSITIVE);
  /** What every CELLS match holds, in lower case: a sentence with none cannot match it. */
  static final List<String> CELLS_WORDS = List.of("cell", "car", "tcr");
  // A product name: up to three antigen-like tokens ("CD38", "anti-BCMA", "HER2") before the cell kind.
  private static final Pattern CELL_PRODUCT = Pattern.compile(
      "(?:(?:(?:[Aa]nti-?)?(?:CD\\d+\\w*|[A-Z][A-Z0-9]+[\\w-]*)(?:/\\S+)?|and)\\s+){0,3}"
          + "(?i:CAR[- ]?T|CAR[- ]?NK|CART|TCR[- ]?T)(?:[- ](?i:cells?))?");
  static final Pattern REPEAT = Pattern.compile(
      "\\b(\\d|one|two|three|four|five)\\s+(?:or\\s+(\\d|two|three|four|five)\\s+)?additional\\s+(?:doses|infusions)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final List<String> NUMBER_WORDS = List.of("zero", "one", "two", "three", "four", "five");

  private final Vocabulary vocabulary;

  public ScheduleExtractor(Vocabulary vocabulary) {
    this.vocabulary = vocabulary;
  }

  public Schedule extract(TrialRecord record) {
    List<Section> sections = sections(record);
    List<String> notes = new ArrayList<>();
    List<DrugStep> drugs = lymphodepletion(sections, notes);
    CellInfusion infusion = infusion(record, sections, notes, !drugs.isEmpty()
        && drugs.stream().anyMatch(d -> !d.days().isEmpty()));
    return new Schedule(drugs, infusion, notes);
  }

  /** The record's free-text sections, most specific first. */
  private static List<Section> sections(TrialRecord r) {
    List<Section> sections = new ArrayList<>();
    for (Arm arm : r.arms()) {
      add(sections, "arm \"" + arm.label() + "\"", arm.description());
    }
    for (Intervention intervention : r.interventions()) {
      add(sections, "intervention \"" + intervention.name() + "\"", intervention.description());
    }
    add(sections, "detailed description", r.detailedDescription());
    add(sections, "brief summary", r.briefSummary());
    if (r.design() != null) {
      add(sections, "intervention model description", r.design().interventionModelDescription());
    }
    return sections;
  }

  private static void add(List<Section> sections, String name, String text) {
    if (text != null && !text.isBlank()) {
      sections.add(new Section(name, text, sentences(text)));
    }
  }

  private static List<String> sentences(String text) {
    return Sentences.of(text.strip());
  }

  // ---- lymphodepletion ----

  private List<DrugStep> lymphodepletion(List<Section> sections, List<String> notes) {
    Map<String, List<Clause>> byDrug = new LinkedHashMap<>();
    for (Section section : sections) {
      for (String sentence : section.sentences()) {
        Boolean namesLymphodepletion = null; // searched once a sentence, when a clause needs it
        for (Clause clause : clauses(sentence, section)) {
          boolean negativeDays = clause.days().stream().anyMatch(d -> d < 0);
          if (!negativeDays && namesLymphodepletion == null) {
            namesLymphodepletion = LYMPHODEPLETION.matcher(sentence).find();
          }
          if (negativeDays || namesLymphodepletion) {
            byDrug.computeIfAbsent(clause.key(), k -> new ArrayList<>()).add(clause);
          }
        }
      }
    }
    List<DrugStep> steps = new ArrayList<>();
    for (Map.Entry<String, List<Clause>> entry : byDrug.entrySet()) {
      steps.add(drugStep(entry.getKey(), entry.getValue(), notes));
    }
    return steps;
  }

  /** A sentence cut at each mention of a different known drug; each piece belongs to its drug. */
  private List<Clause> clauses(String sentence, Section section) {
    String lower = sentence.toLowerCase(Locale.ROOT);
    List<int[]> mentions = new ArrayList<>(); // start, end, drug index
    for (int i = 0; i < vocabulary.drugNames().size(); i++) {
      String name = vocabulary.drugNames().get(i);
      int from = 0;
      while ((from = lower.indexOf(name, from)) >= 0) {
        int end = from + name.length();
        boolean word = (from == 0 || !Character.isLetter(lower.charAt(from - 1)))
            && (end == lower.length() || !Character.isLetter(lower.charAt(end)));
        int start = from;
        if (word && mentions.stream().noneMatch(m -> start < m[1] && end > m[0])) {
          mentions.add(new int[] {from, end, i});
        }
        from = end;
      }
    }
    mentions.sort(Comparator.comparingInt(m -> m[0]));
    List<Clause> clauses = new ArrayList<>();
    for (int k = 0; k < mentions.size(); k++) {
      String drug = canonicalDrug(mentions.get(k)[2]);
      int end = sentence.length();
      for (int n = k + 1; n < mentions.size(); n++) {
        if (!canonicalDrug(mentions.get(n)[2]).equals(drug)) {
          end = mentions.get(n)[0];
          break;
        }
      }
      if (k > 0 && canonicalDrug(mentions.get(k - 1)[2]).equals(drug)) {
        continue; // a repeated mention of the same drug stays in the clause its first mention opened
      }
      String written = sentence.substring(mentions.get(k)[0], mentions.get(k)[1]);
      String text = sentence.substring(mentions.get(k)[0], end).strip();
      clauses.add(new Clause(written, drug, text, days(text), sentence, section));
    }
    return clauses;
  }

  /** "fludarabine phosphate" and "fludarabine" are one drug for grouping; the most specific name is kept. */
  private String canonicalDrug(int index) {
    String name = vocabulary.drugNames().get(index);
    return name.split(" ")[0];
  }

  private DrugStep drugStep(String key, List<Clause> clauses, List<String> notes) {
    Clause chosen = null;
    Dose chosenDose = null;
    List<Clause> examples = new ArrayList<>();
    for (Clause clause : clauses) {
      // Each clause's dose is read once: the chosen one's was read again for every clause compared with it.
      Dose dose = dose(clause.text());
      boolean detailed = !clause.days().isEmpty() || dose != null;
      if (detailed && findsFromWord(EXAMPLE, clause.text(), clause.text().toLowerCase(Locale.ROOT), EXAMPLE_WORDS)) {
        examples.add(clause);
      } else if (detailed && chosen == null) {
        chosen = clause;
        chosenDose = dose;
      } else if (detailed && chosen != null) {
        compare(chosen, chosenDose, clause, dose, notes);
      }
    }
    Clause named = chosen != null ? chosen : clauses.get(0);
    String drug = mostSpecificName(clauses);
    for (Clause example : examples) {
      String followed = chosen == null ? "" : "\"" + chosen.text() + "\" from the " + chosen.section().name()
          + " is followed; ";
      notes.add(capitalise(drug) + ": " + followed + "the " + example.section().name() + " gives \""
          + example.text() + "\" as an example, which is not taken as a protocol dose or day.");
    }
    if (chosen == null) {
      return new DrugStep(drug, null, List.of(), route(named.text()), duration(named.text()),
          clauses.stream().anyMatch(c -> BEFORE.matcher(c.sentence()).find()),
          named.section().name(), named.text());
    }
    return new DrugStep(drug, chosenDose, chosen.days(), route(chosen.text()),
        duration(chosen.text()), true, chosen.section().name(), chosen.text());
  }

  private void compare(Clause chosen, Dose chosenDose, Clause other, Dose otherDose, List<String> notes) {
    boolean same = chosen.days().equals(other.days()) && java.util.Objects.equals(chosenDose, otherDose);
    String drug = capitalise(chosen.drug());
    if (same && chosen.section().equals(other.section())) {
      notes.add(drug + ": stated twice in the " + chosen.section().name() + " with the same dose and days; taken once.");
    } else if (!same) {
      notes.add(drug + ": the " + chosen.section().name() + " states \"" + chosen.text() + "\" and the "
          + other.section().name() + " states \"" + other.text() + "\"; the " + chosen.section().name()
          + " is the more specific section and is followed.");
    }
  }

  private static String mostSpecificName(List<Clause> clauses) {
    return clauses.stream().map(c -> c.drug().toLowerCase(Locale.ROOT))
        .max(Comparator.comparingInt(String::length)).orElseThrow();
  }

  private Dose dose(String text) {
    // Every DOSE match opens with an ASCII digit: a text without one is not searched.
    if (!AsciiDigits.in(text)) {
      return null;
    }
    Matcher m = DOSE.matcher(text);
    if (!m.find()) {
      return null;
    }
    String unit = SPACES.matcher(m.group(3)).replaceAll("");
    Optional<String> ucum = vocabulary.ucum().apply(unit);
    if (ucum.isEmpty()) {
      return null;
    }
    BigDecimal low = new BigDecimal(m.group(1));
    return new Dose(low, m.group(2) == null ? low : new BigDecimal(m.group(2)), unit, ucum.get());
  }

  /** Study days a text names: "days -4 to -2", "day -2", "(D-5~D- 3)", "D0 and D7". */
  static List<Integer> days(String text) {
    if (!AsciiDigits.in(text)) {
      return List.of();
    }
    // DAY_RANGE and DAY_ONE need "day" (ASCII, any case), D_RANGE and D_ONE a capital D: a pattern whose letters the
    // text lacks cannot match, and skipping it leaves the text as it was, so only the patterns that can are run.
    boolean dayWord = text.toLowerCase(Locale.ROOT).contains("day");
    boolean capitalD = text.indexOf('D') >= 0;
    if (!dayWord && !capitalD) {
      return List.of();
    }
    Set<Integer> days = new LinkedHashSet<>();
    String rest = text;
    for (Pattern range : new Pattern[] {DAY_RANGE, D_RANGE}) {
      if (!(range == DAY_RANGE ? dayWord : capitalD)) {
        continue;
      }
      Matcher m = range.matcher(rest);
      StringBuilder remaining = new StringBuilder();
      int last = 0;
      for (int next = 0; range == DAY_RANGE ? LiteralStarts.find(m, rest, "day", true, next)
          : LiteralStarts.find(m, rest, "D", false, next); next = m.end()) {
        int from = Integer.parseInt(m.group(1).replace(" ", ""));
        int to = Integer.parseInt(m.group(2).replace(" ", ""));
        if (to >= from && to - from <= 60) {
          for (int d = from; d <= to; d++) {
            days.add(d);
          }
          remaining.append(rest, last, m.start()).append(' ');
          last = m.end();
        }
      }
      remaining.append(rest.substring(last));
      rest = remaining.toString();
    }
    for (Pattern one : new Pattern[] {DAY_ONE, D_ONE}) {
      if (!(one == DAY_ONE ? dayWord : capitalD)) {
        continue;
      }
      Matcher m = one.matcher(rest);
      int last = 0;
      while (one == DAY_ONE ? LiteralStarts.find(m, rest, "day", true, last)
          : LiteralStarts.find(m, rest, "D", false, last)) {
        days.add(Integer.parseInt(m.group(1).replace(" ", "")));
        last = m.end();
      }
    }
    return days.stream().sorted().toList();
  }

  private String route(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String word : vocabulary.routeWords()) {
      int at = standalone(lower, word);
      if (at >= 0) {
        return text.substring(at, at + word.length());
      }
    }
    return null;
  }

  /**
   * Where {@code word} first stands alone in {@code text}: no word character ({@code \w}) or point just before it,
   * no word character just after; -1 when nowhere. A search per route word, where a regex per word cost a
   * look-behind at every character of every step's text.
   */
  private static int standalone(String text, String word) {
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      int end = at + word.length();
      boolean freeBefore = at == 0 || !isWordChar(text.charAt(at - 1)) && text.charAt(at - 1) != '.';
      if (freeBefore && (end == text.length() || !isWordChar(text.charAt(end)))) {
        return at;
      }
    }
    return -1;
  }

  /** What {@code \w} matches without UNICODE_CHARACTER_CLASS: ASCII letters, digits and '_'. */
  private static boolean isWordChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
  }

  private Duration duration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!LiteralStarts.find(m, text, "over", true, 0)) {
      return null;
    }
    String unit = m.group(3).toLowerCase(Locale.ROOT).startsWith("h") ? "h" : "min";
    BigDecimal low = new BigDecimal(m.group(1));
    return new Duration(low, m.group(2) == null ? low : new BigDecimal(m.group(2)), unit);
  }

  // ---- cell infusion ----

  private CellInfusion infusion(TrialRecord record, List<Section> sections, List<String> notes,
      boolean otherActionsHaveDays) {
    List<Integer> days = List.of();
    String text = null;
    String route = null;
    Duration duration = null;
    Repeat repeat = null;
    for (Section section : sections) {
      for (String sentence : section.sentences()) {
        String lower = sentence.toLowerCase(Locale.ROOT);
        if (!findsFromWord(INFUSION, sentence, lower, INFUSION_WORDS)
            || !findsFromWord(CELLS, sentence, lower, CELLS_WORDS)) {
          continue;
        }
        List<Integer> sentenceDays = days(sentence);
        if (sentenceDays.stream().anyMatch(d -> d < 0) && !clauses(sentence, section).isEmpty()) {
          continue; // a lymphodepletion sentence that also names the cells
        }
        Matcher more = REPEAT.matcher(sentence);
        // Every REPEAT match holds "additional": without it (in any ASCII case) the sentence is not searched.
        if (repeat == null && lower.contains("additional") && more.find()) {
          int low = number(more.group(1));
          repeat = new Repeat(low, more.group(2) == null ? low : number(more.group(2)), sentence.strip());
          continue;
        }
        List<Integer> stated = sentenceDays.stream().filter(d -> d >= 0).toList();
        if (days.isEmpty() && !stated.isEmpty()) {
          days = stated;
          text = sentence.strip();
          route = route(sentence);
          duration = duration(sentence);
        } else if (!stated.isEmpty() && !stated.equals(days)) {
          notes.add("Cell infusion: the " + section.name() + " states days " + stated + " (\"" + sentence.strip()
              + "\"); days " + days + " from the more specific section are followed.");
        }
        if (route == null) {
          route = route(sentence);
        }
        if (duration == null) {
          duration = duration(sentence);
        }
      }
    }
    boolean dayStated = !days.isEmpty();
    if (!dayStated && otherActionsHaveDays) {
      // Study days are counted from the first cell infusion: the other actions' days place it on day 0.
      days = List.of(0);
      notes.add("Cell infusion: the record names no day for it; it is day 0 of the study-day scale that the"
          + " lymphodepletion days are counted on.");
    }
    List<Dose> levels = cellDoses(sections, notes);
    String product = product(record, text);
    if (product == null && days.isEmpty() && levels.isEmpty()) {
      return null;
    }
    Dose single = levels.size() == 1 ? levels.get(0) : null;
    return new CellInfusion(product, days, dayStated, single, single == null ? levels : List.of(), route,
        duration, repeat, text);
  }

  /**
   * Whether the text, lower-cased, contains one of {@code words} (lower-case ASCII): a case-insensitive ASCII pattern
   * that only matches them cannot match a text where none is, and a few searches for a word are cheaper than the
   * pattern's walk over every character.
   */
  /**
   * Whether {@code pattern} (CASE_INSENSITIVE without UNICODE_CASE) finds a match in {@code text}, every match of
   * which begins with one of {@code words} (lower-case ASCII, matched in any ASCII case). {@code lower} is the text in
   * lower case: no match begins before the first word in it, so the search starts there, not at every character of
   * the sentence before it. A text whose lower case has another length (an "İ") is searched from its start.
   */
  static boolean findsFromWord(Pattern pattern, String text, String lower, List<String> words) {
    int first = -1;
    for (String word : words) {
      int at = lower.indexOf(word);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first >= 0 && pattern.matcher(text).find(lower.length() == text.length() ? first : 0);
  }

  private static int number(String word) {
    int index = NUMBER_WORDS.indexOf(word.toLowerCase(Locale.ROOT));
    return index >= 0 ? index : Integer.parseInt(word);
  }

  /** Cell doses from the most specific section that states any; the same dose stated again is taken once. */
  private List<Dose> cellDoses(List<Section> sections, List<String> notes) {
    List<Dose> chosen = List.of();
    String chosenSection = null;
    for (Section section : sections) {
      List<Dose> doses = new ArrayList<>();
      for (Mention mention : ScientificNumbers.find(section.text())) {
        if (mention.unit() == null) {
          continue;
        }
        Optional<String> ucum = vocabulary.ucum().apply(mention.unit());
        if (ucum.isPresent() && ucum.get().startsWith("{cells}")) {
          Dose dose = new Dose(mention.low(), mention.high(), mention.unit(), ucum.get());
          if (doses.stream().noneMatch(d -> sameDose(d, dose))) {
            doses.add(dose);
          }
        }
      }
      if (doses.isEmpty()) {
        continue;
      }
      if (chosenSection == null) {
        chosen = doses;
        chosenSection = section.name();
      } else if (!sameDoses(chosen, doses)) {
        notes.add("Cell dose: the " + section.name() + " states " + describe(doses) + "; " + describe(chosen)
            + " from the " + chosenSection + " are followed.");
      }
    }
    return chosen;
  }

  private static boolean sameDose(Dose a, Dose b) {
    return a.low().compareTo(b.low()) == 0 && a.high().compareTo(b.high()) == 0 && a.ucum().equals(b.ucum());
  }

  private static boolean sameDoses(List<Dose> a, List<Dose> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!sameDose(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String describe(List<Dose> doses) {
    return doses.stream().map(d -> d.low().toPlainString() + (d.isRange() ? "-" + d.high().toPlainString() : "")
        + " " + d.ucum()).toList().toString();
  }

  /**
   * The cell product: the intervention that names cells, else the product the title names, else the cells
   * the infusion sentence names.
   */
  private static String product(TrialRecord record, String infusionText) {
    for (Intervention intervention : record.interventions()) {
      if (CELLS.matcher(intervention.name()).find()) {
        return intervention.name();
      }
    }
    for (String text : new String[] {record.briefTitle(), infusionText}) {
      if (text != null) {
        Matcher m = CELL_PRODUCT.matcher(text);
        if (m.find()) {
          return m.group().strip();
        }
      }
    }
    return null;
  }

  private static String capitalise(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
