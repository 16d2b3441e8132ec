package org.trialfhir.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A page cut into sections at heading lines: each heading (a whole line equal to one of the known names)
 * owns the lines up to the next heading. Lines before the first heading form the preamble.
 */
final class PageSections {
  private final List<SourceLine> preamble = new ArrayList<>();
  private final Map<String, List<SourceLine>> sections = new LinkedHashMap<>();
  private final Map<String, Integer> headingLines = new LinkedHashMap<>();

  private PageSections() {}

  /** Cuts {@code content} at lines equal to one of {@code headings} (compared trimmed). */
  static PageSections of(String content, Set<String> headings) {
    PageSections page = new PageSections();
    List<SourceLine> current = page.preamble;
    List<String> raw = splitLines(content);
    // A line longer than every heading is none: most lines are paragraphs, hashed for the set to no purpose.
    int longest = 0;
    for (String heading : headings) {
      longest = Math.max(longest, heading.length());
    }
    for (int i = 0; i < raw.size(); i++) {
      String trimmed = raw.get(i).strip();
      if (trimmed.length() <= longest && headings.contains(trimmed) && !page.sections.containsKey(trimmed)) {
        current = new ArrayList<>();
        page.sections.put(trimmed, current);
        page.headingLines.put(trimmed, i + 1);
        continue;
      }
      current.add(new SourceLine(i + 1, raw.get(i)));
    }
    return page;
  }

  /** The content's lines (\\n, \\r\\n or \\r), split by hand: a regex split was a sixth of parse time. */
  static List<String> splitLines(String content) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(content.substring(start, i));
        if (c == '\r' && i + 1 < content.length() && content.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    lines.add(content.substring(start));
    return lines;
  }

  List<SourceLine> preamble() {
    return preamble;
  }

  boolean has(String heading) {
    return sections.containsKey(heading);
  }

  /** The section's lines, blank ones included; empty when the page lacks the section. */
  List<SourceLine> lines(String heading) {
    return sections.getOrDefault(heading, List.of());
  }

  /** The section's non-blank lines. */
  List<SourceLine> nonBlank(String heading) {
    return lines(heading).stream().filter(line -> !line.isBlank()).toList();
  }

  /** The section's first non-blank line, unescaped, or null. */
  String firstValue(String heading) {
    List<SourceLine> lines = nonBlank(heading);
    return lines.isEmpty() ? null : RegistryText.orNull(lines.get(0).text());
  }

  int headingLine(String heading) {
    return headingLines.getOrDefault(heading, 0);
  }

  Set<String> headings() {
    return sections.keySet();
  }

  /** Non-blank lines grouped into paragraphs (runs separated by blank lines), each line unescaped. */
  static List<String> paragraphs(List<SourceLine> lines) {
    List<String> paragraphs = new ArrayList<>();
    StringBuilder paragraph = new StringBuilder();
    for (SourceLine line : lines) {
      if (line.isBlank()) {
        if (paragraph.length() > 0) {
          paragraphs.add(paragraph.toString());
          paragraph.setLength(0);
        }
        continue;
      }
      if (paragraph.length() > 0) {
        paragraph.append('\n');
      }
      paragraph.append(RegistryText.unescape(line.text()));
    }
    if (paragraph.length() > 0) {
      paragraphs.add(paragraph.toString());
    }
    return paragraphs;
  }

  /** Paragraphs joined as markdown (blank line between), or null when there are none. */
  static String markdown(List<SourceLine> lines) {
    List<String> paragraphs = paragraphs(lines);
    return paragraphs.isEmpty() ? null : String.join("\n\n", paragraphs);
  }
}
