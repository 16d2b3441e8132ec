package org.trialfhir.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord.Criterion;

/**
 * Turns the lines of an inclusion or exclusion list into {@link Criterion} items with their nesting.
 *
 * <p>Registry lists come numbered {@code 1.}, {@code (1)}, {@code ( 1)}, {@code 1)}, bulleted {@code *} or
 * {@code •}, nested, split across lines, and run together on one line. The rules: a label at the start of a
 * line opens an item; number 1 (or a new bullet style) opens a list nested under the previous item; a number
 * that continues an open list closes the lists inside it; a label inside a line splits it only when it is the
 * next number of an open list of the same style (so "CDAI>10; or 2) the dose" stays one criterion); an
 * unlabelled line right after an item continues it, and after a blank line it is a paragraph of its own. No
 * text is dropped: every character of the input lands in some criterion's text or label.
 */
public final class CriteriaParser {

  /** The two lists of a CT.gov eligibilityCriteria text. */
  public record Lists(List<Criterion> inclusion, List<Criterion> exclusion) {}

  private enum Style {
    DOT, // 1.
    PAREN, // (1)
    CLOSE_PAREN, // 1)
    BULLET // * or •
  }

  private static final Pattern BULLET = Pattern.compile("^([*•·\\-])\\s+");
  private static final Pattern DOT = Pattern.compile("^(\\d{1,2})[.、．](?!\\d)\\s*");
  private static final Pattern PAREN = Pattern.compile("^[(（]\\s?(\\d{1,2})\\s?[)）]\\s*");
  private static final Pattern CLOSE_PAREN = Pattern.compile("^(\\d{1,2})[)）]\\s*");
  private static final Pattern HEADER =
      Pattern.compile("^(?:key\\s+|main\\s+)?(inclusion|exclusion)\\s+criteria\\b[^\\n]*$", Pattern.CASE_INSENSITIVE);

  private final String section;
  private final List<Diagnostic> diagnostics;
  private final List<Level> stack = new ArrayList<>();
  private Node last;

  private CriteriaParser(String section, List<Diagnostic> diagnostics) {
    this.section = section;
    this.diagnostics = diagnostics;
    stack.add(new Level(null));
  }

  /** Parses the lines of one list (inclusion or exclusion); {@code section} names it in diagnostics. */
  public static List<Criterion> parse(List<SourceLine> lines, String section, List<Diagnostic> diagnostics) {
    CriteriaParser parser = new CriteriaParser(section, diagnostics);
    boolean afterBlank = true;
    for (SourceLine line : lines) {
      if (line.isBlank()) {
        afterBlank = true;
        continue;
      }
      parser.accept(line, afterBlank);
      afterBlank = false;
    }
    return parser.stack.get(0).items.stream().map(Node::toCriterion).toList();
  }

  /**
   * Splits a CT.gov eligibilityCriteria text at its "Inclusion Criteria:" and "Exclusion Criteria:" headings
   * and parses each list; text before the first heading is kept as inclusion paragraphs, with a diagnostic.
   */
  public static Lists parseEligibilityText(String text, int firstLineNumber, List<Diagnostic> diagnostics) {
    List<SourceLine> inclusion = new ArrayList<>();
    List<SourceLine> exclusion = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new Lists(List.of(), List.of());
    }
    List<SourceLine> current = null;
    String[] raw = LineBreaks.split(text);
    for (int i = 0; i < raw.length; i++) {
      SourceLine line = new SourceLine(firstLineNumber + i, raw[i]);
      Matcher header = HEADER.matcher(RegistryText.unescape(raw[i]));
      if (header.matches()) {
        current = header.group(1).toLowerCase(Locale.ROOT).equals("inclusion") ? inclusion : exclusion;
        continue;
      }
      if (current == null) {
        if (line.isBlank()) {
          continue;
        }
        diagnostics.add(
            new Diagnostic(
                Severity.WARNING,
                "eligibilityCriteria",
                line.number(),
                raw[i].trim(),
                "text before any Inclusion/Exclusion heading; kept as an inclusion paragraph"));
        current = inclusion;
      }
      current.add(line);
    }
    return new Lists(
        parse(inclusion, "Inclusion Criteria", diagnostics), parse(exclusion, "Exclusion Criteria", diagnostics));
  }

  private void accept(SourceLine line, boolean afterBlank) {
    String text = RegistryText.unescape(line.text());
    Label label = leadingLabel(text);
    if (last != null && last.openParens() > 0 && runsOn(text, label)) {
      // An item whose parenthesis is still open runs on: "(for patients with liver invasion" + "* 5.0×ULN);".
      last.append(text);
      warn(line, text, "joined to the previous criterion: its parenthesis was still open");
      return;
    }
    if (label == null) {
      if (last != null && !afterBlank) {
        last.append(text);
      } else {
        Node paragraph = new Node(null);
        innermost().items.add(paragraph);
        last = paragraph;
        splitInline(line, paragraph, text);
      }
      return;
    }
    place(line, label);
    splitInline(line, last, text.substring(label.length));
  }

  /** An unlabelled line, or a bullet before a number ("* 5.0×ULN);"), can only be the rest of an open item. */
  private static boolean runsOn(String text, Label label) {
    if (label == null) {
      return true;
    }
    String after = text.substring(label.length);
    return label.style == Style.BULLET && !after.isEmpty() && !Character.isLetter(after.codePointAt(0));
  }

  /** Appends {@code text} to {@code node}, splitting off every inline label that continues an open list. */
  private void splitInline(SourceLine line, Node node, String text) {
    Node current = node;
    int from = 0;
    for (int i = 1; i < text.length(); i++) {
      Label candidate = inlineLabelAt(text, i);
      if (candidate == null || !expected(candidate)) {
        continue;
      }
      current.append(text.substring(from, candidate.start));
      place(line, candidate);
      current = last;
      from = candidate.start + candidate.length;
      i = from - 1;
    }
    current.append(text.substring(from));
  }

  /**
   * The label whose number starts at {@code i}, if any: "(n)" anywhere, "n." and "n)" only after a sentence
   * end. Hand-written rather than a regex: it runs at every digit of every criterion.
   */
  private static Label inlineLabelAt(String text, int i) {
    int n = text.length();
    if (!isDigit(text.charAt(i)) || isDigit(text.charAt(i - 1))) {
      return null;
    }
    int k = i + 1;
    if (k < n && isDigit(text.charAt(k))) {
      k++;
    }
    if (k >= n || isDigit(text.charAt(k))) {
      return null;
    }
    int number = Integer.parseInt(text, i, k, 10);
    int close = text.charAt(k) == ' ' && k + 1 < n ? k + 1 : k;
    int open = text.charAt(i - 1) == ' ' && i >= 2 ? i - 2 : i - 1;
    if (isClose(text.charAt(close)) && isOpen(text.charAt(open))) {
      return labelFrom(text, Style.PAREN, number, open, close + 1);
    }
    int before = i - 1;
    while (before >= 0 && Character.isWhitespace(text.charAt(before))) {
      before--;
    }
    if (before < 0) {
      return null;
    }
    char end = text.charAt(before);
    boolean sentenceEnd = ".;:。；".indexOf(end) >= 0;
    char after = text.charAt(k);
    if (sentenceEnd && (after == '.' || after == '、' || after == '．')
        && k + 1 < n && Character.isWhitespace(text.charAt(k + 1))) {
      return labelFrom(text, Style.DOT, number, before + 1, k + 1);
    }
    if ((sentenceEnd || end == ',') && isClose(after)) {
      return labelFrom(text, Style.CLOSE_PAREN, number, before + 1, k + 1);
    }
    return null;
  }

  private static Label labelFrom(String text, Style style, int number, int start, int labelEnd) {
    int end = labelEnd;
    while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    if (end >= text.length()) {
      return null; // a label with nothing after it is the text's own number
    }
    return new Label(style, number, text.substring(start, labelEnd).strip(), start, end - start);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isOpen(char c) {
    return c == '(' || c == '（';
  }

  private static boolean isClose(char c) {
    return c == ')' || c == '）';
  }

  private void place(SourceLine line, Label label) {
    Node node = new Node(label.text);
    for (int i = stack.size() - 1; i >= 0; i--) {
      Level level = stack.get(i);
      if (level.continuesWith(label)) {
        popTo(i);
        level.add(node, label);
        last = node;
        return;
      }
    }
    Level root = stack.get(0);
    if (root.style == null) {
      root.style = label.style;
      root.add(node, label);
    } else if (label.number == null || label.number == 1 || last == null) {
      Level nested = new Level(label.style);
      last.children.add(nested);
      stack.add(nested);
      nested.add(node, label);
    } else {
      int same = innermostOfStyle(label.style);
      if (same >= 0) {
        popTo(same);
        warn(line, label.text, "numbering jumps to " + label.number + "; kept in the list of the same style");
        stack.get(same).add(node, label);
      } else {
        Level nested = new Level(label.style);
        last.children.add(nested);
        stack.add(nested);
        nested.add(node, label);
        warn(line, label.text, "list starts at " + label.number + "; kept nested under the previous criterion");
      }
    }
    last = node;
  }

  private boolean expected(Label label) {
    return stack.stream().anyMatch(level -> level.continuesWith(label));
  }

  private static Label leadingLabel(String text) {
    if (text.isEmpty()) {
      return null;
    }
    // Each label pattern opens with a character of its own: only the one that can start here is run, and most
    // lines (continuations, paragraphs) start with none of them.
    Matcher bullet = "*•·-".indexOf(text.charAt(0)) >= 0 ? BULLET.matcher(text) : null;
    if (bullet != null && bullet.lookingAt()) {
      // "• ( 1) At the time..." — a bullet wrapped around a numbered item: the number is the label.
      Label inner = numberedLabel(text.substring(bullet.end()), bullet.end());
      return inner != null ? inner : new Label(Style.BULLET, null, bullet.group(1), 0, bullet.end());
    }
    return numberedLabel(text, 0);
  }

  private static Label numberedLabel(String text, int offset) {
    if (text.isEmpty()) {
      return null;
    }
    // PAREN opens with a bracket, DOT and CLOSE_PAREN with a digit: only the patterns that can match here are run,
    // in the order they were always tried.
    char first = text.charAt(0);
    if (isOpen(first)) {
      return label(Style.PAREN, PAREN, text, offset);
    }
    if (!isDigit(first)) {
      return null;
    }
    Label dot = label(Style.DOT, DOT, text, offset);
    return dot != null ? dot : label(Style.CLOSE_PAREN, CLOSE_PAREN, text, offset);
  }

  /** The label {@code pattern} finds at the start of {@code text}, when text follows it. */
  private static Label label(Style style, Pattern pattern, String text, int offset) {
    Matcher m = pattern.matcher(text);
    if (m.lookingAt() && m.end() < text.length()) {
      String shown = m.group().replace(" ", "").replace("（", "(").replace("）", ")");
      return new Label(style, Integer.parseInt(m.group(1)), shown, 0, offset + m.end());
    }
    return null;
  }

  private Level innermost() {
    return stack.get(stack.size() - 1);
  }

  private int innermostOfStyle(Style style) {
    for (int i = stack.size() - 1; i >= 0; i--) {
      if (stack.get(i).style == style) {
        return i;
      }
    }
    return -1;
  }

  private void popTo(int index) {
    while (stack.size() > index + 1) {
      stack.remove(stack.size() - 1);
    }
  }

  private void warn(SourceLine line, String text, String message) {
    diagnostics.add(new Diagnostic(Severity.INFO, section, line.number(), text, message));
  }

  private record Label(Style style, Integer number, String text, int start, int length) {}

  private static final class Level {
    private Style style;
    private Integer lastNumber;
    private final List<Node> items = new ArrayList<>();

    Level(Style style) {
      this.style = style;
    }

    boolean continuesWith(Label label) {
      if (style != label.style || items.isEmpty()) {
        return false;
      }
      return label.style == Style.BULLET || (lastNumber != null && label.number == lastNumber + 1);
    }

    void add(Node node, Label label) {
      items.add(node);
      if (label.number != null) {
        lastNumber = label.number;
      }
    }
  }

  private static final class Node {
    private final String label;
    private final StringBuilder text = new StringBuilder();
    private final List<Level> children = new ArrayList<>();

    Node(String label) {
      this.label = label;
    }

    void append(String more) {
      String clean = more.strip();
      if (clean.isEmpty()) {
        return;
      }
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(clean);
    }

    int openParens() {
      int open = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '(' || c == '（') {
          open++;
        } else if ((c == ')' || c == '）') && open > 0) {
          open--;
        }
      }
      return open;
    }

    Criterion toCriterion() {
      List<Criterion> kids = new ArrayList<>();
      for (Level level : children) {
        for (Node child : level.items) {
          kids.add(child.toCriterion());
        }
      }
      return new Criterion(label, text.toString(), kids);
    }
  }
}
