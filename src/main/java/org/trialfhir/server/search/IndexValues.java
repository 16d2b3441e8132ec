package org.trialfhir.server.search;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.IdType;

/**
 * The compact forms the {@link SearchIndex} keeps a search parameter's values in, and the tables that make them
 * compact: token values and references are interned (a status, a phase, a shared sponsor's reference is one object
 * however many resources hold it, and so is an array holding only it), and {@code _content}'s words are numbered once and kept per resource as a sorted
 * set of numbers.
 */
final class IndexValues {
  static final Tok[] NO_TOKS = {};
  static final Link[] NO_LINKS = {};
  static final String[] NO_STRINGS = {};
  static final long[] NO_SPANS = {};
  static final int[] NO_WORDS = {};

  /**
   * One distinct token value: {@link Coded} with its text folded once, and a number (dense, from 0) that a search
   * uses to remember what it found for the value.
   */
  static final class Tok {
    final String system;
    final String code;
    final String text;
    final String foldedText;
    final int serial;
    /** This value alone: the values of most resources for a parameter with one value, shared rather than copied. */
    final Tok[] alone = {this};

    Tok(Coded coded, int serial) {
      this.system = coded.system();
      this.code = coded.code();
      this.text = coded.text();
      this.foldedText = Text.fold(coded.text());
      this.serial = serial;
    }

    boolean hasCode() {
      return code != null && !code.isEmpty();
    }
  }

  /**
   * One distinct reference as written ({@code Location/loc-x}, or a canonical URL), what it names
   * ({@code type}/{@code id}, null when it names nothing), and, once found, the ordinal of what it names in its
   * type's index (ordinals never change, so it is looked up once).
   */
  static final class Link {
    final String reference;
    final String type;
    final String id;
    /** A canonical or absolute URL: resolved by the target type's {@code url} first, as canonical references are. */
    final String url;
    private volatile int ordinal = -1;
    /** This reference alone, shared by every resource whose parameter holds only it. */
    final Link[] alone = {this};

    private Link(String reference) {
      this.reference = reference;
      String type = null;
      String id = null;
      String url = null;
      if (reference != null && !reference.isEmpty() && !reference.startsWith("#")) {
        String bare = reference.contains("|") ? reference.substring(0, reference.indexOf('|')) : reference;
        IdType parsed = new IdType(bare);
        if (parsed.hasResourceType() && parsed.hasIdPart()) {
          // One instance per type name, not one per reference.
          type = parsed.getResourceType().intern();
          id = parsed.getIdPart();
          url = parsed.hasBaseUrl() ? bare : null;
        }
      }
      this.type = type;
      this.id = id;
      this.url = url;
    }

    /** {@code Type/id} as written, or null. */
    String key() {
      return type == null ? null : type + "/" + id;
    }

    int cachedOrdinal() {
      return ordinal;
    }

    void cacheOrdinal(int ordinal) {
      this.ordinal = ordinal;
    }
  }

  private final Map<Coded, Tok> toks = new ConcurrentHashMap<>();
  private final AtomicInteger tokSerials = new AtomicInteger();
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final Map<String, Integer> wordNumbers = new ConcurrentHashMap<>();
  private final Object wordLock = new Object();
  private volatile String[] words = new String[1024];
  private volatile int wordCount;

  Tok tok(Coded coded) {
    Tok tok = toks.get(coded);
    return tok != null ? tok : toks.computeIfAbsent(coded, c -> new Tok(c, tokSerials.getAndIncrement()));
  }

  /** One more than the largest token number handed out. */
  int tokCount() {
    return tokSerials.get();
  }

  Link link(String reference) {
    Link link = links.get(reference);
    return link != null ? link : links.computeIfAbsent(reference, Link::new);
  }

  /** The distinct folded words of the texts, as word numbers in ascending order. */
  int[] words(List<String> texts) {
    int[] numbers = new int[16];
    int count = 0;
    for (String text : texts) {
      if (text == null) {
        continue;
      }
      for (String word : Text.words(Text.fold(text))) {
        if (count == numbers.length) {
          numbers = Arrays.copyOf(numbers, count * 2);
        }
        numbers[count++] = wordNumber(word);
      }
    }
    if (count == 0) {
      return NO_WORDS;
    }
    int[] sorted = Arrays.copyOf(numbers, count);
    Arrays.sort(sorted);
    int distinct = 1;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] != sorted[distinct - 1]) {
        sorted[distinct++] = sorted[i];
      }
    }
    return distinct == sorted.length ? sorted : Arrays.copyOf(sorted, distinct);
  }

  /** The numbers of the words that start with the folded prefix, as a set to test numbers against. */
  java.util.BitSet wordsStartingWith(String prefix) {
    String[] known = words;
    int count = Math.min(wordCount, known.length);
    java.util.BitSet found = new java.util.BitSet(count);
    for (int i = 0; i < count; i++) {
      String word = known[i];
      if (word != null && word.startsWith(prefix)) {
        found.set(i);
      }
    }
    return found;
  }

  /** Every word numbered so far, by number (for a snapshot). */
  String[] wordTable() {
    int count = wordCount;
    return Arrays.copyOf(words, count);
  }

  /** Numbers the words as a snapshot numbered them; only before any other word is numbered. */
  void restoreWords(String[] table) {
    synchronized (wordLock) {
      if (wordCount != 0) {
        throw new IllegalStateException("words are numbered already");
      }
      words = Arrays.copyOf(table, Math.max(1024, table.length));
      for (int i = 0; i < table.length; i++) {
        wordNumbers.put(table[i], i);
      }
      wordCount = table.length;
    }
  }

  private int wordNumber(String word) {
    Integer number = wordNumbers.get(word);
    return number != null ? number : wordNumbers.computeIfAbsent(word, this::addWord);
  }

  private int addWord(String word) {
    synchronized (wordLock) {
      int number = wordCount;
      if (number == words.length) {
        words = Arrays.copyOf(words, number * 2);
      }
      words[number] = word;
      wordCount = number + 1;
      return number;
    }
  }
}
