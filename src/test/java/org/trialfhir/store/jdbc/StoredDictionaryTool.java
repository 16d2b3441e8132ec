package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;

/**
 * Writes the zstd dictionary {@link StoredCompression} compresses against: the stored JSON (HAPI's encoding of the
 * parse of each resource's encoding, as {@link ResourceCodec} stores it) of every resource converted from the sample
 * trials, one sample after another in file-name order, each trial's resources in the converter's order.
 *
 * <p>Stored versions need the dictionary's exact bytes forever, so this is how dictionary 1 was made, not a build
 * step: the converter will change, the dictionary must not. A new dictionary gets a new number. Run from the project
 * root, after {@code mvn -B -ntp package -DskipTests} (dictionary 1 was made so, 225,675 bytes):
 *
 * <pre>
 * java -cp target/test-classes:target/trialfhir.jar org.trialfhir.store.jdbc.StoredDictionaryTool \
 *   src/main/resources/samples /tmp/stored-json-2.dict
 * </pre>
 */
public final class StoredDictionaryTool {
  private StoredDictionaryTool() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: StoredDictionaryTool SAMPLE-DIR OUT-FILE");
      System.exit(2);
    }
    byte[] dictionary = dictionary(Path.of(args[0]));
    Path out = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.write(out, dictionary);
    System.out.println(args[1] + ": " + dictionary.length + " bytes");
  }

  static byte[] dictionary(Path samples) throws IOException {
    FhirContext ctx = FhirContext.forR4Cached();
    IParser parser = ctx.newJsonParser();
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(ctx));
    List<Path> files;
    try (Stream<Path> listed = Files.list(samples)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Path file : files) {
      ParseResult parsed = TrialReaders.standard().read(file);
      for (Resource resource : mapper.map(parsed.record()).resources()) {
        String first = parser.encodeResourceToString(resource);
        out.writeBytes(parser.encodeResourceToString(parser.parseResource(first)).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }
}
