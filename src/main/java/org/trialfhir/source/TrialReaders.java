package org.trialfhir.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the reader for an input from its content (never its file name), reads it, and adds the
 * cross-section consistency diagnostics every format shares.
 */
public final class TrialReaders {
  private static final int MAX_BYTES = 16 * 1024 * 1024;

  private final List<TrialRecordReader> readers;

  public TrialReaders(List<TrialRecordReader> readers) {
    this.readers = List.copyOf(readers);
  }

  /** The readers for every format trialfhir knows. */
  public static TrialReaders standard() {
    return new TrialReaders(List.of(new CtgovJsonReader(), new CtgovPageReader(), new MedPathPageReader()));
  }

  /**
   * Reads a file.
   *
   * @throws UnreadableRecordException naming the reason when the file is unreadable or not a trial record
   */
  public ParseResult read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new UnreadableRecordException("larger than " + MAX_BYTES / (1024 * 1024) + " MiB; not a trial record");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UnreadableRecordException("cannot be read: " + e.getMessage(), e);
    }
    return read(bytes);
  }

  /** Reads raw bytes, which must be UTF-8 text. */
  public ParseResult read(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        throw new UnreadableRecordException("binary content (NUL bytes); expected a trial record as text or JSON");
      }
    }
    // Decoding replaces malformed input with U+FFFD: a text without one had none, and is what the strict decoder
    // below gives, at a fraction of its cost. Only a text with a U+FFFD (malformed or written) is decoded again.
    String decoded = new String(bytes, StandardCharsets.UTF_8);
    if (decoded.indexOf('\uFFFD') < 0) {
      return read(decoded);
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      return read(text);
    } catch (CharacterCodingException e) {
      throw new UnreadableRecordException("not UTF-8 text; expected a trial record as text or JSON", e);
    }
  }

  /** Reads text content. */
  public ParseResult read(String content) {
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    if (text.isBlank()) {
      throw new UnreadableRecordException("empty; expected a trial record");
    }
    for (TrialRecordReader reader : readers) {
      if (reader.accepts(text)) {
        ParseResult result = reader.read(text);
        List<Diagnostic> diagnostics = new ArrayList<>(result.diagnostics());
        diagnostics.addAll(RecordConsistency.check(result.record()));
        return new ParseResult(result.format(), result.record(), diagnostics);
      }
    }
    throw new UnreadableRecordException(whyNot(text));
  }

  private static String whyNot(String text) {
    String start = text.stripLeading().toLowerCase(Locale.ROOT);
    if (start.startsWith("<!doctype html") || start.startsWith("<html") || start.contains("<body")) {
      return "an HTML page, not a trial record in a supported rendering (ClinicalTrials.gov page, MedPath page,"
          + " CT.gov API v2 JSON)";
    }
    if (start.startsWith("{") || start.startsWith("[")) {
      return "JSON, but not a ClinicalTrials.gov API v2 study (no protocolSection)";
    }
    return "not a trial record in a supported format (ClinicalTrials.gov page, MedPath page, CT.gov API v2 JSON)";
  }
}
