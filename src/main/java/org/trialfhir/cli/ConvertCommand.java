package org.trialfhir.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.UnreadableRecordException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code convert [--format json|xml] FILE...}: prints one collection Bundle with every resource of the given
 * trial records; unreadable files are named on stderr and the others still converted.
 */
@Command(name = "convert", description = "Convert trial records into one FHIR R4 collection Bundle.")
final class ConvertCommand implements Callable<Integer> {

  enum Format {
    json,
    xml
  }

  @Option(names = "--format", defaultValue = "json", description = "Output format: ${COMPLETION-CANDIDATES}.")
  Format format;

  @Option(names = "--quiet", description = "Do not print mapping diagnostics on stderr.")
  boolean quiet;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trial records (page text or CT.gov v2 JSON).")
  List<Path> files;

  @Override
  public Integer call() {
    FhirContext fhir = FhirContext.forR4Cached();
    TrialReaders readers = TrialReaders.standard();
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(fhir));
    List<Resource> resources = new ArrayList<>();
    int failed = 0;
    for (Path file : files) {
      try {
        ParseResult parsed = readers.read(file);
        TrialBundleMapper.TrialResources trial = mapper.map(parsed.record());
        resources.addAll(trial.resources());
        if (!quiet) {
          for (Diagnostic d : trial.diagnostics()) {
            System.err.println(file + ": " + d.severity().name().toLowerCase() + ": " + d.section() + ": "
                + d.message() + (d.text().isEmpty() ? "" : " [" + d.text() + "]"));
          }
        }
      } catch (UnreadableRecordException e) {
        System.err.println(file + ": " + e.getMessage());
        failed++;
      }
    }
    IParser parser = format == Format.xml ? fhir.newXmlParser() : fhir.newJsonParser();
    System.out.println(parser.setPrettyPrint(true).encodeResourceToString(TrialBundleMapper.collection(resources)));
    return failed == 0 ? 0 : 1;
  }
}
