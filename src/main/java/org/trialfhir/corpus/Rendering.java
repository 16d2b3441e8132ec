package org.trialfhir.corpus;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.trialfhir.source.TrialRecord.Criterion;

/**
 * The registry renderings' habits that the readers undo, shared by the writers: markdown escapes ({@code \>},
 * {@code 10\^9}), long-form dates, criteria lines with their labels, long criteria wrapped onto a second line, and
 * consecutive criteria run together on one line ({@code … 92%. 8. The patient …}).
 */
final class Rendering {
  private static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM uuuu", Locale.ENGLISH);

  private final Dice dice;
  private final boolean escapes;

  /** {@code escapes}: whether this record's rendering backslash-escapes markdown characters. */
  Rendering(Dice dice, boolean escapes) {
    this.dice = dice;
    this.escapes = escapes;
  }

  /** The text as the rendering shows it: {@code >}, {@code <}, {@code ~}, {@code ^} escaped when this one escapes. */
  String text(String text) {
    if (!escapes || text == null) {
      return text;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '>' || c == '<' || c == '~' || c == '^') {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append('\\');
      }
      if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** A CT.gov enum word as the renderings show it: "NOT_YET_RECRUITING" is "Not yet recruiting", "DRUG" "Drug". */
  static String sentenceCase(String word) {
    String lower = word.replace('_', ' ').toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }

  /** The paragraphs of a markdown text (split at blank lines; by hand, as a regex split costs more here). */
  static List<String> paragraphs(String markdown) {
    List<String> paragraphs = new ArrayList<>(4);
    int from = 0;
    for (int at = markdown.indexOf("\n\n"); at >= 0; at = markdown.indexOf("\n\n", from)) {
      paragraphs.add(markdown.substring(from, at));
      from = at + 2;
    }
    paragraphs.add(markdown.substring(from));
    return paragraphs;
  }

  /** An ISO date (yyyy-MM-dd or yyyy-MM) as "2024-06-15", or now and then "June 15, 2024" / "June 2024". */
  String date(String iso) {
    if (!dice.chance(0.3)) {
      return iso;
    }
    return iso.length() == 10 ? LocalDate.parse(iso).format(LONG) : YearMonth.parse(iso).format(MONTH);
  }

  /**
   * The lines of one criteria list. {@code indent} goes before every line; {@code messy} allows wrapping and
   * running items together (page renderings), {@code escapedDots} allows "4\." labels (the CT.gov page).
   */
  List<String> criteria(List<Criterion> items, String indent, boolean messy, boolean escapedDots) {
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < items.size(); k++) {
      Criterion item = items.get(k);
      StringBuilder line = new StringBuilder(indent).append(label(item.label(), k == 0, escapedDots))
          .append(text(item.text()));
      boolean joined = false;
      while (messy && item.children().isEmpty() && k + 1 < items.size() && canRunOn(item, items.get(k + 1))
          && dice.chance(0.12)) {
        // "… 92%. 8. The patient …": the next item follows on the same line, as the page renderings lose breaks.
        item = items.get(++k);
        line.append(' ').append(label(item.label(), false, false)).append(text(item.text()));
        joined = true;
      }
      // A continuation line is not searched for labels, so a run-together line is never wrapped.
      addWrapped(lines, line.toString(), messy && !joined && item.children().isEmpty() ? indent : null);
      for (Criterion child : item.children()) {
        lines.add(indent + "  " + child.label() + (dice.chance(0.3) ? "" : " ") + text(child.text()));
      }
    }
    return lines;
  }

  /** "8." runs on after a sentence end ("… 92%. 8. …"); "(5)" runs on after anything. */
  private static boolean canRunOn(Criterion item, Criterion next) {
    String label = next.label();
    if (label.startsWith("(")) {
      return true;
    }
    String text = item.text();
    return label.endsWith(".") && !text.isEmpty() && ".;".indexOf(text.charAt(text.length() - 1)) >= 0;
  }

  private String label(String label, boolean first, boolean escapedDots) {
    if (label.equals("*")) {
      return "* ";
    }
    if (label.startsWith("(")) {
      // MedPath writes "• ( 1)" for the first item and "(2)" after it.
      return first ? "• ( " + label.substring(1) + " " : label + " ";
    }
    if (escapedDots && label.endsWith(".") && dice.chance(0.15)) {
      return label.substring(0, label.length() - 1) + "\\. ";
    }
    return label + " ";
  }

  /** Adds the line, now and then cut at a space into two lines (the second starting with a letter). */
  private void addWrapped(List<String> lines, String line, String indent) {
    if (indent != null && line.length() > 110 && dice.chance(0.2)) {
      for (int cut = line.length() / 2; cut < line.length() - 1; cut++) {
        if (line.charAt(cut) == ' ' && Character.isLetter(line.charAt(cut + 1))) {
          lines.add(line.substring(0, cut));
          lines.add(indent + line.substring(cut + 1));
          return;
        }
      }
    }
    lines.add(line);
  }
}
