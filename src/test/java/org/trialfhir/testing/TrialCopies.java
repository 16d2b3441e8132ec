package org.trialfhir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes many trial record files for import tests: copies of the bundled sample trials, each under a new registry
 * id ({@code NCT9} and seven digits, an id no real trial has yet). A copy's resources are its sample's with the id
 * replaced; the shared Organizations, Locations and Practitioners are the sample's own.
 */
public final class TrialCopies {
  /** The sample trials the copies cycle through. */
  public static final List<String> SAMPLES =
      List.of("NCT03754764", "NCT06412458", "NCT06690827", "NCT07052565", "NCT07066982");

  /** One written copy: its file, the sample it copies, and its own id. */
  public record Copy(Path file, String sample, String id) {}

  private TrialCopies() {}

  /** Writes {@code count} copies into {@code dir} as {@code <id>.txt}, ids numbered from {@code firstNumber}. */
  public static List<Copy> write(Path dir, int count, int firstNumber) {
    List<String> texts = SAMPLES.stream().map(TrialCopies::sampleText).toList();
    List<Copy> copies = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int which = i % SAMPLES.size();
      String id = String.format("NCT9%07d", firstNumber + i);
      Path file = dir.resolve(id + ".txt");
      try {
        Files.writeString(file, texts.get(which).replace(SAMPLES.get(which), id));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      copies.add(new Copy(file, SAMPLES.get(which), id));
    }
    return copies;
  }

  /** A bundled sample trial's record text. */
  public static String sampleText(String sample) {
    try (InputStream in = TrialCopies.class.getClassLoader().getResourceAsStream("samples/" + sample + ".txt")) {
      if (in == null) {
        throw new IllegalStateException("no bundled sample " + sample);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
