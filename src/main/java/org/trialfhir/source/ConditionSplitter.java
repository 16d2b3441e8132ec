package org.trialfhir.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.Diagnostic.Severity;

/**
 * Splits a line on which a page rendering joined several condition terms with bare spaces ("Refractory
 * Osteosarcoma Recurrent Osteosarcoma", "AML (Acute Myeloid Leukemia) BPDCN (...)").
 *
 * <p>A closing parenthesis followed by a capitalised word ends a term for certain. Beyond that, when one
 * word recurs, each term is taken to hold it once: "W, X" (MeSH inverted order) starts a term at W, "W of
 * ..." starts one at W, and otherwise W ends its term. Such splits are guesses and are reported as such.
 */
public final class ConditionSplitter {
  private static final Pattern CERTAIN = Pattern.compile("(?<=\\))\\s+(?=\\p{Lu})");
  private static final Pattern TOKEN = Pattern.compile("[^\\s,]+(?:,(?=\\S))?|,");
  private static final Set<String> CONNECTORS =
      Set.of("of", "and", "or", "with", "in", "the", "to", "for", "after", "from", "by", "on", "at", "a", "an");

  private ConditionSplitter() {}

  /** The terms of {@code line}; {@code line.text()} is already unescaped. */
  public static List<String> split(SourceLine line, String section, List<Diagnostic> diagnostics) {
    List<String> terms = new ArrayList<>();
    for (String piece : CERTAIN.split(line.text().trim())) {
      List<String> guessed = splitOnRepeatedWord(piece);
      if (guessed.size() > 1) {
        diagnostics.add(
            new Diagnostic(
                Severity.WARNING,
                section,
                line.number(),
                piece,
                "conditions run together; split into " + guessed + " by their repeated word (a guess)"));
      }
      terms.addAll(guessed);
    }
    return terms;
  }

  private record Token(String text, int start, int end) {
    String word() {
      String w = text.replace(",", "").toLowerCase(Locale.ROOT);
      return w.endsWith("s") && w.length() > 3 ? w.substring(0, w.length() - 1) : w;
    }

    boolean inverted() {
      return text.contains(",");
    }
  }

  private static List<String> splitOnRepeatedWord(String piece) {
    List<Token> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(piece);
    while (m.find()) {
      if (m.group().equals(",")) {
        Token previous = tokens.isEmpty() ? null : tokens.remove(tokens.size() - 1);
        if (previous != null) {
          tokens.add(new Token(previous.text + ",", previous.start, m.end()));
        }
        continue;
      }
      // "Sarcoma,Soft" is two tokens glued at a comma: the first keeps the comma (inverted order).
      tokens.add(new Token(m.group(), m.start(), m.end()));
    }
    String head = repeatedWord(tokens);
    if (head == null) {
      return List.of(piece.trim());
    }
    List<Integer> heads = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).word().equals(head)) {
        heads.add(i);
      }
    }
    List<Integer> cuts = new ArrayList<>(); // token index at which a new term starts
    for (int k = 0; k + 1 < heads.size(); k++) {
      int i = heads.get(k);
      int j = heads.get(k + 1);
      boolean jStartsTerm =
          tokens.get(j).inverted() || (j + 1 < tokens.size() && isConnector(tokens.get(j + 1)));
      int cut = jStartsTerm ? j : Math.min(j, i + (tokens.get(i).inverted() ? 2 : 1));
      cuts.add(cut);
    }
    List<String> terms = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      if (cut > from) {
        terms.add(piece.substring(tokens.get(from).start, tokens.get(cut - 1).end).trim());
        from = cut;
      }
    }
    terms.add(piece.substring(tokens.get(from).start).trim());
    return terms;
  }

  private static boolean isConnector(Token token) {
    return CONNECTORS.contains(token.text.toLowerCase(Locale.ROOT));
  }

  /** The most frequent non-connector word occurring twice or more; on a tie, the one first seen last. */
  private static String repeatedWord(List<Token> tokens) {
    Map<String, Integer> counts = new HashMap<>();
    for (Token token : tokens) {
      if (!isConnector(token) && token.word().length() > 1) {
        counts.merge(token.word(), 1, Integer::sum);
      }
    }
    String best = null;
    int bestCount = 1;
    for (Token token : tokens) {
      int count = counts.getOrDefault(token.word(), 0);
      if (count > bestCount || (count == bestCount && count > 1 && !token.word().equals(best))) {
        best = token.word();
        bestCount = count;
      }
    }
    return best;
  }
}
